// The exception queue: current versions (exceptions_current FINAL) filtered, sorted by
// priority or age, with keyset (cursor) pagination so deep pages cost the same as the first.
import type { ClickHouseClient } from '@clickhouse/client';
import { fromExceptionRow, type ExceptionRow } from '../exceptions/exceptionRow.ts';
import type { ExceptionRecord } from '../contracts/exception.ts';
import { toChTime } from './eventRow.ts';

export type ExceptionFilter = {
  status: string[];
  type: string[];
  severity: string[];
  team: string[];
  tier: string[];
  warehouse: string[];
  customer: string[];
  text?: string;
  sort: 'priority' | 'age';
  limit: number;
  /** Position after the last row of the previous page (see `cursorOf`). */
  after?: { priority: number; detectedAt: string; id: string };
};

export const cursorOf = (x: ExceptionRecord) => Buffer.from(JSON.stringify({ priority: x.priority, detectedAt: x.detectedAt, id: x.id })).toString('base64url');

export async function listExceptions(client: ClickHouseClient, f: ExceptionFilter): Promise<ExceptionRecord[]> {
  const order = f.sort === 'priority' ? 'priority DESC, detected_at ASC, exception_id ASC' : 'detected_at ASC, exception_id ASC';
  const keyset =
    f.sort === 'priority'
      ? `(priority < {p:UInt8} OR (priority = {p:UInt8} AND (detected_at > {t:DateTime64(3)} OR (detected_at = {t:DateTime64(3)} AND exception_id > {id:String}))))`
      : `(detected_at > {t:DateTime64(3)} OR (detected_at = {t:DateTime64(3)} AND exception_id > {id:String}))`;
  const rs = await client.query({
    query: `SELECT * FROM exceptions_current FINAL
      WHERE (empty({status:Array(String)}) OR has({status:Array(String)}, status))
        AND (empty({type:Array(String)}) OR has({type:Array(String)}, type))
        AND (empty({severity:Array(String)}) OR has({severity:Array(String)}, severity))
        AND (empty({team:Array(String)}) OR has({team:Array(String)}, team))
        AND (empty({tier:Array(String)}) OR has({tier:Array(String)}, customer_tier))
        AND (empty({warehouse:Array(String)}) OR has({warehouse:Array(String)}, warehouse))
        AND (empty({customer:Array(String)}) OR has({customer:Array(String)}, customer_id))
        AND ({text:String} = '' OR positionCaseInsensitive(title, {text:String}) > 0 OR exception_id = {text:String}
             OR has(order_ids, {text:String}) OR customer_id = {text:String} OR sku = {text:String})
        AND ({hasCursor:UInt8} = 0 OR ${keyset})
      ORDER BY ${order}
      LIMIT {limit:UInt32}`,
    query_params: {
      status: f.status,
      type: f.type,
      severity: f.severity,
      team: f.team,
      tier: f.tier,
      warehouse: f.warehouse,
      customer: f.customer,
      text: f.text ?? '',
      hasCursor: f.after ? 1 : 0,
      p: f.after?.priority ?? 0,
      t: toChTime(f.after?.detectedAt ?? '1970-01-01T00:00:00.000Z'),
      id: f.after?.id ?? '',
      limit: f.limit,
    },
    format: 'JSONEachRow',
  });
  return (await rs.json<ExceptionRow>()).map(fromExceptionRow);
}
