// Runs one named KPI query with typed parameters. Each query is bounded in time so that,
// in the embedded engine (one statement at a time), no report holds up ingest for long.
import type { ClickHouseClient } from '@clickhouse/client';

export type KpiParams = Record<string, string | number | string[]>;

export const KPI_QUERY_SECONDS = 10;

/**
 * The same query over the previous window of equal length: its bounds shift by one window,
 * {from} → {pfrom} and {to} → {from} (one pass, so the two replacements do not chain).
 */
export function previousWindowQuery(query: string): string {
  return query.replace(/\{(from|to):DateTime64\(3, 'UTC'\)\}/g, (_, bound: string) => `{${bound === 'from' ? 'pfrom' : 'from'}:DateTime64(3, 'UTC')}`);
}

/**
 * With a {pfrom} parameter the query is answered for both windows in one statement, each row
 * tagged w = 0 (current, [from, to)) or 1 (previous, [pfrom, from)). The embedded engine runs
 * one statement at a time, so two windows as two statements wait for each other; as the two
 * branches of one UNION ALL they run side by side on the engine's threads. A query that tags
 * its own rows (tagsWindows) answers both windows in one pass instead: the branches of a
 * UNION ALL are planned one after the other, and planning is most of a KPI query's time on
 * 10M events.
 */
export async function runKpiQuery<T>(client: ClickHouseClient, name: string, query: string, params: KpiParams, opts: { tagsWindows?: boolean } = {}): Promise<T[]> {
  // tagsWindows: the query answers both windows itself, tagging its rows w; without {pfrom}
  // its previous window is empty ({pfrom} = {from}) and only w = 0 rows come back.
  if (opts.tagsWindows && params.pfrom === undefined) params = { ...params, pfrom: params.from };
  const both = params.pfrom !== undefined && !opts.tagsWindows;
  const result = await client.query({
    query: both ? `SELECT 0 AS w, * FROM (${query}) UNION ALL SELECT 1 AS w, * FROM (${previousWindowQuery(query)})` : query,
    query_params: params,
    format: 'JSONEachRow',
    query_id: undefined,
    clickhouse_settings: { max_execution_time: KPI_QUERY_SECONDS, log_comment: `kpi:${name}`, output_format_json_quote_64bit_integers: 0 },
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
