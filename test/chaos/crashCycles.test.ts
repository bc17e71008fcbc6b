// kill -9 the tower again and again while producers stream and retry: afterwards every
// acknowledged event is stored exactly once, and nothing was stored that was never sent.
//   CHAOS_CYCLES=100 npm run test:chaos -- crashCycles   (the long run; CI runs 20)
import { afterAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { Producer } from './helpers/producer.ts';
import { freePort, sleep, spawnTower, tempDataDir, type Tower } from './helpers/tower.ts';
import { auditEvents, auditExceptions, type ExceptionAudit } from './helpers/verifyStore.ts';

const CYCLES = Number(process.env.CHAOS_CYCLES ?? 20);
const dataDir = tempDataDir();
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
let exceptionsAfterRun: ExceptionAudit | undefined;

describe('crash: kill -9 while producers stream', () => {
  it(`loses no acknowledged event and stores none twice across ${CYCLES} kill -9 cycles`, { timeout: CYCLES * 20_000 + 120_000 }, async () => {
    const port = await freePort();
    const url = () => `http://127.0.0.1:${port}`;
    const producers = [1, 2, 3].map((n) => new Producer({ runId: `crash${n}`, url, batchSize: 150 + n * 50, maxRetryWaitMs: 200, requestTimeoutMs: 20_000 }).start());
    const killedAt: number[] = [];
    let repairs = 0; // start-ups that found an insert cut short between events and their id index
    const countRepairs = (t: Tower) => (repairs += (t.logs().match(/insert that was cut short/g) ?? []).length);
    let tower: Tower | undefined;
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      tower = await spawnTower({ dataDir, port });
      const ackedBefore = producers.reduce((n, p) => n + p.acked.size, 0);
      // Random moment: sometimes mid-batch, sometimes mid-insert, sometimes between requests.
      await sleep(200 + Math.floor(Math.random() * 1200));
      tower.kill('SIGKILL');
      const exit = await tower.exited;
      expect(exit.signal).toBe('SIGKILL');
      countRepairs(tower);
      killedAt.push(producers.reduce((n, p) => n + p.acked.size, 0) - ackedBefore);
    }
    // One last, clean life: producers deliver what they still hold, then a graceful stop.
    tower = await spawnTower({ dataDir, port });
    await Promise.all(producers.map((p) => p.finish()));
    tower.kill('SIGTERM');
    expect((await tower.exited).code).toBe(0);
    countRepairs(tower);

    const audit = await auditEvents(dataDir);
    const exceptions = await auditExceptions(dataDir);
    exceptionsAfterRun = exceptions;
    const acked = new Set(producers.flatMap((p) => [...p.acked]));
    const sent = new Set(producers.flatMap((p) => [...p.sent]));
    const lost = [...acked].filter((id) => !audit.ids.has(id));
    const invented = [...audit.ids].filter((id) => !sent.has(id));
    console.log(
      JSON.stringify({ cycles: CYCLES, tornInsertsRepaired: repairs, ackedEvents: acked.size, storedRows: audit.rows, lost: lost.length, duplicated: audit.duplicated.length, ackedPerLife: killedAt, exceptions: { count: exceptions.exceptions, versions: exceptions.logRows, twice: exceptions.versionsTwice.length, twiceSample: exceptions.versionsTwice.slice(0, 4), gaps: exceptions.gaps.length, stale: exceptions.staleCurrent.length }, statuses: producers.map((p) => p.stats.statuses) }),
    );
    expect(lost).toEqual([]);
    expect(audit.duplicated).toEqual([]);
    expect(audit.rows).toBe(audit.distinctIds);
    expect(invented).toEqual([]);
    // Every sent event was finally acknowledged, so "stored exactly once" covers all of them.
    expect(acked.size).toBe(sent.size);
    expect(audit.rows).toBe(acked.size);
    // Exception state survived the crashes consistently: versions 1..n in order, current = latest.
    expect(exceptions.exceptions).toBeGreaterThan(0);
    expect(exceptions.gaps).toEqual([]);
    expect(exceptions.staleCurrent).toEqual([]);
    // The run must really have crashed the tower while it was taking traffic.
    expect(killedAt.filter((n) => n > 0).length).toBeGreaterThan(CYCLES / 2);
  });

  // After a restart the detectors replay stored events and live events continue; an exception
  // closed before the restart must never be opened (or resolved) again under its id.
  it('commits no exception version twice across restarts', () => {
    expect(exceptionsAfterRun).toBeDefined();
    expect(exceptionsAfterRun!.versionsTwice).toEqual([]);
  });
});
