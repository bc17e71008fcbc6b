// Retention is configuration, not schema: the TTL of raw events and of the dedupe index
// is set at start-up. Only changed when it differs, because a TTL change is not free.
import type { ClickHouseClient } from '@clickhouse/client';

async function currentCreateStatement(client: ClickHouseClient, table: string): Promise<string> {
  const rows = await (
    await client.query({ query: 'SELECT create_table_query FROM system.tables WHERE database = currentDatabase() AND name = {table:String}', query_params: { table }, format: 'JSONEachRow' })
  ).json<{ create_table_query: string }>();
  return rows[0]?.create_table_query ?? '';
}

async function setTtl(client: ClickHouseClient, table: string, expression: string): Promise<void> {
  const current = await currentCreateStatement(client, table);
  if (current.replace(/\s+/g, ' ').includes(`TTL ${expression}`)) return;
  // DDL takes no query parameters; the numbers come from the validated config (integers).
  await client.command({ query: `ALTER TABLE ${table} MODIFY TTL ${expression}`, clickhouse_settings: { materialize_ttl_after_modify: 0 } });
}

export async function applyRetention(client: ClickHouseClient, opts: { retentionDays: number; dedupeWindowHours: number }): Promise<void> {
  const days = Math.trunc(opts.retentionDays);
  const hours = Math.trunc(opts.dedupeWindowHours);
  await setTtl(client, 'events', `toDateTime(ingested_at) + toIntervalDay(${days})`);
  await setTtl(client, 'event_ids', `toDateTime(ingested_at) + toIntervalHour(${hours})`);
}
