// Storage trouble on the embedded engine: the data directory's disk fills up under load (a
// small tmpfs filled to the last byte). As root, chmod does not stop the engine, and a
// remount read-only is refused while the engine holds files open ("mount point is busy"),
// so a full disk is the storage failure this machine can produce for real. Intake must
// answer 503/429 with Retry-After instead of acknowledging, memory must stay bounded, and
// ingest must resume by itself once the disk is writable again — without losing or
// doubling any acknowledged event.
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Producer } from './helpers/producer.ts';
import { freePort, metricValue, sleep, spawnTower } from './helpers/tower.ts';
import { auditEvents } from './helpers/verifyStore.ts';

const mountPoint = mkdtempSync(join(tmpdir(), 'ct-chaos-ro-'));
let mounted = false;
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256m', 'tmpfs', mountPoint], { stdio: 'pipe' });
  mounted = true;
} catch (err) {
  console.warn(`read-only disk test skipped: cannot mount a tmpfs here (${(err as Error).message.split('\n')[0]}); it needs root with CAP_SYS_ADMIN`);
}
/** Writes a filler file until the file system says ENOSPC. */
function fillDisk(path: string): number {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(1024 * 1024, 1);
  let written = 0;
  try {
    for (;;) written += writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
  return written;
}

afterAll(() => {
  if (mounted) execFileSync('umount', ['-l', mountPoint]);
  rmSync(mountPoint, { recursive: true, force: true });
});

describe.skipIf(!mounted)('storage trouble: the data disk fills up under load', () => {
  it('refuses with 503/429 + Retry-After while the disk is full, stays bounded, resumes by itself, loses nothing', async () => {
    const dataDir = join(mountPoint, 'data');
    const port = await freePort();
    const tower = await spawnTower({ dataDir, port, env: { CONTROL_TOWER_MAX_QUEUE_EVENTS: '20000' } });
    const producers = [1, 2, 3].map((n) => new Producer({ runId: `ro${n}`, url: () => tower.url, batchSize: 1000, maxRetryWaitMs: 200, requestTimeoutMs: 30_000 }).start());
    await sleep(2000);
    const ackedBeforeOutage = producers.reduce((n, p) => n + p.acked.size, 0);
    const rssBefore = tower.rssBytes();

    const filler = join(mountPoint, 'filler');
    const fillerBytes = fillDisk(filler);
    await sleep(1500); // in-flight batches use up their retries
    const ackedAtOutage = producers.reduce((n, p) => n + p.acked.size, 0);
    const statusesAt = (code: string) => producers.reduce((n, p) => n + (p.stats.statuses[code] ?? 0), 0);
    const refusedBefore = statusesAt('503') + statusesAt('429');
    const rssSamples: number[] = [];
    for (let i = 0; i < 40; i++) {
      rssSamples.push(tower.rssBytes());
      await sleep(100);
    }
    const ackedDuringOutage = producers.reduce((n, p) => n + p.acked.size, 0) - ackedAtOutage;
    const refusedDuringOutage = statusesAt('503') + statusesAt('429') - refusedBefore;
    const missingRetryAfter = producers.reduce((n, p) => n + p.stats.retryAfterMissing, 0);
    const readyDuringOutage = (await fetch(`${tower.url}/readyz`)).status;
    const readyBodyDuringOutage = (await (await fetch(`${tower.url}/readyz`)).json()) as { status: string };

    rmSync(filler);
    const recoveredFrom = producers.reduce((n, p) => n + p.acked.size, 0);
    const resumeStarted = performance.now();
    while (producers.reduce((n, p) => n + p.acked.size, 0) === recoveredFrom && performance.now() - resumeStarted < 20_000) await sleep(100);
    const resumeMs = performance.now() - resumeStarted;
    await sleep(1000);
    // Ready again once a batch has been stored since the disk was freed (producers keep sending).
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
      throw new Error(`writes did not resume within 60 s of freeing the disk; /readyz: ${ready}\ntower log (last 60 lines):\n${tower.logs().split('\n').slice(-60).join('\n')}`);
    }
    // a merge committed on the full disk may have left a part the engine cannot read; the tower restarts its engine then
    const engineRestarts = metricValue(await (await fetch(`${tower.url}/metrics`)).text(), 'ct_engine_restarts_total');
    tower.kill('SIGTERM');
    const exit = await Promise.race([tower.exited, sleep(30_000).then(() => null)]);
    if (!exit) {
      tower.kill('SIGKILL');
      throw new Error(`the tower did not exit within 30 s of SIGTERM; its log (last 60 lines):\n${tower.logs().split('\n').slice(-60).join('\n')}`);
    }

    const audit = await auditEvents(dataDir);
    const acked = producers.flatMap((p) => [...p.acked]);
    const lost = acked.filter((id) => !audit.ids.has(id));
    console.log(
      JSON.stringify({
        fillerMiB: Math.round(fillerBytes / 2 ** 20),
        ackedBeforeOutage,
        ackedDuringOutage,
        refusedDuringOutage,
        readyDuringOutage,
        readyAfterOutage,
        readyBodyAfterOutage,
        rssMiB: { before: Math.round(rssBefore / 2 ** 20), maxDuringOutage: Math.round(Math.max(...rssSamples) / 2 ** 20) },
        resumeMs: Math.round(resumeMs),
        engineRestarts,
        acked: acked.length,
        stored: audit.rows,
        lost: lost.length,
        exit,
        statuses: producers.map((p) => p.stats.statuses),
      }),
    );
    expect(ackedBeforeOutage).toBeGreaterThan(0);
    expect(ackedDuringOutage).toBe(0); // nothing is acknowledged that cannot be stored
    expect(refusedDuringOutage).toBeGreaterThan(0);
    expect(missingRetryAfter).toBe(0);
    // Readiness follows the writes, not just the (still working) reads: a load balancer takes
    // the tower out while its disk is full, and puts it back once batches are stored again.
    expect(readyDuringOutage).toBe(503);
    expect(readyBodyDuringOutage.status).toBe('storage refuses writes');
    expect(readyAfterOutage).toBe(200);
    expect(Math.max(...rssSamples) - rssBefore).toBeLessThan(256 * 2 ** 20);
    expect(resumeMs).toBeLessThan(20_000); // resumed by itself, no restart
    expect(exit.code).toBe(0);
    expect(lost).toEqual([]);
    expect(audit.duplicated).toEqual([]);
  });
});
