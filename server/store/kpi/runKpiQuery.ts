// Runs one named KPI query with typed parameters. Each query is bounded in time so that,
// in the embedded engine (a few sessions shared with ingest), no report holds up ingest for long.
import type { ClickHouseClient } from '@clickhouse/client';

export type KpiParams = Record<string, string | number | string[]>;

export const KPI_QUERY_SECONDS = 10;

/**
 * Queries answer the current and the previous window together (see windows.ts); a request
 * for one window alone leaves the previous one empty ({pfrom} = {from}).
 *
 * One thread each unless `threads` says otherwise (0 = the engine's default, one per core): a
 * KPI set is six statements sent together, which the engine runs side by side on its sessions
 * (store/sessionPool.ts), one per core, and at 10M events most of a statement's time is
 * planning, which is one thread anyway — more threads only took turns with the other
 * statements' (30 days: 370 → 290 ms, CPU 665 → 530 ms for the set).
 */
export async function runKpiQuery<T>(client: ClickHouseClient, name: string, query: string, params: KpiParams, opts: { threads?: number } = {}): Promise<T[]> {
  const result = await client.query({
    query,
    query_params: { pfrom: params.from, ...params },
    format: 'JSONEachRow',
    query_id: undefined,
    clickhouse_settings: { max_threads: opts.threads ?? 1, max_execution_time: KPI_QUERY_SECONDS, log_comment: `kpi:${name}`, output_format_json_quote_64bit_integers: 0 },
  });
  return result.json<T>();
}

/** ClickHouse DateTime64 text for a UTC instant. */
export const chTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

/** NaN/∞ (an empty average) and missing values become null. */
export const num = (v: unknown): number | null => {
  if (v === null || v === undefined) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
};

export const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);
