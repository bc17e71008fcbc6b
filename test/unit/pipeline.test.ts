import { describe, expect, it } from 'vitest';
import { IngestPipeline } from '../../server/pipeline/pipeline.ts';
import { SaturatedError, StorageUnavailableError } from '../../server/errors.ts';
import type { CtEvent } from '../../server/events/schema.ts';
import { sampleEvent } from '../fixtures/events.ts';

// The pipeline's storage is a pair of functions; here they are a plain in-memory table so
// the queue and retry rules can be driven exactly. The real engine is in test/integration.
function memoryTable() {
  const rows = new Map<string, CtEvent>();
  let gate: Promise<void> = Promise.resolve();
  let failuresLeft = 0;
  return {
    rows,
    hold() {
      let release!: () => void;
      gate = new Promise((r) => (release = r));
      return release;
    },
    failNext(n: number) {
      failuresLeft = n;
    },
    lookup: async (ids: string[]) => new Set(ids.filter((id) => rows.has(id))),
    insert: async (events: CtEvent[]) => {
      await gate;
      if (failuresLeft > 0) {
        failuresLeft--;
        throw new Error('disk on fire');
      }
      for (const e of events) rows.set(e.id, e);
    },
  };
}

const events = (n: number) => Array.from({ length: n }, () => sampleEvent('order.invoiced'));

describe('IngestPipeline', () => {
  it('answers only after the events are stored, and counts duplicates within and across requests', async () => {
    const table = memoryTable();
    const pipeline = new IngestPipeline({ maxRows: 100, maxWaitMs: 5, maxQueueEvents: 1000 }, { ...table, sleep: async () => {} });
    const batch = events(3);
    const outcome = await pipeline.submit([...batch, batch[0]]);
    expect(outcome).toEqual({ accepted: 3, duplicates: 1 });
    expect([...table.rows.keys()].sort()).toEqual(batch.map((e) => e.id).sort());
    expect(await pipeline.submit(batch)).toEqual({ accepted: 0, duplicates: 3 });
    await pipeline.drain();
  });

  it('refuses with 429 when the queue is full instead of growing, and recovers when it drains', async () => {
    const table = memoryTable();
    const release = table.hold();
    const pipeline = new IngestPipeline({ maxRows: 10, maxWaitMs: 1, maxQueueEvents: 20 }, { ...table, sleep: async () => {} });
    const first = pipeline.submit(events(15));
    await expect(pipeline.submit(events(10))).rejects.toBeInstanceOf(SaturatedError);
    expect(pipeline.stats.queueDepth).toBe(15);
    release();
    await expect(first).resolves.toEqual({ accepted: 15, duplicates: 0 });
    expect(pipeline.stats.queueDepth).toBe(0);
    await expect(pipeline.submit(events(10))).resolves.toEqual({ accepted: 10, duplicates: 0 });
    await pipeline.drain();
  });

  it('retries a failed insert and, when storage stays down, fails the request with 503 and stores nothing twice', async () => {
    const table = memoryTable();
    const pipeline = new IngestPipeline({ maxRows: 100, maxWaitMs: 1, maxQueueEvents: 1000, insertAttempts: 3 }, { ...table, sleep: async () => {} });
    table.failNext(2);
    await expect(pipeline.submit(events(5))).resolves.toEqual({ accepted: 5, duplicates: 0 });
    table.failNext(3);
    const lost = events(4);
    await expect(pipeline.submit(lost)).rejects.toBeInstanceOf(StorageUnavailableError);
    expect(pipeline.stats.queueDepth).toBe(0);
    // The producer retries what was not acknowledged; it is stored once.
    await expect(pipeline.submit(lost)).resolves.toEqual({ accepted: 4, duplicates: 0 });
    expect(table.rows.size).toBe(9);
    await pipeline.drain();
  });

  it('drain stores everything already submitted, then refuses new work', async () => {
    const table = memoryTable();
    const pipeline = new IngestPipeline({ maxRows: 1000, maxWaitMs: 50, maxQueueEvents: 10_000 }, { ...table, sleep: async () => {} });
    const pending = pipeline.submit(events(7));
    await pipeline.drain();
    await expect(pending).resolves.toEqual({ accepted: 7, duplicates: 0 });
    await expect(pipeline.submit(events(1))).rejects.toBeInstanceOf(StorageUnavailableError);
  });

  it('reports write trouble for readiness while batches fail, until one is stored or the failure is 30 s old', async () => {
    const table = memoryTable();
    let clock = 1_000_000;
    const pipeline = new IngestPipeline({ maxRows: 100, maxWaitMs: 5, maxQueueEvents: 1000, insertAttempts: 2 }, { ...table, now: () => clock, sleep: async () => {} });
    expect(pipeline.writeTrouble()).toBeUndefined();
    table.failNext(2);
    await expect(pipeline.submit(events(2))).rejects.toBeInstanceOf(StorageUnavailableError);
    expect(pipeline.writeTrouble()).toEqual({ since: 1_000_000, lastAt: 1_000_000, error: 'disk on fire' });
    clock += 29_999;
    expect(pipeline.writeTrouble()).toBeDefined();
    clock += 1; // half-open: the next batch decides
    expect(pipeline.writeTrouble()).toBeUndefined();
    table.failNext(2);
    await expect(pipeline.submit(events(1))).rejects.toBeInstanceOf(StorageUnavailableError);
    expect(pipeline.writeTrouble()?.lastAt).toBe(clock);
    const stored = events(1);
    await pipeline.submit(stored); // stored: storage takes writes again
    expect(pipeline.writeTrouble()).toBeUndefined();
    table.failNext(2);
    await expect(pipeline.submit(events(1))).rejects.toBeInstanceOf(StorageUnavailableError);
    await pipeline.submit(stored); // duplicates only: no insert, so nothing learnt about writes
    expect(pipeline.writeTrouble()).toBeDefined();
    await pipeline.drain();
  });
});
