// Whole KPI sets (computeKpis, current + previous window) one after another on a bench data
// dir, each timed: the quick way to compare two versions on the same data (run it from a
// worktree of each, one after the other).
//   node --import tsx bench/kpi/sets.ts DIR [runs=6]
import { loadConfig } from '../../server/config.ts';
import { openStore } from '../../server/store/client.ts';
import { computeKpis } from '../../server/kpi/computeKpis.ts';
import { DEFAULT_SLA_TARGETS } from '../../server/kpi/slaTargets.ts';

const [dir, runsArg] = process.argv.slice(2);
if (!dir) throw new Error('usage: node --import tsx bench/kpi/sets.ts DIR [runs]');
const runs = Number(runsArg ?? 6);
const store = await openStore(loadConfig({}, { dataDir: dir, maxMemoryUsageBytes: 8 * 1024 ** 3 }));
const nowMs = Date.parse('2026-03-02T00:00:00Z'); // the end of the bench's 60 days
for (const [label, ms] of [['24 h', 86_400_000], ['30 d', 30 * 86_400_000]] as const) {
  const times: string[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await computeKpis(store.client, { fromMs: nowMs - ms, toMs: nowMs, sla: DEFAULT_SLA_TARGETS });
    times.push((performance.now() - started).toFixed(0));
  }
  console.log(`${label}: ${times.join(' ')} ms`);
}
await store.close();
