// Runs action requests per policy (DESIGN.md §5): `auto` executes through a connector,
// `approval` parks the exception in pending_approval until someone else with the named
// role approves, `recommend_only` records that a person did it in the system of record.
// Checks and the state change happen in one synchronous step, so of two concurrent
// requests on the same exception only one gets through; the book's version check is the
// backstop.
import { z } from 'zod';
import { FINAL_STATUSES, type ExceptionRecord } from '../contracts/exception.ts';
import type { ExceptionBook } from '../exceptions/book.ts';
import { AppError, notFound } from '../errors.ts';
import { hasAnyRole, type Principal } from '../auth/roles.ts';
import { randomId } from '../auth/secrets.ts';
import { CATALOGUE, findAction, type ActionDef } from '../triage/catalogue.ts';
import { suggestConditions } from '../triage/conditions.ts';
import type { AuditLog } from './audit.ts';
import type { Approval, ApprovalStore } from './approvals.ts';
import type { Scalar } from './commands.ts';
import type { Executor } from './executor.ts';
import type { Outcome } from './idempotency.ts';
import { transition } from './lifecycle.ts';
import { TEAM_ROLES } from './teamRoles.ts';

export const actionRequestSchema = z
  .object({
    action: z.string().min(1).max(64),
    params: z.record(z.string(), z.union([z.string().max(256), z.number(), z.boolean(), z.null()])).default({}),
    comment: z.string().max(2000).default(''),
  })
  .strict();
export type ActionRequest = z.infer<typeof actionRequestSchema>;

export const moveRequestSchema = z
  .object({
    to: z.enum(['acknowledged', 'in_progress', 'resolved', 'dismissed', 'open']),
    reason: z.enum(['false_positive', 'duplicate', 'not_actionable']).optional(),
    comment: z.string().max(2000).default(''),
  })
  .strict();
export type MoveRequest = z.infer<typeof moveRequestSchema>;

/** The key a connector receives for one request: the receiver applies each key once. */
const deliveryKey = (x: ExceptionRecord, def: ActionDef, requestKey: string) => `${x.id}:${def.action}:${requestKey}`;

export type ActionServiceDeps = { book: ExceptionBook; audit: AuditLog; approvals: ApprovalStore; executor: Executor; now: () => number };

export class ActionService {
  private readonly deciding = new Set<string>();
  constructor(private readonly d: ActionServiceDeps) {}

  private iso = () => new Date(this.d.now()).toISOString();

  private exception(id: string): ExceptionRecord {
    const x = this.d.book.get(id);
    if (!x) throw notFound(`exception ${id} does not exist or is no longer in memory`);
    return x;
  }

  /** Object-level check: people act on exceptions of the teams their roles work for. */
  private requireTeam(p: Principal, x: ExceptionRecord) {
    if (!hasAnyRole(p, TEAM_ROLES[x.team])) throw new AppError(403, 'forbidden', `exceptions of team ${x.team} are handled by: ${TEAM_ROLES[x.team].join(', ')}`);
  }

  private requireActionable(x: ExceptionRecord) {
    if (FINAL_STATUSES.includes(x.status)) throw new AppError(409, 'illegal_transition', `exception ${x.id} is ${x.status}`, { from: x.status, allowed: ['open'] });
    if (x.status === 'pending_approval') throw new AppError(409, 'approval_pending', `exception ${x.id} waits for an approval; approve or reject it first`);
    const execution = x.details.execution as { status?: string } | undefined;
    if (execution?.status === 'sending') throw new AppError(409, 'execution_in_progress', `an action on exception ${x.id} is being executed`);
  }

  async move(p: Principal, id: string, req: MoveRequest): Promise<Outcome> {
    const x = this.exception(id);
    this.requireTeam(p, x);
    if (x.status === 'pending_approval' && req.to !== 'dismissed') throw new AppError(409, 'approval_pending', 'decide the pending approval first (or dismiss the exception)');
    if ((x.details.execution as { status?: string } | undefined)?.status === 'sending' && req.to !== 'acknowledged') throw new AppError(409, 'execution_in_progress', `an action on exception ${x.id} is being executed; wait for its outcome`);
    const next = transition(x, { to: req.to, actor: p.id, at: this.iso(), change: req.to === 'open' ? 'reopened' : req.to, reason: req.reason, details: req.comment ? { lastComment: { by: p.id, text: req.comment } } : undefined });
    const stored = this.d.book.commit(next);
    await stored;
    await this.d.audit.record({ kind: 'state.changed', actor: p.id, exceptionId: x.id, orderIds: x.orderIds, exceptionVersion: next.version, outcome: `${x.status}->${next.status}`, reason: req.reason ?? req.comment });
    return { status: 200, body: { exception: next } };
  }

