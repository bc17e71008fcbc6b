// The exception state machine of DESIGN.md §5, enforced on the server. Every change makes
// the next version of the record and goes through ExceptionBook.commit, so two writers
// that start from the same version cannot both succeed.
import type { DismissReason, ExceptionRecord, ExceptionStatus, ResolutionReason } from '../contracts/exception.ts';
import { AppError } from '../errors.ts';

export const TRANSITIONS: Record<ExceptionStatus, readonly ExceptionStatus[]> = {
  open: ['acknowledged', 'in_progress', 'pending_approval', 'resolved', 'dismissed'],
  acknowledged: ['in_progress', 'pending_approval', 'resolved', 'dismissed'],
  in_progress: ['pending_approval', 'resolved', 'dismissed'],
  // Approved → in progress (executing); rejected → in progress (someone decides again).
  pending_approval: ['in_progress', 'resolved', 'dismissed'],
  // Reopened when the problem comes back (detector) or a resolution proves wrong.
  resolved: ['open'],
  dismissed: ['open'],
};

export class IllegalTransitionError extends AppError {
  constructor(x: ExceptionRecord, to: ExceptionStatus) {
    super(409, 'illegal_transition', `exception ${x.id} is ${x.status}; it cannot move to ${to}`, { from: x.status, to, allowed: TRANSITIONS[x.status] });
  }
}

export const canMove = (from: ExceptionStatus, to: ExceptionStatus) => TRANSITIONS[from].includes(to);

export type Move = {
  to: ExceptionStatus;
  actor: string;
  at: string;
  change: string;
  reason?: ResolutionReason | DismissReason;
  details?: Record<string, unknown>;
};

/** The next version of `x` after `move`, or IllegalTransitionError (409 with the allowed states). */
export function transition(x: ExceptionRecord, move: Move): ExceptionRecord {
  if (move.to !== x.status && !canMove(x.status, move.to)) throw new IllegalTransitionError(x, move.to);
  if (move.to === 'dismissed' && !['false_positive', 'duplicate', 'not_actionable'].includes(move.reason ?? '')) {
    throw new AppError(400, 'reason_required', 'a dismissal needs reason false_positive, duplicate or not_actionable');
  }
  const next: ExceptionRecord = {
    ...x,
    version: x.version + 1,
    status: move.to,
    updatedAt: move.at,
    actor: move.actor,
    change: move.change,
    details: move.details ? { ...x.details, ...move.details } : x.details,
  };
  // Any human or system handling counts as acknowledgement (MTTA).
  if (move.to !== 'open' && !x.acknowledgedAt) next.acknowledgedAt = move.at;
  if (move.to === 'resolved' || move.to === 'dismissed') {
    next.resolvedAt = move.at;
    next.resolutionReason = move.reason ?? 'manual';
  }
  if (move.to === 'open') {
    delete next.resolvedAt;
    delete next.resolutionReason;
  }
  return next;
}
