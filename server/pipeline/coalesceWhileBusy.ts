// Runs one batch at a time (like concatMap), but batches that arrive while one is in flight
// are merged into the next, up to `maxRows`. With a fixed cost per insert (materialized
// views, parts), many small batches queued behind a slow one would each pay it; merged, the
// pipeline keeps up with its producers with few, large inserts. Results are emitted in order.
import { Observable, type OperatorFunction } from 'rxjs';

export function coalesceWhileBusy<T, R>(maxRows: number, work: (batch: T[]) => Promise<R>): OperatorFunction<T[], R> {
  return (source) =>
    new Observable<R>((subscriber) => {
      let queued: T[] = [];
      let busy = false;
      let sourceDone = false;

      const runNext = (): void => {
        if (busy) return;
        if (queued.length === 0) {
          if (sourceDone) subscriber.complete();
          return;
        }
        const batch = queued.length <= maxRows ? queued : queued.slice(0, maxRows);
        queued = queued.length <= maxRows ? [] : queued.slice(maxRows);
        busy = true;
        work(batch).then(
          (result) => {
            busy = false;
            // Start the next batch before handing this result downstream: downstream work
            // (detection, live stats) then runs on the main thread while the engine inserts on
            // its own threads, instead of delaying the next insert by its own duration.
            if (queued.length > 0) runNext();
            subscriber.next(result);
            if (!busy) runNext();
          },
          (err: unknown) => subscriber.error(err),
        );
      };

      const subscription = source.subscribe({
        next: (items) => {
          for (const item of items) queued.push(item);
          runNext();
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => {
          sourceDone = true;
          runNext();
        },
      });
      return () => subscription.unsubscribe();
    });
}
