// Batches by time and size so ClickHouse gets few, large inserts.
import { bufferTime, filter, type OperatorFunction, type SchedulerLike } from 'rxjs';

export type BatchOptions = { maxRows: number; maxWaitMs: number };

export function batchEvents<T>(opts: BatchOptions, scheduler?: SchedulerLike): OperatorFunction<T, T[]> {
  return (source) =>
    source.pipe(
      scheduler ? bufferTime(opts.maxWaitMs, null, opts.maxRows, scheduler) : bufferTime(opts.maxWaitMs, null, opts.maxRows),
      filter((batch) => batch.length > 0),
    );
}
