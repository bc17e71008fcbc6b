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
export async function openIngestStore(config: Config, logger?: Pick<Logger, 'info' | 'warn' | 'error'>): Promise<Store> {
  const store = await openStore(config);
  store.engine?.on({
    restarting: (why) => logger?.warn(why, 'a part of the embedded engine cannot be read: restarting the engine, whose start-up check detaches it and puts back the parts it was merged from'),
    restarted: (ms) => logger?.info({ ms }, 'embedded engine restarted'),
    failed: (err) => logger?.error({ err: err.message }, 'embedded engine restart failed; the next read of the damaged part tries again'),
  });
  // The restart normally puts back the parts a damaged part was merged from; when those were
  // already gone the dedupe index may lack a whole part's ids, so every stored id is looked
  // at — on the restarted engine, before any waiting look-up goes on.
  store.engine?.repairAfterRestart(async (client) => {
    const repaired = await repairEventIds(client, 'all');
    if (repaired > 0) logger?.warn({ repaired }, 'indexed again the ids of stored events the dedupe index lost with a damaged part');
  });
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
  // After a failed insert its events may be stored without their ids indexed. The repair
  // runs at once, but when storage is still failing (a full disk) it fails too — then it
  // stays owed, and no look-up is trusted (nor any insert made) until it has gone through:
  // otherwise the retry, once storage is back, would not see those ids and store them twice.
  let repairOwed = false;
  const repair = async () => {
    await repairEventIds(store.client);
    repairOwed = false;
  };
  const lookUp = async (ids: string[]) => {
    if (repairOwed) await repair();
    return findStoredIds(store.client, ids, config.dedupeWindowHours);
  };
  return new IngestPipeline(
    { maxRows: config.batchMaxRows, maxWaitMs: config.batchMaxWaitMs, maxQueueEvents: config.maxQueueEvents },
    {
      lookup: lookUp,
      insert: async (events) => {
        // Retention counts from ingested_at (the clock), never from event time: imported history stays.
        const ingestedAt = new Date(deps.now()).toISOString();
        try {
          await insertEvents(store.client, events.map((e) => toEventRow(e, ingestedAt)));
        } catch (err) {
          repairOwed = true;
          await repair().catch(() => undefined);
          throw err;
        }
      },
      now: deps.now,
      scheduler: deps.scheduler,
    },
  );
}
