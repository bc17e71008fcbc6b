import type { ClickHouseClient } from '@clickhouse/client';
import { tsvText } from './tsv.ts';

/**
 * Which of these ids were stored within the dedupe window (reads the id-sorted index).
 * The ids go through a subquery, which the engine turns into one hash set: as an array literal
 * on the right of IN, somewhere between 10,000 and 20,000 ids the look-up went from 0.2 to
 * 43 CPU-seconds (measured on chDB 26 against 200,000 stored ids; see BENCHMARKS.md "Import").
 * They travel as one TabSeparated text read by format(): 50,000 ids against 100,000 stored
 * took 0.10–0.16 s, against 0.24–0.53 s as an Array(String) parameter.
 */
export async function findStoredIds(client: ClickHouseClient, ids: string[], windowHours: number): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rs = await client.query({
    query: `SELECT DISTINCT id FROM event_ids
            WHERE id IN (SELECT id FROM format(TSV, 'id String', {ids:String})) AND ingested_at >= now64(3) - toIntervalHour({hours:UInt32})`,
    query_params: { ids: ids.map(tsvText).join('\n'), hours: windowHours },
    format: 'JSONCompactEachRow',
  });
  const rows = await rs.json<[string]>();
  return new Set(rows.map((r) => r[0]));
}
