// The store and ingest pipeline as every writer of events uses them — the running server
// and `import --data` alike — so both migrate, repair and dedupe the same way.
import type { SchedulerLike } from 'rxjs';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { openStore, type Store } from '../store/client.ts';
import { migrate } from '../store/migrate.ts';
import { applyRetention } from '../store/retention.ts';
import { repairEventIds } from '../store/repairEventIds.ts';
import { repairExceptionsCurrent } from '../store/repairExceptionsCurrent.ts';
import { findStoredIds } from '../store/findStoredIds.ts';
import { insertEvents } from '../store/insertEvents.ts';
import { toEventRow } from '../store/eventRow.ts';
import { IngestPipeline } from './pipeline.ts';

/** Opens the store, applies migrations and retention, and repairs what an interrupted insert left behind. */
export async function openIngestStore(config: Config, logger?: Pick<Logger, 'info' | 'warn'>): Promise<Store> {
  const store = await openStore(config);
  try {
    const report = await migrate(store.client);
    if (report.applied.length) logger?.info({ applied: report.applied }, 'migrations applied');
    await applyRetention(store.client, config);
    const repaired = await repairEventIds(store.client);
    if (repaired > 0) logger?.warn({ repaired }, 'indexed the ids of events stored by an insert that was cut short');
    const caughtUp = await repairExceptionsCurrent(store.client);
    if (caughtUp > 0) logger?.warn({ caughtUp }, 'brought the current state of exceptions up to their logged versions after an insert that was cut short');
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}

export function createStoredPipeline(store: Store, config: Config, deps: { now: () => number; scheduler?: SchedulerLike }): IngestPipeline {
  return new IngestPipeline(
    { maxRows: config.batchMaxRows, maxWaitMs: config.batchMaxWaitMs, maxQueueEvents: config.maxQueueEvents },
    {
      lookup: (ids) => findStoredIds(store.client, ids, config.dedupeWindowHours),
      insert: async (events) => {
        // Retention counts from ingested_at (the clock), never from event time: imported history stays.
        const ingestedAt = new Date(deps.now()).toISOString();
        try {
          await insertEvents(store.client, events.map((e) => toEventRow(e, ingestedAt)));
        } catch (err) {
          // The events may be stored without their ids indexed; index them before the retry
          // looks them up. If storage is down this fails too, and so will the retry.
          await repairEventIds(store.client).catch(() => 0);
          throw err;
        }
      },
      now: deps.now,
      scheduler: deps.scheduler,
    },
  );
}
