// Wires the parts of a running tower: store → migrations → pipeline → live stats →
// HTTP + socket.io. Each part is built from config here and handed what it needs.
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { SchedulerLike } from 'rxjs';
import type { Express } from 'express';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import type { Store } from './store/client.ts';
import { eventTotals } from './store/eventTotals.ts';
import type { IngestPipeline } from './pipeline/pipeline.ts';
import { createStoredPipeline, openIngestStore } from './pipeline/storedPipeline.ts';
import { EventStats } from './live/eventStats.ts';
import { startLiveHub, type LiveHub } from './live/hub.ts';
import { createApp } from './api/app.ts';
import { healthRouter } from './api/health.ts';
import { metricsRouter } from './api/metrics.ts';
import { webAppRouter } from './api/webApp.ts';
import { eventsRouter } from './ingest/eventsRoute.ts';
import { ediRouter } from './api/edi.ts';
import { ingestRateLimits } from './api/ingestRateLimits.ts';
import { createIngestMetrics } from './ingest/ingestMetrics.ts';
import { registerEngineMetrics } from './store/engineMetrics.ts';
import { stoppingGuard } from './api/stoppingGuard.ts';
import { closeOnStop } from './api/closeOnStop.ts';
import { ExceptionBook } from './exceptions/book.ts';
import { registerExceptionMetrics } from './exceptions/exceptionMetrics.ts';
import { fromExceptionRow } from './exceptions/exceptionRow.ts';
import { appendExceptionVersions } from './store/appendExceptionVersions.ts';
import { loadActiveExceptions } from './store/loadActiveExceptions.ts';
import { AuthStore } from './auth/authStore.ts';
import { bootstrapAuth } from './auth/bootstrap.ts';
import { authenticate } from './auth/authenticate.ts';
import { INGEST_ROUTES, routeGuard } from './auth/routeGuard.ts';
import { authRouter } from './auth/authRouter.ts';
import { usersRouter } from './auth/usersRouter.ts';
import { startGovernance, type Governance } from './actions/governance.ts';
import { startDemoMode } from './sim/startDemoMode.ts';
import { simErpRouter } from './sim/router.ts';
import type { Demo } from './sim/demo.ts';
import type { Triage } from './contracts/triage.ts';
import { loadDetectorConfig } from './detect/config.ts';
import { DetectionEngine } from './detect/engine.ts';
import { detectStage } from './detect/detectStage.ts';
import { rebuildDetectorState } from './detect/rebuild.ts';
import { detectorsRouter } from './api/detectors.ts';
import { actionPoliciesRouter } from './api/actionPolicies.ts';
import { DetectorSettings, effectiveDetectorConfig } from './detect/detectorSettings.ts';
import { loadDetectorConfigVersions } from './store/loadDetectorConfigVersions.ts';
import { kpisRouter } from './api/kpis.ts';
import { integrationsRouter } from './api/integrations.ts';
import { startKpiFeed, kpiInputs, type KpiFeed } from './live/kpiFeed.ts';
import { computeKpis } from './kpi/computeKpis.ts';
import { startExceptionFeed } from './live/exceptionFeed.ts';
import { futureTimeGuard } from './events/futureTime.ts';

export type RunningServer = {
  url: string;
  port: number;
  store: Store;
  pipeline: IngestPipeline;
  stats: EventStats;
  book: ExceptionBook;
  auth: AuthStore;
  governance: Governance;
  hub: LiveHub;
  kpiFeed: KpiFeed;
  http: HttpServer;
  /** The express app (the authorization test walks its routes). */
  app: Express;
  demo?: Demo;
  detection: DetectionEngine;
  /** Stops intake (503), drains the pipeline, closes sockets and storage. */
  close(): Promise<void>;
};

export type ServerDeps = {
  logger: Logger;
  scheduler?: SchedulerLike;
  now?: () => number;
  /** Overrides the configured priority formula (tests). */
  triage?: Triage;
};

