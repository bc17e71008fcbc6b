import { describe, expect, it } from 'vitest';
import { runImport, type EventSink } from '../../server/ingest/importRun.ts';
import type { ImportResult } from '../../server/ingest/importResult.ts';
import { sampleEvent } from '../fixtures/events.ts';

async function* results(count: number): AsyncIterable<ImportResult> {
  for (let i = 0; i < count; i++) yield { event: { ...sampleEvent('order.invoiced'), id: `e-${i}` } };
}

describe('runImport', () => {
  it('tells the sink that input has ended before it waits for the batches in flight', async () => {
    // Like the embedded pipeline, this sink answers a send only once its batch is stored, and it
    // stores a partial batch only when input ends: waiting for answers first would never finish.
    const held: (() => void)[] = [];
    const calls: string[] = [];
    const sink: EventSink = {
      send: (events) => new Promise((resolve) => held.push(() => resolve({ accepted: events.length, duplicates: 0, rejected: [] }))),
      inputEnded: () => {
        calls.push('inputEnded');
        for (const release of held.splice(0)) release();
      },
      close: async () => void calls.push('close'),
    };
    const summary = await runImport(results(25), sink, { batchSize: 10, maxInFlight: 5 });
    expect(summary).toMatchObject({ events: 25, accepted: 25, rejected: 0 });
    expect(calls).toEqual(['inputEnded', 'close']);
  });
});
