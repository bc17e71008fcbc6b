// Priority depends on the time left to the SLA, so it is recomputed as time passes: every
// tick, each active exception whose priority moved by at least `minDelta` points (or whose
// severity changed) gets a new version. The owning team is kept — people may have moved it.
import { interval, type SchedulerLike, type Subscription } from 'rxjs';
import type { ExceptionRecord } from '../contracts/exception.ts';
import type { Triage } from '../contracts/triage.ts';
import type { ExceptionBook } from '../exceptions/book.ts';

export const RETRIAGE_ACTOR = 'system:triage';

export function retriaged(x: ExceptionRecord, triage: Triage, nowMs: number, minDelta: number): ExceptionRecord | undefined {
  const r = triage({ type: x.type, detectedAt: x.detectedAt, orderIds: x.orderIds, customerId: x.customerId, customerTier: x.customerTier, revenueAtRisk: x.revenueAtRisk, slaDueAt: x.slaDueAt, details: x.details }, nowMs);
  if (Math.abs(r.priority - x.priority) < minDelta && r.severity === x.severity) return undefined;
  return {
    ...x,
    version: x.version + 1,
    priority: r.priority,
    severity: r.severity,
    updatedAt: new Date(nowMs).toISOString(),
    actor: RETRIAGE_ACTOR,
    change: 'reprioritized',
    details: { ...x.details, triage: { formulaVersion: r.formulaVersion, parts: r.parts } },
  };
}

/** One pass over the active exceptions; returns how many were re-prioritised. */
export async function retriageActive(book: ExceptionBook, triage: Triage, nowMs: number, minDelta = 5): Promise<number> {
  const commits: Promise<void>[] = [];
  for (const x of book.listActive()) {
    const next = retriaged(x, triage, nowMs, minDelta);
    // A conflict means someone changed it meanwhile; the next pass looks again.
    if (next) commits.push(book.commit(next).catch(() => undefined));
  }
  await Promise.all(commits);
  return commits.length;
}

export function startRetriage(book: ExceptionBook, triage: Triage, opts: { everyMs: number; now: () => number; scheduler?: SchedulerLike; onError: (err: unknown) => void }): Subscription {
  let running = false;
  return interval(opts.everyMs, opts.scheduler).subscribe(() => {
    if (running) return;
    running = true;
    retriageActive(book, triage, opts.now())
      .catch(opts.onError)
      .finally(() => (running = false));
  });
}
