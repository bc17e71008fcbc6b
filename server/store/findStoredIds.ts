import type { ClickHouseClient } from '@clickhouse/client';

/** Which of these ids were stored within the dedupe window (reads the id-sorted index). */
export async function findStoredIds(client: ClickHouseClient, ids: string[], windowHours: number): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rs = await client.query({
    query: `SELECT DISTINCT id FROM event_ids
            WHERE id IN {ids:Array(String)} AND ingested_at >= now64(3) - toIntervalHour({hours:UInt32})`,
    query_params: { ids, hours: windowHours },
    format: 'JSONCompactEachRow',
  });
  const rows = await rs.json<[string]>();
  return new Set(rows.map((r) => r[0]));
}
