// The in-process destination of `import --data DIR` (or --clickhouse-url): the same store,
// migrations, ingest pipeline (dedupe by event id, batched inserts) and — unless
// CONTROL_TOWER_DETECTION=false — the same detection engine and exception book as a running
// tower, so imported history is watched as if it were live. The engine judges time by the
// events' own times (its watermark), never by the clock: last year's file raises last year's
// exceptions, with last year's detection times.
import type { Config } from '../config.ts';
import { ConfigError } from '../config.ts';
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

/** What detection did during one import: exceptions raised and closed by their resolving event, by type. */
export type DetectionTally = { raised: Record<string, number>; autoResolved: Record<string, number>; stillOpen: number };

export type EmbeddedSink = EventSink & {
  /** Undefined when detection is off. Complete once `close()` has resolved. */
  detection?: () => DetectionTally;
};

export async function openEmbeddedSink(config: Config, now: () => number = Date.now): Promise<EmbeddedSink> {
  const store = await openIngestStore(config);
  const pipeline = createStoredPipeline(store, config, { now });
  const watch = config.detection ? await startDetection(config, store, pipeline).catch(async (error) => {
    await pipeline.drain();
    await store.close();
    throw error;
  }) : undefined;
  return {
    // Every event reaching a sink already passed validateEvent, so nothing is rejected here.
    send: async (events) => ({ ...(await pipeline.submit(events)), rejected: [] }),
    close: async () => {
      try {
        await pipeline.drain();
        await watch?.finish(now());
      } finally {
        await store.close();
      }
    },
    detection: watch?.tally,
  };
}

/** The detection engine following the pipeline's stored batches, as `startServer` wires it. */
async function startDetection(config: Config, store: Store, pipeline: IngestPipeline) {
  let triage;
  try {
    triage = createTriage(parseRoutingRules(config.routingRules));
  } catch (err) {
    throw new ConfigError(`CONTROL_TOWER_ROUTING_RULES: ${(err as Error).message}`);
  }
  // The thresholds a tower on this store runs: the file with the newest admin edit over it.
  const { config: detectorConfig } = effectiveDetectorConfig(loadDetectorConfig(config.detectorConfigPath), await loadDetectorConfigVersions(store.client));
  const book = new ExceptionBook({ persist: (rows) => appendExceptionVersions(store.client, rows) });
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
      tally.stillOpen = [...seen].filter((id) => {
        const x = book.get(id);
        return x !== undefined && !FINAL_STATUSES.includes(x.status);
      }).length;
      if (failed) throw failed;
    },
  };
}
