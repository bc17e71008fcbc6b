import type { ClickHouseClient } from '@clickhouse/client';

/** Event time of the newest simulated event, or null when the demo never ran on this store. */
export async function lastSimulatedEventMs(client: ClickHouseClient): Promise<number | null> {
  const rows = await (
    await client.query({ query: `SELECT toUnixTimestamp64Milli(max(ts)) AS last, count() AS n FROM events WHERE source = 'sim'`, format: 'JSONEachRow' })
  ).json<{ last: string; n: string }>();
  return Number(rows[0]?.n ?? 0) > 0 ? Number(rows[0].last) : null;
}
