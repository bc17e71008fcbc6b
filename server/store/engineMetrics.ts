// Metrics of the storage engine itself. The embedded engine lives in the tower's own process,
// so the process's RSS is Node's heap plus ClickHouse's allocations: the memory gauge reports
// the part ClickHouse accounts for itself (system.metrics MemoryTracking), so a growing RSS
// can be told apart, heap (Node) or engine. Restarts after a damaged part are counted.
import { Gauge, type Registry } from 'prom-client';
import { mirroredCounter } from '../mirroredCounter.ts';
import type { Store } from './client.ts';

export function registerEngineMetrics(registry: Registry, store: Store): void {
  const client = store.client;
  const engine = store.engine;
  if (engine) mirroredCounter(registry, 'ct_engine_restarts_total', 'Restarts of the embedded engine after a read of a damaged part (its start-up check detaches the part)', engine.count);
  new Gauge({
    name: 'ct_engine_memory_tracked_bytes',
    help: 'Memory ClickHouse accounts for (system.metrics MemoryTracking): in-process for the embedded engine, the server total otherwise',
    registers: [registry],
    async collect() {
      // A scrape must not fail because storage is in trouble: the gauge keeps its last value.
      const rows = await client
        .query({ query: "SELECT value FROM system.metrics WHERE metric = 'MemoryTracking'", format: 'JSONEachRow', clickhouse_settings: { output_format_json_quote_64bit_integers: 0 } })
        .then((r) => r.json<{ value: number }>())
        .catch(() => []);
      if (rows[0]) this.set(Number(rows[0].value));
    },
  });
}
