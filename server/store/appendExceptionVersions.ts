import type { ClickHouseClient } from '@clickhouse/client';
import type { ExceptionRow } from '../exceptions/exceptionRow.ts';

/** Appends state changes to the exception log (never updates a row). */
export async function appendExceptionVersions(client: ClickHouseClient, rows: ExceptionRow[]): Promise<void> {
  if (rows.length) await client.insert({ table: 'exception_log', values: rows, format: 'JSONEachRow' });
}
