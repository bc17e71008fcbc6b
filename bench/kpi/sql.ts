// Runs SQL statements (from argv, separated by ';;') against a bench data dir and prints
// each result and its wall/CPU time — for reading plans (EXPLAIN indexes = 1) while profiling.
//   node --import tsx bench/kpi/sql.ts DIR "SELECT …" [params-json]
import { loadConfig } from '../../server/config.ts';
import { openStore } from '../../server/store/client.ts';

const [dir, sql, params] = process.argv.slice(2);
const store = await openStore(loadConfig({}, { dataDir: dir, maxMemoryUsageBytes: 8 * 1024 ** 3 }));
for (const q of sql.split(';;')) {
  const t = performance.now();
  const c = process.cpuUsage();
  const r = await store.client.query({ query: q, format: 'TabSeparatedWithNames', query_params: params ? JSON.parse(params) : {}, clickhouse_settings: { max_execution_time: 0 } });
  const text = await r.text();
  const u = process.cpuUsage(c);
  console.log(text.split('\n').slice(0, 60).join('\n'));
  console.log(`-- ${(performance.now() - t).toFixed(0)} ms wall, ${((u.user + u.system) / 1000).toFixed(0)} ms CPU`);
}
await store.close();
