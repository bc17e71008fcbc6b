// Every stored version of one exception, oldest first (the detail view's timeline), and the
// current version when it is no longer held in memory.
import type { ClickHouseClient } from '@clickhouse/client';
import type { ExceptionRecord } from '../contracts/exception.ts';
import { fromExceptionRow, type ExceptionRow } from '../exceptions/exceptionRow.ts';

export async function exceptionTimeline(client: ClickHouseClient, id: string): Promise<ExceptionRecord[]> {
  const rs = await client.query({
    query: 'SELECT * FROM exception_log WHERE exception_id = {id:String} ORDER BY version',
    query_params: { id },
    format: 'JSONEachRow',
  });
  return (await rs.json<ExceptionRow>()).map(fromExceptionRow);
}
