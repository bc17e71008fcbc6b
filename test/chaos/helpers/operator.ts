// An operator working the exception queue through the REST API while the tower is being
// killed: it picks open exceptions, requests an automatic connector action on each under a
// fresh Idempotency-Key, and retries the SAME key after anything that is not an answer
// (reset, refused, 5xx, 503) — exactly what the Idempotency-Key contract asks of a client.
// Now and then a second operator asks for the same action on the same exception under a
// key of their own, as two people working one queue would.
import type { ExceptionRecord } from '../../../server/contracts/exception.ts';
import { CATALOGUE, type ActionDef } from '../../../server/triage/catalogue.ts';
import { CHAOS_ADMIN_PASSWORD, ingestAuth, sleep } from './tower.ts';

export type ActionAsk = {
  key: string;
  exceptionId: string;
  action: string;
  /** Asked by the "second operator" right after the first one's answer. */
  second: boolean;
  status?: number;
  outcome?: string;
  code?: string;
  tries: number;
};

/** The key the tower sends to the connector for this ask (server/actions/actionService.ts). */
export const towerKey = (a: Pick<ActionAsk, 'exceptionId' | 'action' | 'key'>) => `${a.exceptionId}:${a.action}:${a.key}`;

function actionFor(x: ExceptionRecord): ActionDef | undefined {
  const usable = CATALOGUE[x.type].filter((d) => d.policy.mode === 'auto' && d.connector && !d.precondition?.(x));
  return usable.find((d) => d.resolves) ?? usable[0];
}

class SeedRefused extends Error {}

export class Operator {
  readonly asks: ActionAsk[] = [];
  readonly stats = { listed: 0, networkErrors: 0, signIns: 0 };
  /** Ids of the events it ingested to open work for itself, once stored (202). */
  readonly seeded = new Set<string>();
  private token = '';
  private n = 0;
  private seeds = 0;
  private stopping = false;
  private running?: Promise<void>;
  private readonly asked = new Set<string>();

  constructor(private readonly opts: { runId: string; url: () => string; pauseMs: number }) {}

  start(): this {
    this.running = this.loop();
    return this;
  }

  /** Asks nothing new; the ask in hand is retried until it gets an answer. */
  async finish(): Promise<void> {
    this.stopping = true;
    await this.running;
  }

  private async signIn(): Promise<void> {
    const res = await fetch(`${this.opts.url()}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: CHAOS_ADMIN_PASSWORD }), signal: AbortSignal.timeout(20_000) });
    if (res.status !== 200) throw new Error(`sign-in answered ${res.status}`);
    this.token = ((await res.json()) as { token: string }).token;
    this.stats.signIns++;
  }

  private async pick(): Promise<{ x: ExceptionRecord; def: ActionDef }[]> {
    if (!this.token) await this.signIn();
    const res = await fetch(`${this.opts.url()}/api/v1/exceptions?status=open,acknowledged&limit=200`, { headers: { authorization: `Bearer ${this.token}` }, signal: AbortSignal.timeout(20_000) });
    if (res.status === 401) this.token = '';
    if (res.status !== 200) return [];
    const items = ((await res.json()) as { items: ExceptionRecord[] }).items.filter((x) => !this.asked.has(x.id));
    this.stats.listed += items.length;
    const picks: { x: ExceptionRecord; def: ActionDef }[] = [];
    for (const x of items.sort(() => Math.random() - 0.5)) {
      const def = actionFor(x);
      if (def) picks.push({ x, def });
    }
    return picks;
  }

  /** One ask under one key, retried with that key until answered. */
  private async ask(x: ExceptionRecord, def: ActionDef, second: boolean): Promise<ActionAsk> {
    const ask: ActionAsk = { key: `${this.opts.runId}-${this.n++}`, exceptionId: x.id, action: def.action, second, tries: 0 };
    this.asks.push(ask);
    for (;;) {
      ask.tries++;
      try {
        if (!this.token) await this.signIn();
        const res = await fetch(`${this.opts.url()}/api/v1/exceptions/${encodeURIComponent(x.id)}/actions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}`, 'idempotency-key': ask.key },
          body: JSON.stringify({ action: def.action, comment: 'chaos operator' }),
          signal: AbortSignal.timeout(20_000),
        });
        const body = (await res.json()) as { outcome?: string; error?: { code: string } };
        if (res.status === 401) this.token = '';
        else if (res.status < 500 && body.error?.code !== 'version_conflict') {
          Object.assign(ask, { status: res.status, outcome: body.outcome, code: body.error?.code });
          return ask;
        }
      } catch {
        this.stats.networkErrors++;
      }
      await sleep(100);
    }
  }

  /**
   * Opens work for itself: a backorder on a sku × warehouse of its own (one order waiting),
   * which nothing in the producers' stream resolves. Sent until stored (same event id on
   * every try, so a retry is a duplicate, not a second backorder).
   */
  private async seed(count: number): Promise<void> {
    // In the producers' event time (makeEvents), so the restart replay window covers both.
    const events = Array.from({ length: count }, () => {
      const n = this.seeds++;
      return { id: `${this.opts.runId}-seed-${n}`, ts: new Date(Date.parse('2026-11-01T00:00:00Z') + n * 1000).toISOString(), source: 'erp', type: 'inventory.allocated', orderId: `${this.opts.runId}-O-${n}`, lineId: 'L1', sku: `${this.opts.runId}-SKU-${n}`, warehouse: 'W1', attrs: { qtyAllocated: 0, qtyBackordered: 5 } };
    });
    // Retried until stored even once finish() was called: a batch the tower stored just before
    // a kill cut its answer off is in the store, and must end up counted as acknowledged.
    for (;;) {
      const answer = await fetch(`${this.opts.url()}/api/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json', ...ingestAuth }, body: JSON.stringify(events), signal: AbortSignal.timeout(20_000) })
        .then(async (res) => ({ status: res.status, body: await res.text() }))
        .catch(() => undefined);
      if (answer?.status === 202) {
        for (const e of events) this.seeded.add(e.id);
        return;
      }
      if (!answer) this.stats.networkErrors++;
      else if (answer.status < 500 && answer.status !== 429) throw new SeedRefused(`the tower refused the operator's seed events: ${answer.status} ${answer.body}`);
      await sleep(100);
    }
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      try {
        // Keep a few exceptions of its own open; those seeded in an earlier life are still there.
        if (this.seeded.size - this.asked.size < 6) await this.seed(6);
        for (const picked of (await this.pick()).slice(0, 4)) {
          if (this.stopping) break;
          this.asked.add(picked.x.id);
          const first = await this.ask(picked.x, picked.def, false);
          if (first.status === 202 && this.n % 3 === 1) await this.ask(picked.x, picked.def, true);
        }
      } catch (err) {
        if (err instanceof SeedRefused) throw err; // ends the run: finish() rejects with it
        this.stats.networkErrors++;
      }
      await sleep(this.opts.pauseMs);
    }
  }
}
