// A producer as the ingest contract expects one to behave: it sends NDJSON batches, counts
// an event as delivered only on a 202, and retries the SAME batch (same ids) after any
// failure — refused connection, reset, 429, 503 — honouring Retry-After.
import { EVENT_TYPES, type CtEvent } from '../../../server/events/schema.ts';
import { sampleEvent } from '../../fixtures/events.ts';
import { ingestAuth, sleep } from './tower.ts';

export type ProducerStats = { batches: number; acked: number; statuses: Record<string, number>; retryAfterMissing: number };

export function makeEvents(runId: string, from: number, count: number): CtEvent[] {
  const start = Date.parse('2026-11-01T00:00:00Z');
  const out: CtEvent[] = [];
  for (let i = from; i < from + count; i++) {
    const e = sampleEvent(EVENT_TYPES[i % EVENT_TYPES.length], new Date(start + i * 37).toISOString()) as CtEvent & Record<string, unknown>;
    e.id = `${runId}-${i}`;
    if (e.orderId) e.orderId = `O-${Math.floor(i / 12)}`;
    out.push(e);
  }
  return out;
}

const toNdjson = (events: CtEvent[]) => events.map((e) => JSON.stringify(e)).join('\n') + '\n';

export type ProducerOptions = {
  runId: string;
  url: () => string;
  batchSize: number;
  /** Pause between batches (ms); 0 sends as fast as answers come back. */
  pauseMs?: number;
  /** Cap on the Retry-After wait, so a test is not dominated by back-off. */
  maxRetryWaitMs?: number;
  requestTimeoutMs?: number;
};

export class Producer {
  readonly acked = new Set<string>();
  readonly sent = new Set<string>();
  readonly stats: ProducerStats = { batches: 0, acked: 0, statuses: {}, retryAfterMissing: 0 };
  private next = 0;
  private stopping = false;
  private abandoned = false;
  private running?: Promise<void>;

  constructor(private readonly opts: ProducerOptions) {}

  start(): this {
    this.running = this.loop();
    return this;
  }

  /** Gives up at once, even on the batch in hand (for a server that is gone for good). */
  async abandon(): Promise<void> {
    this.stopping = true;
    this.abandoned = true;
    await this.running;
  }

  /** Sends no new batch, but keeps retrying the one in hand until it is acknowledged. */
  async finish(): Promise<void> {
    this.stopping = true;
    await this.running;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      const batch = makeEvents(this.opts.runId, this.next, this.opts.batchSize);
      this.next += batch.length;
      for (const e of batch) this.sent.add(e.id);
      await this.deliver(batch);
      if (this.opts.pauseMs) await sleep(this.opts.pauseMs);
    }
  }

  private count(key: string) {
    this.stats.statuses[key] = (this.stats.statuses[key] ?? 0) + 1;
  }

  private async deliver(batch: CtEvent[]): Promise<void> {
    const body = toNdjson(batch);
    while (!this.abandoned) {
      let wait = 50;
      try {
        const res = await fetch(`${this.opts.url()}/api/v1/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-ndjson', ...ingestAuth },
          body,
          signal: AbortSignal.timeout(this.opts.requestTimeoutMs ?? 60_000),
        });
        const text = await res.text();
        this.count(String(res.status));
        if (res.status === 202) {
          const answer = JSON.parse(text) as { accepted: number; duplicates: number; rejected: unknown[] };
          if (answer.accepted + answer.duplicates !== batch.length || answer.rejected.length) throw new Error(`a 202 that does not cover the batch: ${text}`);
          for (const e of batch) this.acked.add(e.id);
          this.stats.batches++;
          this.stats.acked += batch.length;
          return;
        }
        if (res.status !== 429 && res.status !== 503) throw new Error(`unexpected ${res.status}: ${text}`);
        const retryAfter = res.headers.get('retry-after');
        if (!retryAfter) this.stats.retryAfterMissing++;
        wait = Math.min(Number(retryAfter ?? 1) * 1000, this.opts.maxRetryWaitMs ?? 1000);
      } catch (err) {
        if ((err as Error).message.startsWith('a 202') || (err as Error).message.startsWith('unexpected')) throw err;
        this.count((err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name);
      }
      await sleep(wait);
    }
  }
}
