// Per-query wall/CPU times of the KPI set on a bench data dir, each query answering both
// windows as computeKpis asks it (current + previous), then the whole set, to see which query
// dominates. First refreshes the order outcomes (timed).
//   node --import tsx bench/kpi/profile.ts DIR [days=60]
import { loadConfig } from '../../server/config.ts';
import { openStore } from '../../server/store/client.ts';
import { migrate } from '../../server/store/migrate.ts';
import { chTime } from '../../server/store/kpi/runKpiQuery.ts';
import { exceptionKpis } from '../../server/store/kpi/exceptionKpis.ts';
import { revenueAtRisk } from '../../server/store/kpi/revenueAtRisk.ts';
import { manualActions } from '../../server/store/kpi/manualActions.ts';
import { refreshOrderOutcomes } from '../../server/store/kpi/refreshOrderOutcomes.ts';
import { orderKpis } from '../../server/store/kpi/orderKpis.ts';
import { integrationHealth } from '../../server/store/kpi/integrationHealth.ts';
import { detectionQuality } from '../../server/store/kpi/detectionQuality.ts';
import { computeKpis } from '../../server/kpi/computeKpis.ts';
import { filterParams } from '../../server/kpi/dimensions.ts';
import { slaParams, DEFAULT_SLA_TARGETS } from '../../server/kpi/slaTargets.ts';
const dir = process.argv[2]; const days = Number(process.argv[3] ?? 60);
const store = await openStore(loadConfig({}, { dataDir: dir, maxMemoryUsageBytes: 8 * 1024 ** 3 }));
await migrate(store.client);
const t0 = performance.now();
console.log('refresh', await refreshOrderOutcomes(store.client), `${(performance.now() - t0).toFixed(0)} ms`);
const nowMs = Date.parse('2026-01-01T00:00:00Z') + days * 86_400_000;
for (const w of [86_400_000, 30 * 86_400_000]) {
  const params = { from: chTime(nowMs - w), to: chTime(nowMs), pfrom: chTime(nowMs - 2 * w), ...filterParams({}), ...slaParams(DEFAULT_SLA_TARGETS) };
  const qs: [string, () => Promise<unknown>][] = [
    ['exceptions', () => exceptionKpis(store.client, "''", params)],
    ['revenue', () => revenueAtRisk(store.client, "''", params)],
    ['manual', () => manualActions(store.client, "''", params)],
    ['orders', () => orderKpis(store.client, "''", params)],
    ['integrations', () => integrationHealth(store.client, w, params)],
    ['detection', () => detectionQuality(store.client, params)],
    ['whole set', () => computeKpis(store.client, { fromMs: nowMs - w, toMs: nowMs, sla: DEFAULT_SLA_TARGETS })],
  ];
  for (const [name, f] of qs) {
    await f();
    const ts: string[] = [];
    for (let i = 0; i < 5; i++) { const t = performance.now(); const c = process.cpuUsage(); await f(); const u = process.cpuUsage(c); ts.push(`${(performance.now() - t).toFixed(0)}/${((u.user + u.system) / 1000).toFixed(0)}`); }
    console.log(`${w / 86400000}d ${name.padEnd(14)} wall/cpu ms: ${ts.join('  ')}`);
  }
}
await store.close();
