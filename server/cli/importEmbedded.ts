// The in-process destination of `import --data DIR` (or --clickhouse-url): the same store,
// migrations, ingest pipeline (dedupe by event id, batched inserts) and — unless
// CONTROL_TOWER_DETECTION=false — the same detection engine and exception book as a running
// tower, so imported history is watched as if it were live. The engine judges time by the
// events' own times (its watermark), never by the clock: last year's file raises last year's
// exceptions, with last year's detection times.
import type { Config } from '../config.ts';
import { ConfigError } from '../config.ts';
import { AuditLog } from '../actions/audit.ts';
import { FINAL_STATUSES, type ExceptionRecord } from '../contracts/exception.ts';
import { loadDetectorConfig } from '../detect/config.ts';
import { DetectionEngine } from '../detect/engine.ts';
import { effectiveDetectorConfig } from '../detect/detectorSettings.ts';
import { loadDetectorConfigVersions } from '../store/loadDetectorConfigVersions.ts';
import { rebuildDetectorState } from '../detect/rebuild.ts';
import { ExceptionBook } from '../exceptions/book.ts';
import { fromExceptionRow } from '../exceptions/exceptionRow.ts';
import type { EventSink } from '../ingest/importRun.ts';
import type { IngestPipeline } from '../pipeline/pipeline.ts';
import { createStoredPipeline, openIngestStore } from '../pipeline/storedPipeline.ts';
import { appendExceptionVersions } from '../store/appendExceptionVersions.ts';
import type { Store } from '../store/client.ts';
import { loadActiveExceptions } from '../store/loadActiveExceptions.ts';
import { parseRoutingRules } from '../triage/routing.ts';
import { createTriage } from '../triage/triage.ts';
import { futureTimeGuard } from '../events/futureTime.ts';

/** What detection did during one import: exceptions raised and closed by their resolving event, by type. */
export type DetectionTally = { raised: Record<string, number>; autoResolved: Record<string, number>; stillOpen: number };

export type EmbeddedSink = EventSink & {
  /** Undefined when detection is off. Complete once `close()` has resolved. */
  detection?: () => DetectionTally;
};

/**
 * Rows per INSERT while importing. Every statement pays a fixed cost (the dedupe look-up, a
 * block through each materialized view, a part to merge later) and the engine runs one at a
 * time, so a file goes in fewer, larger inserts than live traffic (batchMaxRows) does.
 */
export const IMPORT_ROWS_PER_INSERT = 50_000;
/** How long a batch may wait to fill while importing: a file has no one waiting for each event. */
const IMPORT_MAX_WAIT_MS = 5000;

/** Batches a producer keeps in flight so that the next insert fills while the current one runs. */
export const importBatchesInFlight = (batchSize: number) => Math.max(1, Math.ceil((2 * IMPORT_ROWS_PER_INSERT) / batchSize));

export async function openEmbeddedSink(config: Config, now: () => number = Date.now): Promise<EmbeddedSink> {
  const store = await openIngestStore(config);
  const pipeline = createStoredPipeline(store, { ...config, batchMaxRows: Math.max(config.batchMaxRows, IMPORT_ROWS_PER_INSERT), batchMaxWaitMs: Math.max(config.batchMaxWaitMs, IMPORT_MAX_WAIT_MS) }, { now });
  const watch = config.detection ? await startDetection(config, store, pipeline, now).catch(async (error) => {
    await pipeline.drain();
    await store.close();
    throw error;
  }) : undefined;
  return {
    // Every event reaching a sink already passed validateEvent, so nothing is rejected here.
    send: async (events) => ({ ...(await pipeline.submit(events)), rejected: [] }),
    // Draining stores the partial last batch at once; close() awaits the same drain.
    inputEnded: () => void pipeline.drain(),
    close: async () => {
      try {
        await pipeline.drain();
        await watch?.finish(now());
      } finally {
        await store.close();
      }
    },
    detection: watch?.tally,
    futureGuard: futureTimeGuard(now, config.maxFutureMinutes),
  };
}

/** The detection engine following the pipeline's stored batches, as `startServer` wires it. */
async function startDetection(config: Config, store: Store, pipeline: IngestPipeline, now: () => number) {
  let triage;
  try {
    triage = createTriage(parseRoutingRules(config.routingRules));
  } catch (err) {
    throw new ConfigError(`CONTROL_TOWER_ROUTING_RULES: ${(err as Error).message}`);
  }
  // The thresholds a tower on this store runs: the file with the newest admin edit over it.
  const { config: detectorConfig } = effectiveDetectorConfig(loadDetectorConfig(config.detectorConfigPath), await loadDetectorConfigVersions(store.client));
  const book = new ExceptionBook({ persist: (rows) => appendExceptionVersions(store.client, rows) });
  // Imported exceptions are audited like live ones: every detector version is a 'detection' entry.
  const audit = new AuditLog(store.client, now);
  const audited = audit.followDetections(book.changes$);
  book.restore((await loadActiveExceptions(store.client)).map(fromExceptionRow));
  let failed: Error | undefined;
  const engine = new DetectionEngine({ config: detectorConfig, book, triage, onError: (err) => (failed ??= err) });
  // What the store already holds (an earlier import, a tower's own events) is context for this file.
  await rebuildDetectorState(engine, store.client, detectorConfig.engine.replayHours);

  const tally: DetectionTally = { raised: {}, autoResolved: {}, stillOpen: 0 };
  const seen = new Set<string>();
  const changes = book.changes$.subscribe((x: ExceptionRecord) => {
    if (x.version === 1) {
      seen.add(x.id);
      tally.raised[x.type] = (tally.raised[x.type] ?? 0) + 1;
    }
    if (seen.has(x.id) && x.status === 'resolved' && x.resolutionReason === 'auto') tally.autoResolved[x.type] = (tally.autoResolved[x.type] ?? 0) + 1;
  });
  const stored = pipeline.stored$.subscribe((batch) => engine.process(batch.stored));

  return {
    tally: () => tally,
    /** After the last stored batch: fire what is due, commit folded updates, store every version. */
    async finish(nowMs: number) {
      stored.unsubscribe();
      // Moves event time on to the clock only when the file's newest events are live (engine rule).
      engine.advanceClock(nowMs);
      engine.flushAll();
      await book.flush();
      changes.unsubscribe();
      audited.unsubscribe();
      await audit.flush();
      tally.stillOpen = [...seen].filter((id) => {
        const x = book.get(id);
        return x !== undefined && !FINAL_STATUSES.includes(x.status);
      }).length;
      if (failed) throw failed;
    },
  };
}
