// Carries an approved or automatic action to the system of record through its connector
// and moves the exception on only when the call succeeded. A failed delivery becomes a
// dead letter and the failure is written onto the exception, which stays in progress —
// never silently resolved. Replays send the same idempotency key again.
import { FINAL_STATUSES, type ExceptionRecord } from '../contracts/exception.ts';
import { AppError, notFound } from '../errors.ts';
import { CATALOGUE, findAction } from '../triage/catalogue.ts';
import type { Outcome } from './idempotency.ts';
import type { ExceptionBook } from '../exceptions/book.ts';
import { VersionConflictError } from '../exceptions/book.ts';
import type { Logger } from '../logger.ts';
import type { ActionDef, ConnectorName } from '../triage/catalogue.ts';
import { randomId } from '../auth/secrets.ts';
import type { AuditLog } from './audit.ts';
import { commandBody, type Scalar } from './commands.ts';
import type { Delivery, DeliveryStore } from './deliveries.ts';
import { transition } from './lifecycle.ts';
import { postWebhook, type RetryPolicy } from './webhook.ts';

export type ExecutorDeps = {
  book: ExceptionBook;
  audit: AuditLog;
  deliveries: DeliveryStore;
  connectors: Partial<Record<ConnectorName, string>>;
  retry: RetryPolicy;
  now: () => number;
  logger: Logger;
};

export const EXECUTOR_ACTOR = 'system:connector';
const CATALOGUE_ACTIONS = Object.values(CATALOGUE).flat();

export class Executor {
  private readonly running = new Map<string, Promise<void>>();
  constructor(private readonly d: ExecutorDeps) {}

  private iso = () => new Date(this.d.now()).toISOString();

  connectorUrl(def: ActionDef): string | undefined {
    return def.connector ? this.d.connectors[def.connector] : undefined;
  }

  /** Builds the delivery for an action; the exception's version that started it is already committed. */
  newDelivery(def: ActionDef, x: ExceptionRecord, params: Record<string, Scalar>, idempotencyKey: string): Delivery {
    return {
      id: randomId('dlv'),
      version: 0,
      connector: def.connector!,
      action: def.action,
      url: this.connectorUrl(def)!,
      exceptionId: x.id,
      idempotencyKey,
      body: commandBody(def, x, idempotencyKey, params),
      status: 'sending',
      attempts: 0,
      lastError: '',
      response: '',
      updatedAt: this.iso(),
    };
  }

  /** Stores a delivery as about to be sent (start-up resends it if the process dies first). */
  async record(delivery: Delivery): Promise<void> {
    await this.d.deliveries.save({ ...delivery, status: 'sending', updatedAt: this.iso() });
  }

  /** Withdraws a recorded delivery whose request was refused before it was sent. */
  async cancel(delivery: Delivery): Promise<void> {
    await this.d.deliveries.save({ ...delivery, version: delivery.version + 1, status: 'cancelled', updatedAt: this.iso() });
  }

  /** Sends in the background; `settled(id)` resolves when it is done (tests, shutdown). */
  start(delivery: Delivery, def: ActionDef, by: string): void {
    const run = this.send(delivery, def, by)
      .catch((err) => this.d.logger.error({ err, delivery: delivery.id }, 'connector delivery crashed'))
      .finally(() => this.running.delete(delivery.id));
    this.running.set(delivery.id, run);
  }

  settled(deliveryId: string): Promise<void> {
    return this.running.get(deliveryId) ?? Promise.resolve();
  }

