// SIGTERM under load: intake closes (503 + Retry-After), everything acknowledged is
// stored, and the process exits 0 well within 25 s.
import { afterAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { Producer } from './helpers/producer.ts';
import { freePort, ingestAuth, sleep, spawnTower, tempDataDir } from './helpers/tower.ts';
import { auditEvents } from './helpers/verifyStore.ts';

const dataDir = tempDataDir();
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('graceful stop: SIGTERM while producers stream', () => {
  it('answers 503 with Retry-After to new work, drains what it took, exits 0 within 25 s, loses nothing acknowledged', async () => {
    const port = await freePort();
    const tower = await spawnTower({ dataDir, port });
    const producers = [1, 2, 3, 4].map((n) => new Producer({ runId: `stop${n}`, url: () => tower.url, batchSize: 4000, maxRetryWaitMs: 100 }).start());
    await sleep(2500);

    // A probe keeps knocking during the stop to see what a new request is told.
    const probeAnswers: { status: number; retryAfter: string | null; code?: string }[] = [];
    let probing = true;
    const probe = (async () => {
      while (probing) {
        try {
          const res = await fetch(`${tower.url}/api/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json', ...ingestAuth }, body: '{"id":"probe"}' });
          const body = (await res.json()) as { error?: { code: string } };
          probeAnswers.push({ status: res.status, retryAfter: res.headers.get('retry-after'), code: body.error?.code });
        } catch {
          /* closed: the listener is gone */
        }
        await sleep(2);
      }
    })();
    await sleep(100);
    const stopAt = performance.now();
    tower.kill('SIGTERM');
    const exit = await tower.exited;
    const stopMs = performance.now() - stopAt;
    probing = false;
    await probe;
    await Promise.all(producers.map((p) => p.abandon()));

    expect(exit.code).toBe(0);
    expect(stopMs).toBeLessThan(25_000);
    expect(tower.logs()).toContain('stopped cleanly');
    // Before the stop the probe is told its event is invalid (400); after it, 503 + Retry-After.
    const duringStop = probeAnswers.filter((a) => a.status === 503);
    expect(duringStop.length).toBeGreaterThan(0);
    for (const a of duringStop) expect(a).toMatchObject({ retryAfter: expect.stringMatching(/^\d+$/), code: 'storage_unavailable' });
    expect(probeAnswers.every((a) => a.status === 400 || a.status === 503)).toBe(true);

    const audit = await auditEvents(dataDir);
    const acked = producers.flatMap((p) => [...p.acked]);
    const lost = acked.filter((id) => !audit.ids.has(id));
    console.log(JSON.stringify({ stopMs: Math.round(stopMs), acked: acked.length, stored: audit.rows, lost: lost.length, probe503: duringStop.length, statuses: producers.map((p) => p.stats.statuses) }));
    expect(acked.length).toBeGreaterThan(0);
    expect(lost).toEqual([]);
    expect(audit.duplicated).toEqual([]);
  });
});
