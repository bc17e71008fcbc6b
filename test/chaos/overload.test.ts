// Overload: producers offering ~5× what the pipeline stores get 429 + Retry-After, the
// queue never passes CONTROL_TOWER_MAX_QUEUE_EVENTS, memory stays bounded, and accepted
// events keep flowing at (nearly) the sustained rate.
import { afterAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { Producer } from './helpers/producer.ts';
import { freePort, metricValue, sleep, spawnTower, tempDataDir, type Tower } from './helpers/tower.ts';
import { auditEvents } from './helpers/verifyStore.ts';

const MAX_QUEUE = 20_000;
const dataDir = tempDataDir();
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function queueDepth(tower: Tower): Promise<number> {
  const text = await (await fetch(`${tower.url}/metrics`)).text();
  return metricValue(text, 'ct_ingest_queue_depth');
}

/** Runs producers for `ms`, sampling RSS and queue depth; returns the accepted rate. */
async function phase(tower: Tower, producers: Producer[], ms: number) {
  const samples = { rss: [] as number[], depth: [] as number[] };
  producers.forEach((p) => p.start());
  const started = performance.now();
  const ackedAtStart = producers.reduce((n, p) => n + p.acked.size, 0);
  await sleep(1000); // let the load settle before measuring
  const measuredFrom = performance.now();
  const ackedFrom = producers.reduce((n, p) => n + p.acked.size, 0);
  while (performance.now() - started < ms) {
    samples.rss.push(tower.rssBytes());
    samples.depth.push(await queueDepth(tower));
    await sleep(100);
  }
  const rate = (producers.reduce((n, p) => n + p.acked.size, 0) - ackedFrom) / ((performance.now() - measuredFrom) / 1000);
  await Promise.all(producers.map((p) => p.finish()));
  return { rate, acked: producers.reduce((n, p) => n + p.acked.size, 0) - ackedAtStart, samples };
}

describe('overload: 5× the sustained rate', () => {
  it('answers 429 with Retry-After, keeps the queue under its ceiling and memory bounded, and stores at the sustained rate', async () => {
    const port = await freePort();
    const tower = await spawnTower({ dataDir, port, env: { CONTROL_TOWER_MAX_QUEUE_EVENTS: String(MAX_QUEUE), ...(process.env.CHAOS_BATCH_MAX_ROWS ? { CONTROL_TOWER_BATCH_MAX_ROWS: process.env.CHAOS_BATCH_MAX_ROWS } : {}) } });
    const rssIdle = tower.rssBytes();

    // Sustained: two producers back to back, one batch each in flight, never refused.
    const steady = [1, 2].map((n) => new Producer({ runId: `steady${n}`, url: () => tower.url, batchSize: 2000 }));
    const sustained = await phase(tower, steady, 6000);
    const rssSteady = Math.max(...sustained.samples.rss);

    // Overload: ten producers with 5,000-event batches who retry a 429 after 200 ms instead of
    // the 1 s they are told: ~5× the two steady producers' offer. (They run on the same two
    // cores as the tower, so a flood much wilder than this measures the load generator.)
    const flood = Array.from({ length: 10 }, (_, n) => new Producer({ runId: `flood${n}`, url: () => tower.url, batchSize: 5000, maxRetryWaitMs: 200 }));
    const overloaded = await phase(tower, flood, 8000);
    const statuses = flood.map((p) => p.stats.statuses);
    const total = (code: string) => statuses.reduce((n, s) => n + (s[code] ?? 0), 0);
    const rssFlood = Math.max(...overloaded.samples.rss);

    tower.kill('SIGTERM');
    expect((await tower.exited).code).toBe(0);
    const audit = await auditEvents(dataDir);
    const acked = [...steady, ...flood].flatMap((p) => [...p.acked]);
    const report = {
      sustainedPerSec: Math.round(sustained.rate),
      overloadedPerSec: Math.round(overloaded.rate),
      offeredBatchesPerAccepted: +((total('202') + total('429')) / total('202')).toFixed(1),
      answers429: total('429'),
      retryAfterMissing: flood.reduce((n, p) => n + p.stats.retryAfterMissing, 0),
      maxQueueDepth: Math.max(...overloaded.samples.depth),
      rssMiB: { idle: Math.round(rssIdle / 2 ** 20), steady: Math.round(rssSteady / 2 ** 20), flood: Math.round(rssFlood / 2 ** 20) },
      acked: acked.length,
      lost: acked.filter((id) => !audit.ids.has(id)).length,
    };
    console.log(JSON.stringify(report));

    expect(report.answers429).toBeGreaterThan(0);
    expect(report.offeredBatchesPerAccepted).toBeGreaterThan(2); // the flood really offered several times what was taken
    expect(report.retryAfterMissing).toBe(0);
    expect(report.maxQueueDepth).toBeLessThanOrEqual(MAX_QUEUE);
    // Refusing costs little: memory under flood stays within 256 MiB of the steady state.
    expect(rssFlood - rssSteady).toBeLessThan(256 * 2 ** 20);
    // Accepted events still flow at (nearly) full rate: overload must not collapse throughput.
    // (Before refusals were shed ahead of body parsing, the flood halved it: 0.48×.) The
    // ratio is a timing figure on a shared 2-core machine, so CI asks for 0.6×;
    // CHAOS_OVERLOAD_MIN_RATIO=0.9 asks more of a quiet one.
    expect(overloaded.rate).toBeGreaterThan(sustained.rate * Number(process.env.CHAOS_OVERLOAD_MIN_RATIO ?? 0.6));
    expect(report.lost).toBe(0);
    expect(audit.duplicated).toEqual([]);
  });
});
