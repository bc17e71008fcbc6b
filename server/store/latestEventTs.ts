import type { ClickHouseClient } from '@clickhouse/client';
import { fromChTime } from './eventRow.ts';

/** Event time of the newest stored event (epoch ms), or undefined when there is none. */
export async function latestEventTs(client: ClickHouseClient): Promise<number | undefined> {
  const rs = await client.query({ query: `SELECT toString(max(ts)) AS ts, count() AS n FROM events`, format: 'JSONEachRow' });
  const [row] = await rs.json<{ ts: string; n: string | number }>();
  return row && Number(row.n) > 0 ? Date.parse(fromChTime(row.ts)) : undefined;
}
