import type { ClickHouseClient } from '@clickhouse/client';
import type { EventRow } from './eventRow.ts';

/** One INSERT per batch; the materialized view records the ids in the same statement. */
export async function insertEvents(client: ClickHouseClient, rows: EventRow[]): Promise<void> {
  await client.insert({ table: 'events', values: rows, format: 'JSONEachRow' });
}