export async function startServer(config: Config, deps: ServerDeps): Promise<RunningServer> {
  const { logger } = deps;
  const now = deps.now ?? Date.now;
  const store = await openIngestStore(config, logger);
  const pipeline = createStoredPipeline(store, config, { now, scheduler: deps.scheduler });

  const book = new ExceptionBook({ persist: (rows) => appendExceptionVersions(store.client, rows), scheduler: deps.scheduler });
  book.restore((await loadActiveExceptions(store.client)).map(fromExceptionRow));

  const auth = await AuthStore.open(store.client, { now, sessionHours: config.sessionHours });
  await bootstrapAuth(auth, config, logger);
  const governance = await startGovernance({ client: store.client, book, config, logger, now, scheduler: deps.scheduler, nameOf: (id) => auth.displayName(id) });

  const stats = new EventStats(await eventTotals(store.client), deps.scheduler);
  pipeline.stored$.subscribe((batch) => stats.record(batch.stored));

  // Detection: rebuild state from stored events before taking new ones, then follow stored$.
  // The file (or defaults) with the newest admin edit stored in ClickHouse over it.
  const fileDetectorConfig = loadDetectorConfig(config.detectorConfigPath);
  const storedDetectorConfigs = await loadDetectorConfigVersions(store.client);
  const effective = effectiveDetectorConfig(fileDetectorConfig, storedDetectorConfigs, logger);
  const detectorConfig = effective.config;
  const triage = deps.triage ?? governance.triage;
  const detection = new DetectionEngine({ config: detectorConfig, book, triage, onError: (err) => logger.error({ err }, 'exception version not stored') });
  const detectorSettings = new DetectorSettings({
    client: store.client,
    audit: governance.audit,
    engine: detection,
    config: detectorConfig,
    file: fileDetectorConfig,
    revision: effective.revision,
    stored: storedDetectorConfigs,
    now,
    logger,
  });
  if (config.detection) {
    const rebuilt = await rebuildDetectorState(detection, store.client, detectorConfig.engine.replayHours);
    if (rebuilt.events) logger.info(rebuilt, 'detector state rebuilt from stored events');
    pipeline.stored$.pipe(detectStage(detection, detectorConfig.engine.tickSeconds * 1000, deps.scheduler)).subscribe();
  } else {
    logger.warn('detection is off (CONTROL_TOWER_DETECTION=false)');
  }

  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const ingestMetrics = createIngestMetrics(registry, pipeline);
  registerEngineMetrics(registry, store);
  registerExceptionMetrics(registry, book);

  const submit = (events: Parameters<IngestPipeline['submit']>[0]) => pipeline.submit(events);
  const demo = config.demo ? await startDemoMode({ config, store, submit, logger, now }) : undefined;

  let stopping = false;
  const connections = closeOnStop();
  const futureGuard = futureTimeGuard(now, config.maxFutureMinutes);
  const app = createApp({
    logger,
    top: [connections.middleware, healthRouter({ client: store.client, isStopping: () => stopping, writeTrouble: () => pipeline.writeTrouble() }), metricsRouter(registry), ...(demo ? [simErpRouter(demo.sim, submit)] : [])],
    api: [
      stoppingGuard(() => stopping),
      authenticate(auth),
      routeGuard(INGEST_ROUTES),
      ingestRateLimits({ perKeyPerMinute: config.ingestRequestsPerKeyPerMinute, perIpPerMinute: config.ingestRequestsPerIpPerMinute }),
      eventsRouter({ pipeline, maxBodyBytes: config.maxBodyBytes, metrics: ingestMetrics, futureGuard }),
      ediRouter({ submit, maxBodyBytes: config.maxBodyBytes, futureGuard }),
      authRouter({ auth, secureCookie: config.cookieSecure, now }),
      usersRouter({ auth }),
      ...governance.routers,
      detectorsRouter({ settings: detectorSettings, engine: detection }),
      actionPoliciesRouter(),
      kpisRouter({ client: store.client, sla: config.slaTargets, now }),
      integrationsRouter({ client: store.client, now }),
    ],
    web: webAppRouter(config.webDir),
  });
  const http = createServer(app);
  const hub = startLiveHub(http, { stats, logger, auth, allowedOrigins: config.allowedOrigins });
  const exceptionFeed = startExceptionFeed({ io: hub.io, book, now, scheduler: deps.scheduler });
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
  governance.started(url);

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      stopping = true;
      connections.stop();
      await demo?.stop();
      await pipeline.drain();
      detection.flushAll();
      await governance.close();
      await book.flush();
      kpiFeed.close();
      exceptionFeed.close();
      await hub.close(); // also closes the HTTP server
      await store.close();
    })());

  if (config.demo) logger.info(`sign in at ${url} as 'admin' (password: CONTROL_TOWER_ADMIN_PASSWORD, or the one-time password printed at first start)`);

  return { url, port, store, pipeline, stats, book, auth, governance, hub, kpiFeed, http, app, demo, detection, close };
}
