// One storage outage of the embedded engine under load, as the disk-full and read-only tests
// make it: a tower on `dataDir` takes events from 3 producers, the outage begins (the test's
// own way), is held for 4 s while memory and answers are watched, ends, and the run measures
// how soon the tower stores again by itself; then every acknowledged id is audited.
import { expect } from 'vitest';
import { Producer } from './producer.ts';
import { freePort, metricValue, sleep, spawnTower } from './tower.ts';
import { auditEvents } from './verifyStore.ts';

export type OutageRun = {
  ackedBeforeOutage: number;
  ackedDuringOutage: number;
  refusedDuringOutage: number;
  missingRetryAfter: number;
  readyDuringOutage: number;
  readyBodyDuringOutage: { status: string };
  readyAfterOutage: number;
  readyBodyAfterOutage: unknown;
  rssMiB: { before: number; maxDuringOutage: number };
  resumeMs: number;
  engineRestarts: number;
  acked: number;
  stored: number;
  lost: string[];
  duplicated: { id: string; copies: number }[];
  exit: { code: number | null; signal: NodeJS.Signals | null };
  statuses: Record<string, number>[];
};

const MiB = 2 ** 20;

export async function runStorageOutage(opts: { dataDir: string; runId: string; begin: () => void; end: () => void }): Promise<OutageRun> {
  const tower = await spawnTower({ dataDir: opts.dataDir, port: await freePort(), env: { CONTROL_TOWER_MAX_QUEUE_EVENTS: '20000' } });
  const producers = [1, 2, 3].map((n) => new Producer({ runId: `${opts.runId}${n}`, url: () => tower.url, batchSize: 1000, maxRetryWaitMs: 200, requestTimeoutMs: 30_000 }).start());
  const acked = () => producers.reduce((n, p) => n + p.acked.size, 0);
  const statusesAt = (code: string) => producers.reduce((n, p) => n + (p.stats.statuses[code] ?? 0), 0);
  const towerLog = () => `tower log (last 60 lines):\n${tower.logs().split('\n').slice(-60).join('\n')}`;
  await sleep(2000);
  const ackedBeforeOutage = acked();
  const rssBefore = tower.rssBytes();

  opts.begin();
  await sleep(1500); // in-flight batches use up their retries
  const ackedAtOutage = acked();
  const refusedBefore = statusesAt('503') + statusesAt('429');
  const rssSamples: number[] = [];
  for (let i = 0; i < 40; i++) {
    rssSamples.push(tower.rssBytes());
    await sleep(100);
  }
  const ackedDuringOutage = acked() - ackedAtOutage;
  const refusedDuringOutage = statusesAt('503') + statusesAt('429') - refusedBefore;
  const readyDuringOutage = (await fetch(`${tower.url}/readyz`)).status;
  const readyBodyDuringOutage = (await (await fetch(`${tower.url}/readyz`)).json()) as { status: string };

  opts.end();
  const recoveredFrom = acked();
  const resumeStarted = performance.now();
  while (acked() === recoveredFrom && performance.now() - resumeStarted < 20_000) await sleep(100);
  const resumeMs = performance.now() - resumeStarted;
  await sleep(1000);
  // Ready again once a batch has been stored since storage came back (producers keep sending).
  let readyAfterOutage = 0;
  let readyBodyAfterOutage: unknown;
  for (const until = performance.now() + 10_000; readyAfterOutage !== 200 && performance.now() < until; await sleep(200)) {
    const res = await fetch(`${tower.url}/readyz`);
    readyAfterOutage = res.status;
    readyBodyAfterOutage = await res.json();
  }
  // The producers retry their last batch until it is stored: bound that wait, and when the
  // tower never takes writes again, say why (its readiness answer and its own log) instead
  // of running into the suite's 10-minute timeout.
  const finished = await Promise.race([Promise.all(producers.map((p) => p.finish())).then(() => true), sleep(60_000).then(() => false)]);
  if (!finished) {
    const ready = await fetch(`${tower.url}/readyz`, { signal: AbortSignal.timeout(5000) }).then((r) => r.text(), (e: Error) => e.message);
    await Promise.all(producers.map((p) => p.abandon()));
    tower.kill('SIGKILL');
    throw new Error(`writes did not resume within 60 s of storage coming back; /readyz: ${ready}\n${towerLog()}`);
  }
  // a merge committed during the outage may have left a part the engine cannot read; the tower restarts its engine then
  const engineRestarts = metricValue(await (await fetch(`${tower.url}/metrics`)).text(), 'ct_engine_restarts_total');
  tower.kill('SIGTERM');
  const exit = await Promise.race([tower.exited, sleep(30_000).then(() => null)]);
  if (!exit) {
    tower.kill('SIGKILL');
    throw new Error(`the tower did not exit within 30 s of SIGTERM; ${towerLog()}`);
  }

  const audit = await auditEvents(opts.dataDir);
  const ackedIds = producers.flatMap((p) => [...p.acked]);
  return {
    ackedBeforeOutage,
    ackedDuringOutage,
    refusedDuringOutage,
    missingRetryAfter: producers.reduce((n, p) => n + p.stats.retryAfterMissing, 0),
    readyDuringOutage,
    readyBodyDuringOutage,
    readyAfterOutage,
    readyBodyAfterOutage,
    rssMiB: { before: Math.round(rssBefore / MiB), maxDuringOutage: Math.round(Math.max(...rssSamples) / MiB) },
    resumeMs: Math.round(resumeMs),
    engineRestarts,
    acked: ackedIds.length,
    stored: audit.rows,
    lost: ackedIds.filter((id) => !audit.ids.has(id)),
    duplicated: audit.duplicated,
    exit,
    statuses: producers.map((p) => p.stats.statuses),
  };
}

/** What every storage outage must come to: refused while it lasts, resumed by itself after, nothing lost or doubled. */
export function expectOutageHandled(run: OutageRun): void {
  expect(run.ackedBeforeOutage).toBeGreaterThan(0);
  expect(run.ackedDuringOutage).toBe(0); // nothing is acknowledged that cannot be stored
  expect(run.refusedDuringOutage).toBeGreaterThan(0);
  expect(run.missingRetryAfter).toBe(0);
  // Readiness follows the writes, not just the (still working) reads: a load balancer takes
  // the tower out while its storage refuses writes, and puts it back once batches are stored again.
  expect(run.readyDuringOutage).toBe(503);
  expect(run.readyBodyDuringOutage.status).toBe('storage refuses writes');
  expect(run.readyAfterOutage).toBe(200);
  expect(run.rssMiB.maxDuringOutage - run.rssMiB.before).toBeLessThan(256);
  expect(run.resumeMs).toBeLessThan(20_000); // resumed by itself, no restart
  expect(run.exit.code).toBe(0);
  expect(run.lost).toEqual([]);
  expect(run.duplicated).toEqual([]);
}
