import { describe, expect, it } from 'vitest';
import { TestScheduler } from 'rxjs/testing';
import { batchEvents } from '../../server/pipeline/batchEvents.ts';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('batchEvents', () => {
  it('emits a batch when it is full, without waiting for the timer', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('abc|');
      expectObservable(source.pipe(batchEvents({ maxRows: 2, maxWaitMs: 100 }))).toBe('-x-(y|)', { x: ['a', 'b'], y: ['c'] });
    });
  });

  it('emits what it has when the time runs out, and never an empty batch', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('a 250ms b 400ms |');
      // a at 0 → flushed at 100; b at 251 → flushed at 300; idle ticks emit nothing
      expectObservable(source.pipe(batchEvents({ maxRows: 10, maxWaitMs: 100 }))).toBe('100ms x 199ms y 351ms |', { x: ['a'], y: ['b'] });
    });
  });
});
