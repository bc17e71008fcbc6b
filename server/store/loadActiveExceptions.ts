import type { ClickHouseClient } from '@clickhouse/client';
import type { ExceptionRow } from '../exceptions/exceptionRow.ts';

/** Current version of every exception not in a final state, for rebuilding the book at start-up. */
export async function loadActiveExceptions(client: ClickHouseClient): Promise<ExceptionRow[]> {
  const rs = await client.query({
    query: `SELECT * FROM exceptions_current FINAL WHERE status NOT IN ('resolved', 'dismissed')`,
    format: 'JSONEachRow',
  });
  return rs.json<ExceptionRow>();
}
