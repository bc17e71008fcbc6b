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
import { repairEventIds } from './store/repairEventIds.ts';
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

export type RunningServer = {
  url: string;
  port: number;
  store: Store;
  pipeline: IngestPipeline;
  stats: EventStats;
  book: ExceptionBook;
  hub: LiveHub;
  http: HttpServer;
  demo?: Demo;
  /** Stops intake (503), drains the pipeline, closes sockets and storage. */
  close(): Promise<void>;
};

export type ServerDeps = { logger: Logger; scheduler?: SchedulerLike; now?: () => number };

export async function startServer(config: Config, deps: ServerDeps): Promise<RunningServer> {
  const { logger } = deps;
  const now = deps.now ?? Date.now;
  const store = await openStore(config);
  try {
    const report = await migrate(store.client);
    if (report.applied.length) logger.info({ applied: report.applied }, 'migrations applied');
    await applyRetention(store.client, config);
    const repaired = await repairEventIds(store.client);
    if (repaired > 0) logger.warn({ repaired }, 'indexed the ids of events stored by an insert that was cut short');
  } catch (err) {
    await store.close();
    throw err;
  }

  const pipeline = new IngestPipeline(
    { maxRows: config.batchMaxRows, maxWaitMs: config.batchMaxWaitMs, maxQueueEvents: config.maxQueueEvents },
    {
      lookup: (ids) => findStoredIds(store.client, ids, config.dedupeWindowHours),
      insert: async (events) => {
        const ingestedAt = new Date(now()).toISOString();
        try {
          await insertEvents(store.client, events.map((e) => toEventRow(e, ingestedAt)));
        } catch (err) {
          // The events may be stored without their ids indexed; index them before the retry
          // looks them up. If storage is down this fails too, and so will the retry.
          await repairEventIds(store.client).catch(() => 0);
          throw err;
        }
      },
      now,
      scheduler: deps.scheduler,
    },
  );

  const book = new ExceptionBook({ persist: (rows) => appendExceptionVersions(store.client, rows), scheduler: deps.scheduler });
  book.restore((await loadActiveExceptions(store.client)).map(fromExceptionRow));

  const stats = new EventStats(await eventTotals(store.client), deps.scheduler);
  pipeline.stored$.subscribe((batch) => stats.record(batch.stored));

  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const ingestMetrics = createIngestMetrics(registry, pipeline);

  const submit = (events: Parameters<IngestPipeline['submit']>[0]) => pipeline.submit(events);
  const demo = config.demo ? await startDemoMode({ config, store, submit, logger, now }) : undefined;

  let stopping = false;
  const app = createApp({
    logger,
    top: [healthRouter({ client: store.client, isStopping: () => stopping }), metricsRouter(registry), ...(demo ? [simErpRouter(demo.sim, submit)] : [])],
    api: [stoppingGuard(() => stopping), eventsRouter({ pipeline, maxBodyBytes: config.maxBodyBytes, metrics: ingestMetrics }), ediRouter({ submit, maxBodyBytes: config.maxBodyBytes })],
    web: webAppRouter(config.webDir),
  });
  const http = createServer(app);
  const hub = startLiveHub(http, { stats, logger });
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
      await book.flush();
      await hub.close(); // also closes the HTTP server
      await store.close();
    })());

  return { url, port, store, pipeline, stats, book, hub, http, demo, close };
}