  async idle(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running.values()]);
  }

  private async send(delivery: Delivery, def: ActionDef, by: string): Promise<void> {
    const base = await this.d.deliveries.save({ ...delivery, version: delivery.version + 1, status: 'sending', updatedAt: this.iso() });
    const result = await postWebhook(base.url, base.body, base.idempotencyKey, this.d.retry, (a) => {
      void this.d.audit
        .record({ kind: 'connector.call', actor: EXECUTOR_ACTOR, exceptionId: base.exceptionId, action: def.action, outcome: a.status ? String(a.status) : 'error', reason: a.error, data: { deliveryId: base.id, connector: base.connector, url: base.url, attempt: a.attempt + base.attempts, ms: a.ms, response: a.response } })
        .catch(() => undefined);
    });
    const attempts = base.attempts + result.attempts;
    if (result.ok) {
      // The exception learns the outcome before the delivery is marked done: a kill between
      // the two leaves the delivery "sending", so start-up sends it again (same key, applied
      // once by the receiver) and records the outcome — never a delivery done whose exception
      // still waits for it.
      const at = this.iso();
      await this.commitLatest(base.exceptionId, (x) => {
        // An order-level command fixes one order; an incident over several orders resolves when
        // its resolving events arrive (the detector), not on the first order's success.
        const resolves = def.resolves && !(def.orderLevel && x.orderIds.length > 1);
        return transition(x, {
          // Closed meanwhile (resolving event, dismissal): record the outcome, keep the state.
          to: FINAL_STATUSES.includes(x.status) ? x.status : resolves ? 'resolved' : 'in_progress',
          actor: EXECUTOR_ACTOR,
          at,
          change: resolves && !FINAL_STATUSES.includes(x.status) ? 'resolved_by_action' : 'action_executed',
          reason: FINAL_STATUSES.includes(x.status) ? x.resolutionReason : resolves ? 'manual' : undefined,
          details: { execution: { status: 'succeeded', action: def.action, deliveryId: base.id, idempotencyKey: base.idempotencyKey, at }, lastAction: { action: def.action, by, executedAt: at } },
        });
      });
      await this.d.deliveries.save({ ...base, version: base.version + 1, status: 'succeeded', attempts, response: result.response, lastError: '', updatedAt: this.iso() });
      await this.d.audit.record({ kind: 'connector.succeeded', actor: EXECUTOR_ACTOR, exceptionId: base.exceptionId, action: def.action, outcome: String(result.status), data: { deliveryId: base.id, response: result.response, attempts } });
      return;
    }
    const at = this.iso();
    await this.commitLatest(base.exceptionId, (x) => ({
      ...x,
      version: x.version + 1,
      updatedAt: at,
      actor: EXECUTOR_ACTOR,
      change: 'execution_failed',
      details: { ...x.details, execution: { status: 'failed', action: def.action, deliveryId: base.id, idempotencyKey: base.idempotencyKey, error: result.error, attempts, at } },
    }));
    await this.d.deliveries.save({ ...base, version: base.version + 1, status: 'dead_letter', attempts, lastError: result.error, updatedAt: this.iso() });
    await this.d.audit.record({ kind: 'connector.dead_letter', actor: EXECUTOR_ACTOR, exceptionId: base.exceptionId, action: def.action, outcome: 'failed', reason: result.error, data: { deliveryId: base.id, attempts } });
  }

  /** Sends a dead letter again, with the same idempotency key, once an operator asks. */
  async replay(by: string, deliveryId: string): Promise<Outcome> {
    const delivery = this.d.deliveries.get(deliveryId);
    if (!delivery) throw notFound(`delivery ${deliveryId} is not a dead letter or does not exist`);
    if (delivery.status !== 'dead_letter') throw new AppError(409, 'not_dead_letter', `delivery ${deliveryId} is ${delivery.status}`);
    const x = this.d.book.get(delivery.exceptionId);
    if (!x) throw notFound(`exception ${delivery.exceptionId} is no longer in memory`);
    if (FINAL_STATUSES.includes(x.status)) throw new AppError(409, 'illegal_transition', `exception ${x.id} is already ${x.status}; nothing to replay`, { from: x.status });
    const def = findAction(x.type, delivery.action)!;
    const at = this.iso();
    const next: ExceptionRecord = { ...x, version: x.version + 1, updatedAt: at, actor: by, change: 'action_replayed', details: { ...x.details, execution: { status: 'sending', action: def.action, deliveryId, at, replay: true } } };
    await this.d.book.commit(next);
    await this.d.audit.record({ kind: 'connector.replay', actor: by, exceptionId: x.id, orderIds: x.orderIds, exceptionVersion: next.version, action: def.action, data: { deliveryId, previousError: delivery.lastError } });
    this.start(delivery, def, by);
    return { status: 202, body: { outcome: 'executing', deliveryId, exceptionVersion: next.version } };
  }

  /**
   * Deliveries cut off by a stop are sent again at start-up (same key: the receiver applies
   * them once) — but only those whose request went through. A delivery is stored before its
   * exception commits "sending" (see ActionService.execute); a kill between the two, or before
   * a refused commit withdrew it, leaves a delivery whose request was never answered 202 and
   * that the exception does not know. Sending it would act behind the exception's back: a
   * second request, rightly accepted because nothing is executing, would then act again (the
   * crash test saw one exception resolved by two actions). Such a delivery is withdrawn.
   */
  async resumeInterrupted(): Promise<{ resumed: number; withdrawn: number }> {
    let resumed = 0;
    let withdrawn = 0;
    for (const d of this.d.deliveries.list('sending')) {
      const x = this.d.book.get(d.exceptionId);
      if (x && (x.details.execution as { deliveryId?: string } | undefined)?.deliveryId !== d.id) {
        await this.cancel(d);
        withdrawn++;
        continue;
      }
      // An exception closed meanwhile may have left the book; its command is still owed (it
      // was answered 202) — it is sent, and the outcome recorded without changing the state.
      const def = x ? findAction(x.type, d.action) : CATALOGUE_ACTIONS.find((a) => a.action === d.action && a.connector === d.connector);
      if (!def) continue;
      this.start(d, def, EXECUTOR_ACTOR);
      resumed++;
    }
    return { resumed, withdrawn };
  }

  /** Applies a system change to the newest version, retrying when a detector committed meanwhile. */
  async commitLatest(id: string, change: (x: ExceptionRecord) => ExceptionRecord): Promise<ExceptionRecord | undefined> {
    for (let i = 0; i < 5; i++) {
      const x = this.d.book.get(id);
      if (!x) return undefined;
      const next = change(x);
      try {
        await this.d.book.commit(next);
        return next;
      } catch (err) {
        if (!(err instanceof VersionConflictError)) throw err;
      }
    }
    throw new Error(`exception ${id} kept changing; gave up recording the connector outcome`);
  }
}
