// The evidence events of an exception, by id (at most `limit`).
import type { ClickHouseClient } from '@clickhouse/client';
import type { CtEvent } from '../events/schema.ts';
import { fromEventRow, type EventRow } from './eventRow.ts';

export async function findEventsById(client: ClickHouseClient, ids: string[], limit = 50): Promise<CtEvent[]> {
  if (!ids.length) return [];
  const rs = await client.query({
    query: 'SELECT * FROM events WHERE id IN {ids:Array(String)} ORDER BY ts LIMIT 1 BY id LIMIT {limit:UInt32}',
    query_params: { ids: ids.slice(0, limit), limit },
    format: 'JSONEachRow',
  });
  return (await rs.json<EventRow>()).map(fromEventRow);
}