  /** A closed exception needs no decision: its pending approvals are cancelled (and audited). */
  async cancelApprovals(x: ExceptionRecord, by: string): Promise<void> {
    for (const a of this.d.approvals.list({ status: 'pending', exceptionId: x.id })) {
      if (this.deciding.has(a.id)) continue;
      this.deciding.add(a.id);
      try {
        await this.d.approvals.save({ ...a, version: a.version + 1, status: 'cancelled', decidedBy: by, decidedAt: this.iso(), reason: `exception ${x.status}` });
        await this.d.audit.record({ kind: 'approval.rejected', actor: by, exceptionId: x.id, orderIds: x.orderIds, exceptionVersion: x.version, action: a.action, approvalId: a.id, outcome: 'cancelled', reason: `exception ${x.status}` });
      } finally {
        this.deciding.delete(a.id);
      }
    }
  }

  async request(p: Principal, id: string, req: ActionRequest, idempotencyKey: string): Promise<Outcome> {
    const x = this.exception(id);
    const def = findAction(x.type, req.action);
    if (!def) throw new AppError(400, 'unknown_action', `action '${req.action}' does not apply to ${x.type}; choose one of: ${CATALOGUE[x.type].map((a) => a.action).join(', ')}`);
    if (!hasAnyRole(p, def.requestRoles)) throw new AppError(403, 'forbidden', `${def.action} may be requested by: ${def.requestRoles.join(', ')}`);
    const again = this.startedBy(x, def, idempotencyKey);
    if (again) return again;
    const unmet = def.precondition?.(x);
    if (unmet) throw new AppError(422, 'precondition_failed', `${def.action}: ${unmet}`);
    if (def.connector && !this.d.executor.connectorUrl(def)) throw new AppError(422, 'connector_not_configured', `no ${def.connector} connector is configured (CONTROL_TOWER_CONNECTOR_${def.connector.toUpperCase()}_URL)`);
    this.requireActionable(x);
    const at = this.iso();
    // Suggested parameters (docs/recommendations.md) are the defaults; the requester's win.
    const params = { ...suggestConditions(x, def.action, this.d.now())?.params, ...req.params };
    req = { ...req, params };
    const lastRequest = { action: def.action, by: p.id, at, params, comment: req.comment };

    if (def.policy.mode === 'approval') {
      const approval: Approval = { id: randomId('apr'), version: 1, exceptionId: x.id, action: def.action, params: req.params, comment: req.comment, requestedBy: p.id, requestedAt: at, requiredRole: def.policy.role, status: 'pending' };
      const next = transition(x, { to: 'pending_approval', actor: p.id, at, change: 'approval_requested', details: { pendingApproval: approval.id, lastRequest } });
      const committed = this.d.book.commit(next);
      await committed;
      await this.d.approvals.save(approval);
      await this.d.audit.record({ kind: 'approval.requested', actor: p.id, exceptionId: x.id, orderIds: x.orderIds, exceptionVersion: next.version, action: def.action, approvalId: approval.id, reason: req.comment, data: { params: req.params, requiredRole: approval.requiredRole, risk: def.risk } });
      return { status: 202, body: { outcome: 'pending_approval', approvalId: approval.id, requiredRole: approval.requiredRole, exceptionVersion: next.version } };
    }

    if (def.policy.mode === 'recommend_only') {
      const next = transition(x, { to: 'in_progress', actor: p.id, at, change: 'action_recorded', details: { lastRequest, lastAction: { action: def.action, by: p.id, executedAt: at, outside: true } } });
      await this.d.book.commit(next);
      await this.d.audit.record({ kind: 'action.recorded', actor: p.id, exceptionId: x.id, orderIds: x.orderIds, exceptionVersion: next.version, action: def.action, reason: req.comment, outcome: 'done_in_system_of_record', data: { params: req.params } });
      return { status: 200, body: { outcome: 'recorded', note: `${def.action} is recommend-only: carry it out in the system of record`, exceptionVersion: next.version } };
    }

    return this.execute(p, x, def, req.params, req.comment, idempotencyKey, lastRequest);
  }

  /**
   * The retry of a request whose execution already started, recognised by its key on the
   * exception. The stored answer is missing only when the process died between starting the
   * execution and storing that answer; the retry is then answered as the first try would
   * have been — not refused as "an action is being executed", which is its own action.
   */
  private startedBy(x: ExceptionRecord, def: ActionDef, key: string): Outcome | undefined {
    const execution = x.details.execution as { idempotencyKey?: string; deliveryId?: string } | undefined;
    if (!def.connector || !key || execution?.idempotencyKey !== deliveryKey(x, def, key)) return undefined;
    return { status: 202, body: { outcome: 'executing', deliveryId: execution.deliveryId, exceptionVersion: x.version } };
  }

