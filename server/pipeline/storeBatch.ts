// Stores one batch at a time (one insert in flight, so the dedupe look-up of the next batch
// always sees the ids of the previous one; what arrives meanwhile is merged into the next
// batch up to `maxRows`), then settles the tickets.
import type { OperatorFunction } from 'rxjs';
import { coalesceWhileBusy } from './coalesceWhileBusy.ts';
import type { CtEvent } from '../events/schema.ts';
import { dedupeBatch, type StoredIdLookup } from './dedupeBatch.ts';
import type { PendingEvent } from './ticket.ts';

export type StoreBatchDeps = {
  lookup: StoredIdLookup;
  insert: (events: CtEvent[]) => Promise<void>;
  /** Attempts per batch before its requests are failed (they are retried by producers). */
  attempts: number;
  backoffMs: (attempt: number) => number;
  sleep: (ms: number) => Promise<void>;
  onFailure: (error: Error, batch: PendingEvent[]) => Error;
  now: () => number;
  /** Largest batch handed to one insert. */
  maxRows: number;
};

/** `size` counts every event of the batch, so the queue budget is given back whatever happened. */
export type StoredBatch = { stored: CtEvent[]; duplicates: number; size: number; insertMs: number; failed: boolean };

export function storeBatch(deps: StoreBatchDeps): OperatorFunction<PendingEvent[], StoredBatch> {
  return coalesceWhileBusy(deps.maxRows, async (batch) => {
    let lastError: Error | undefined;
    for (let attempt = 1; attempt <= deps.attempts; attempt++) {
      try {
        const started = deps.now();
        const { fresh, duplicates } = await dedupeBatch(batch, deps.lookup);
        const stored = fresh.map((p) => p.event);
        if (stored.length > 0) await deps.insert(stored);
        const insertMs = deps.now() - started;
        for (const p of fresh) p.ticket.settle('accepted');
        for (const p of duplicates) p.ticket.settle('duplicates');
        return { stored, duplicates: duplicates.length, size: batch.length, insertMs, failed: false };
      } catch (err) {
        lastError = err as Error;
        if (attempt < deps.attempts) await deps.sleep(deps.backoffMs(attempt));
      }
    }
    const error = deps.onFailure(lastError!, batch);
    for (const p of batch) p.ticket.fail(error);
    return { stored: [], duplicates: 0, size: batch.length, insertMs: 0, failed: true };
  });
}
