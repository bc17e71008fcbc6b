// Exceptions for the live hub: the active ones as a snapshot on (re)connect, then every change
// as it is committed, batched to at most one message per `intervalMs` (≈10×/s) with only the
// newest version of each exception in a batch.
import { bufferTime, filter, map, type Observable, type SchedulerLike, asyncScheduler } from 'rxjs';
import type { ExceptionRecord } from '../contracts/exception.ts';
import type { ExceptionBook } from '../exceptions/book.ts';

export type ExceptionsFeed = { snapshot(): ExceptionRecord[]; changes$: Observable<ExceptionRecord[]> };

export function exceptionsFeed(book: ExceptionBook, opts: { intervalMs?: number; maxBatch?: number; scheduler?: SchedulerLike } = {}): ExceptionsFeed {
  return {
    snapshot: () => book.listActive(),
    changes$: book.changes$.pipe(
      bufferTime(opts.intervalMs ?? 100, null, opts.maxBatch ?? 5000, opts.scheduler ?? asyncScheduler),
      filter((batch) => batch.length > 0),
      map((batch) => [...new Map(batch.map((r) => [r.id, r])).values()]),
    ),
  };
}
