import type { ClickHouseClient } from '@clickhouse/client';
import { toChTime } from './eventRow.ts';

/** Ids of every exception (open or closed) detected since `fromIso`: a replay must not raise them again. */
export async function loadExceptionIdsSince(client: ClickHouseClient, fromIso: string): Promise<string[]> {
  const rs = await client.query({
    query: `SELECT DISTINCT exception_id FROM exception_log WHERE detected_at >= {from:DateTime64(3, 'UTC')}`,
    query_params: { from: toChTime(fromIso) },
    format: 'JSONEachRow',
  });
  return (await rs.json<{ exception_id: string }>()).map((r) => r.exception_id);
}
