// Audit search by exception, order, actor, kind and time, newest first, with typed parameters,
// each entry with its actor's display name.
import type { ClickHouseClient } from '@clickhouse/client';
import { fromChTime, toChTime } from '../store/eventRow.ts';

export type AuditQuery = { exceptionId?: string; orderId?: string; actor?: string; kind?: string; from?: string; to?: string; limit: number };

export type AuditRecord = {
  id: string;
  at: string;
  kind: string;
  actor: string;
  /** The user's username or the API key's name; empty for detectors and the system. */
  actorName: string;
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
    // The newest matches first, then the display name of each actor: a user's username or an
    // API key's name (their latest version); detectors and the system keep their id.
    // Columns named one by one: with two joins, a.* would come back as a.id, a.at, …
    query: `SELECT a.id AS id, a.at AS at, a.kind AS kind, a.actor AS actor, a.exception_id AS exception_id, a.order_ids AS order_ids,
        a.exception_version AS exception_version, a.action AS action, a.approval_id AS approval_id, a.outcome AS outcome,
        a.reason AS reason, a.model_version AS model_version, a.confidence AS confidence, a.data AS data,
        if(u.username != '', u.username, k.name) AS actor_name
      FROM (
        SELECT * FROM audit_log
        WHERE ({exceptionId:String} = '' OR exception_id = {exceptionId:String})
          AND ({orderId:String} = '' OR has(order_ids, {orderId:String}))
          AND ({actor:String} = '' OR actor = {actor:String})
          AND ({kind:String} = '' OR kind = {kind:String})
          AND at >= {from:DateTime64(3)} AND at <= {to:DateTime64(3)}
        ORDER BY at DESC, id DESC
        LIMIT {limit:UInt32}
      ) AS a
      LEFT JOIN (SELECT id, argMax(username, version) AS username FROM users GROUP BY id) AS u ON u.id = a.actor
      LEFT JOIN (SELECT id, argMax(name, version) AS name FROM api_keys GROUP BY id) AS k ON k.id = a.actor
      ORDER BY a.at DESC, a.id DESC
      SETTINGS join_use_nulls = 0`,
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
    actorName: String(r.actor_name ?? ''),
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
