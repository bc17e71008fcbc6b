// Wires the parts of a running tower: store → migrations → pipeline → live stats →
// HTTP + socket.io. Each part is built from config here and handed what it needs.
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { SchedulerLike } from 'rxjs';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import { openStore, type Store } from './store/client.ts';
import { migrate } from './store/migrate.ts';
import { applyRetention } from './store/retention.ts';
import { insertEvents } from './store/insertEvents.ts';
import { findStoredIds } from './store/findStoredIds.ts';
import { toEventRow } from './store/eventRow.ts';
import { eventTotals } from './store/eventTotals.ts';
import { IngestPipeline } from './pipeline/pipeline.ts';
import { EventStats } from './live/eventStats.ts';
import { startLiveHub, type LiveHub } from './live/hub.ts';
import { createApp } from './api/app.ts';
import { healthRouter } from './api/health.ts';
import { metricsRouter } from './api/metrics.ts';
import { webAppRouter } from './api/webApp.ts';
import { eventsRouter } from './ingest/eventsRoute.ts';
import { ediRouter } from './api/edi.ts';
import { createIngestMetrics } from './ingest/ingestMetrics.ts';
import { stoppingGuard } from './api/stoppingGuard.ts';
import { ExceptionBook } from './exceptions/book.ts';
import { fromExceptionRow } from './exceptions/exceptionRow.ts';
import { appendExceptionVersions } from './store/appendExceptionVersions.ts';
import { loadActiveExceptions } from './store/loadActiveExceptions.ts';
import { startDemoMode } from './sim/startDemoMode.ts';
import { simErpRouter } from './sim/router.ts';
import type { Demo } from './sim/demo.ts';
import type { Triage } from './contracts/triage.ts';
import { loadDetectorConfig } from './detect/config.ts';
import { DetectionEngine } from './detect/engine.ts';
import { detectStage } from './detect/detectStage.ts';
import { rebuildDetectorState } from './detect/rebuild.ts';
import { exceptionsFeed } from './live/exceptionsFeed.ts';
import { detectorsRouter } from './api/detectors.ts';
import { kpisRouter } from './api/kpis.ts';
import { integrationsRouter } from './api/integrations.ts';
import { startKpiFeed, kpiInputs, type KpiFeed } from './live/kpiFeed.ts';
import { computeKpis } from './kpi/computeKpis.ts';

export type RunningServer = {
  url: string;
  port: number;
  store: Store;
  pipeline: IngestPipeline;
  stats: EventStats;
  book: ExceptionBook;
  hub: LiveHub;
  kpiFeed: KpiFeed;
  http: HttpServer;
  demo?: Demo;
  /** The detection engine (absent when no triage was given). */
  detection?: DetectionEngine;
  /** Stops intake (503), drains the pipeline, closes sockets and storage. */
  close(): Promise<void>;
};

export type ServerDeps = {
  logger: Logger;
  scheduler?: SchedulerLike;
  now?: () => number;
  /** Priority, severity and team for detected exceptions (server/triage); detection runs only with one. */
  triage?: Triage;
};

export async function startServer(config: Config, deps: ServerDeps): Promise<RunningServer> {
  const { logger } = deps;
  const now = deps.now ?? Date.now;
  const store = await openStore(config);
  try {
    const report = await migrate(store.client);
    if (report.applied.length) logger.info({ applied: report.applied }, 'migrations applied');
    await applyRetention(store.client, config);
  } catch (err) {
    await store.close();
    throw err;
  }

  const pipeline = new IngestPipeline(
    { maxRows: config.batchMaxRows, maxWaitMs: config.batchMaxWaitMs, maxQueueEvents: config.maxQueueEvents },
    {
      lookup: (ids) => findStoredIds(store.client, ids, config.dedupeWindowHours),
      insert: (events) => {
        const ingestedAt = new Date(now()).toISOString();
        return insertEvents(store.client, events.map((e) => toEventRow(e, ingestedAt)));
      },
      now,
      scheduler: deps.scheduler,
    },
  );

  const book = new ExceptionBook({ persist: (rows) => appendExceptionVersions(store.client, rows), scheduler: deps.scheduler });
  book.restore((await loadActiveExceptions(store.client)).map(fromExceptionRow));

  const stats = new EventStats(await eventTotals(store.client), deps.scheduler);
  pipeline.stored$.subscribe((batch) => stats.record(batch.stored));

  // Detection: rebuild state from stored events before taking new ones, then follow stored$.
  const detectorConfig = loadDetectorConfig(config.detectorConfigPath);
  let detection: DetectionEngine | undefined;
  if (deps.triage) {
    detection = new DetectionEngine({ config: detectorConfig, book, triage: deps.triage, onError: (err) => logger.error({ err }, 'exception version not stored') });
    const rebuilt = await rebuildDetectorState(detection, store.client, detectorConfig.engine.replayHours);
    if (rebuilt.events) logger.info(rebuilt, 'detector state rebuilt from stored events');
    pipeline.stored$.pipe(detectStage(detection, detectorConfig.engine.tickSeconds * 1000, deps.scheduler)).subscribe();
  } else {
    logger.warn('no triage function given: detection is off');
  }

  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const ingestMetrics = createIngestMetrics(registry, pipeline);

  const submit = (events: Parameters<IngestPipeline['submit']>[0]) => pipeline.submit(events);
  const demo = config.demo ? await startDemoMode({ config, store, submit, logger, now }) : undefined;

  let stopping = false;
  const app = createApp({
    logger,
    top: [healthRouter({ client: store.client, isStopping: () => stopping }), metricsRouter(registry), ...(demo ? [simErpRouter(demo.sim, submit)] : [])],
    api: [
      stoppingGuard(() => stopping),
      ...(detection ? [detectorsRouter({ config: detectorConfig, engine: detection })] : []),
      eventsRouter({ pipeline, maxBodyBytes: config.maxBodyBytes, metrics: ingestMetrics }),
      ediRouter({ submit, maxBodyBytes: config.maxBodyBytes }),
      kpisRouter({ client: store.client, sla: config.slaTargets, now }),
      integrationsRouter({ client: store.client, now }),
    ],
    web: webAppRouter(config.webDir),
  });
  const http = createServer(app);
  const hub = startLiveHub(http, { stats, logger, exceptions: exceptionsFeed(book, { scheduler: deps.scheduler }) });
  const kpiFeed = startKpiFeed({
    io: hub.io,
    compute: async (nowMs) => {
      const report = await computeKpis(store.client, { fromMs: nowMs - 86_400_000, toMs: nowMs, sla: config.slaTargets });
      return { at: new Date(nowMs).toISOString(), window: report.window, current: report.current, previous: report.previous };
    },
    changes$: kpiInputs(pipeline.stored$, book.changes$),
    now,
    logger,
    scheduler: deps.scheduler,
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
  logger.info({ url, storage: store.mode, database: store.database }, 'control tower listening');

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      stopping = true;
      await demo?.stop();
      await pipeline.drain();
      detection?.flushAll();
      await book.flush();
      kpiFeed.close();
      await hub.close(); // also closes the HTTP server
      await store.close();
    })());

  return { url, port, store, pipeline, stats, book, hub, kpiFeed, http, demo, detection, close };
}
