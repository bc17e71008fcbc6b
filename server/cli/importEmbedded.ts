// The in-process destination of `import --data DIR` (or --clickhouse-url): the same store,
// migrations and ingest pipeline (dedupe by event id, batched inserts) as a running tower.
import type { Config } from '../config.ts';
import type { EventSink } from '../ingest/importRun.ts';
import { IngestPipeline } from '../pipeline/pipeline.ts';
import { openStore } from '../store/client.ts';
import { toEventRow } from '../store/eventRow.ts';
import { findStoredIds } from '../store/findStoredIds.ts';
import { insertEvents } from '../store/insertEvents.ts';
import { migrate } from '../store/migrate.ts';
import { applyRetention } from '../store/retention.ts';

export async function openEmbeddedSink(config: Config, now: () => number = Date.now): Promise<EventSink> {
  const store = await openStore(config);
  try {
    await migrate(store.client);
    await applyRetention(store.client, config);
  } catch (error) {
    await store.close();
    throw error;
  }
  const pipeline = new IngestPipeline(
    { maxRows: config.batchMaxRows, maxWaitMs: config.batchMaxWaitMs, maxQueueEvents: config.maxQueueEvents },
    {
      lookup: (ids) => findStoredIds(store.client, ids, config.dedupeWindowHours),
      insert: (events) => insertEvents(store.client, events.map((event) => toEventRow(event, new Date(now()).toISOString()))),
      now,
    },
  );
  return {
    // Every event reaching a sink already passed validateEvent, so nothing is rejected here.
    send: async (events) => ({ ...(await pipeline.submit(events)), rejected: [] }),
    close: async () => {
      await pipeline.drain();
      await store.close();
    },
  };
}
