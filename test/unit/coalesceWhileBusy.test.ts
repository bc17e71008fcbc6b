import { describe, expect, it } from 'vitest';
import { Subject, lastValueFrom, tap, toArray } from 'rxjs';
import { coalesceWhileBusy } from '../../server/pipeline/coalesceWhileBusy.ts';

describe('coalesceWhileBusy', () => {
  it('runs one batch at a time and merges what arrives meanwhile into the next, up to maxRows', async () => {
    const input = new Subject<number[]>();
    const calls: number[][] = [];
    const gates: (() => void)[] = [];
    const done = lastValueFrom(
      input.pipe(
        coalesceWhileBusy(4, (batch: number[]) => {
          calls.push(batch);
          return new Promise<number>((resolve) => gates.push(() => resolve(batch.length)));
        }),
        toArray(),
      ),
    );
    input.next([1]);
    input.next([2, 3]);
    input.next([4]);
    input.next([5, 6, 7]);
    expect(calls).toEqual([[1]]); // one in flight; the rest waits
    gates.shift()!();
    await new Promise((r) => setTimeout(r, 0));
    expect(calls).toEqual([[1], [2, 3, 4, 5]]); // merged, capped at 4 rows
    input.complete();
    gates.shift()!();
    await new Promise((r) => setTimeout(r, 0));
    expect(calls).toEqual([[1], [2, 3, 4, 5], [6, 7]]);
    gates.shift()!();
    expect(await done).toEqual([1, 4, 2]);
  });

  it('starts the next batch before downstream handles the previous result, and still emits in order', async () => {
    const input = new Subject<number[]>();
    const calls: number[][] = [];
    const gates: (() => void)[] = [];
    const batchesStartedWhenHandled: number[] = [];
    const done = lastValueFrom(
      input.pipe(
        coalesceWhileBusy(10, (batch: number[]) => {
          calls.push(batch);
          return new Promise<number>((resolve) => gates.push(() => resolve(batch[0])));
        }),
        tap(() => batchesStartedWhenHandled.push(calls.length)),
        toArray(),
      ),
    );
    input.next([1]);
    input.next([2]);
    input.complete();
    gates.shift()!();
    await new Promise((r) => setTimeout(r, 0));
    gates.shift()!();
    expect(await done).toEqual([1, 2]);
    // When result 1 reached downstream, batch [2] was already handed to work.
    expect(batchesStartedWhenHandled).toEqual([2, 2]);
  });
});