  /** Starts execution (auto policy, or after approval): commit first, then send. */
  private async execute(p: Principal, x: ExceptionRecord, def: ActionDef, params: Record<string, Scalar>, comment: string, key: string, lastRequest: unknown, approvalId?: string): Promise<Outcome> {
    const at = this.iso();
    if (!def.connector) {
      const next = transition(x, { to: 'in_progress', actor: p.id, at, change: 'action_executed', details: { lastRequest, execution: { status: 'succeeded', action: def.action, at }, lastAction: { action: def.action, by: p.id, executedAt: at } } });
      await this.d.book.commit(next);
      await this.d.audit.record({ kind: 'action.requested', actor: p.id, exceptionId: x.id, orderIds: x.orderIds, exceptionVersion: next.version, action: def.action, approvalId, reason: comment, outcome: 'executed', data: { params } });
      return { status: 200, body: { outcome: 'executed', exceptionVersion: next.version } };
    }
    const delivery = this.d.executor.newDelivery(def, x, params, deliveryKey(x, def, key));
    const next = transition(x, { to: 'in_progress', actor: p.id, at, change: 'action_started', details: { lastRequest, execution: { status: 'sending', action: def.action, deliveryId: delivery.id, idempotencyKey: delivery.idempotencyKey, at } } });
    // The delivery is stored before the exception says "sending": a kill between the two
    // then leaves a delivery that start-up sends (its key makes a repeat harmless), never
    // an exception waiting for a delivery that does not exist — refusing every action for good.
    await this.d.executor.record(delivery);
    try {
      await this.d.book.commit(next);
    } catch (err) {
      await this.d.executor.cancel(delivery); // refused (e.g. a version conflict): start-up must not send it
      throw err;
    }
    await this.d.audit.record({ kind: 'action.requested', actor: p.id, exceptionId: x.id, orderIds: x.orderIds, exceptionVersion: next.version, action: def.action, approvalId, reason: comment, outcome: 'executing', data: { params, deliveryId: delivery.id, connector: def.connector } });
    this.d.executor.start(delivery, def, p.id);
    return { status: 202, body: { outcome: 'executing', deliveryId: delivery.id, exceptionVersion: next.version } };
  }

  private pending(p: Principal, approvalId: string): { a: Approval; x: ExceptionRecord; def: ActionDef } {
    const a = this.d.approvals.get(approvalId);
    if (!a) throw notFound(`approval ${approvalId} does not exist`);
    if (a.status !== 'pending' || this.deciding.has(a.id)) throw new AppError(409, 'already_decided', `approval ${a.id} is ${a.status === 'pending' ? 'being decided' : a.status}`);
    if (a.requestedBy === p.id) throw new AppError(403, 'segregation_of_duties', 'the requester of an approval cannot decide it');
    if (!hasAnyRole(p, [a.requiredRole])) throw new AppError(403, 'forbidden', `approval ${a.id} needs the role ${a.requiredRole}`);
    const x = this.exception(a.exceptionId);
    const def = findAction(x.type, a.action)!;
    if (x.status !== 'pending_approval') throw new AppError(409, 'illegal_transition', `exception ${x.id} is ${x.status}, not pending_approval`, { from: x.status });
    return { a, x, def };
  }

  async approve(p: Principal, approvalId: string, comment: string, key: string): Promise<Outcome> {
    const { a, x, def } = this.pending(p, approvalId);
    this.deciding.add(a.id);
    try {
      const decided = await this.d.approvals.save({ ...a, version: a.version + 1, status: 'approved', decidedBy: p.id, decidedAt: this.iso(), reason: comment });
      await this.d.audit.record({ kind: 'approval.approved', actor: p.id, exceptionId: x.id, orderIds: x.orderIds, exceptionVersion: x.version, action: a.action, approvalId: a.id, reason: comment, data: { requestedBy: a.requestedBy } });
      const lastRequest = { action: a.action, by: a.requestedBy, at: a.requestedAt, params: a.params, comment: a.comment, approvedBy: p.id };
      const outcome = await this.execute(p, this.exception(x.id), def, a.params, comment, key, lastRequest, a.id);
      return { status: outcome.status, body: { ...(outcome.body as object), approval: decided } };
    } finally {
      this.deciding.delete(a.id);
    }
  }

  async reject(p: Principal, approvalId: string, reason: string): Promise<Outcome> {
    const { a, x } = this.pending(p, approvalId);
    this.deciding.add(a.id);
    try {
      const at = this.iso();
      const next = transition(x, { to: 'in_progress', actor: p.id, at, change: 'approval_rejected', details: { pendingApproval: null, lastRejection: { approvalId: a.id, action: a.action, by: p.id, at, reason } } });
      await this.d.book.commit(next);
      const decided = await this.d.approvals.save({ ...a, version: a.version + 1, status: 'rejected', decidedBy: p.id, decidedAt: at, reason });
      await this.d.audit.record({ kind: 'approval.rejected', actor: p.id, exceptionId: x.id, orderIds: x.orderIds, exceptionVersion: next.version, action: a.action, approvalId: a.id, reason });
      return { status: 200, body: { outcome: 'rejected', approval: decided, exceptionVersion: next.version } };
    } finally {
      this.deciding.delete(a.id);
    }
  }
}
