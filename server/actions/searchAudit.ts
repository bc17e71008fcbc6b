// Audit search by exception, order, actor, kind and time, newest first, with typed parameters.
import type { ClickHouseClient } from '@clickhouse/client';
import { fromChTime, toChTime } from '../store/eventRow.ts';

export type AuditQuery = { exceptionId?: string; orderId?: string; actor?: string; kind?: string; from?: string; to?: string; limit: number };

export type AuditRecord = {
  id: string;
  at: string;
  kind: string;
  actor: string;
  exceptionId: string;
  orderIds: string[];
  exceptionVersion: number;
  action: string;
  approvalId: string;
  outcome: string;
  reason: string;
  modelVersion: string;
  confidence: number;
  data: unknown;
};

export async function searchAudit(client: ClickHouseClient, q: AuditQuery): Promise<AuditRecord[]> {
  const rs = await client.query({
    query: `SELECT * FROM audit_log
      WHERE ({exceptionId:String} = '' OR exception_id = {exceptionId:String})
        AND ({orderId:String} = '' OR has(order_ids, {orderId:String}))
        AND ({actor:String} = '' OR actor = {actor:String})
        AND ({kind:String} = '' OR kind = {kind:String})
        AND at >= {from:DateTime64(3)} AND at <= {to:DateTime64(3)}
      ORDER BY at DESC, id DESC
      LIMIT {limit:UInt32}`,
    query_params: {
      exceptionId: q.exceptionId ?? '',
      orderId: q.orderId ?? '',
      actor: q.actor ?? '',
      kind: q.kind ?? '',
      from: toChTime(q.from ?? '1970-01-01T00:00:00.000Z'),
      to: toChTime(q.to ?? '2999-12-31T00:00:00.000Z'),
      limit: q.limit,
    },
    format: 'JSONEachRow',
  });
  return (await rs.json<Record<string, unknown>>()).map((r) => ({
    id: String(r.id),
    at: fromChTime(String(r.at)),
    kind: String(r.kind),
    actor: String(r.actor),
    exceptionId: String(r.exception_id),
    orderIds: r.order_ids as string[],
    exceptionVersion: Number(r.exception_version),
    action: String(r.action),
    approvalId: String(r.approval_id),
    outcome: String(r.outcome),
    reason: String(r.reason),
    modelVersion: String(r.model_version),
    confidence: Number(r.confidence),
    data: r.data ? JSON.parse(String(r.data)) : null,
  }));
}
