// Pending and decided approvals, in memory and written through to ClickHouse (021_actions.sql).
import type { ClickHouseClient } from '@clickhouse/client';
import { fromChTime, toChTime } from '../store/eventRow.ts';
import type { Role } from '../auth/roles.ts';

export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'cancelled';
export type Approval = {
  id: string;
  version: number;
  exceptionId: string;
  action: string;
  params: Record<string, string | number | boolean | null>;
  comment: string;
  requestedBy: string;
  requestedAt: string;
  requiredRole: Role;
  status: ApprovalStatus;
  decidedBy?: string;
  decidedAt?: string;
  reason?: string;
};

const toRow = (a: Approval) => ({
  id: a.id,
  version: a.version,
  exception_id: a.exceptionId,
  action: a.action,
  params: JSON.stringify(a.params),
  comment: a.comment,
  requested_by: a.requestedBy,
  requested_at: toChTime(a.requestedAt),
  required_role: a.requiredRole,
  status: a.status,
  decided_by: a.decidedBy ?? '',
  decided_at: a.decidedAt ? toChTime(a.decidedAt) : null,
  reason: a.reason ?? '',
});

const fromRow = (r: Record<string, unknown>): Approval => ({
  id: String(r.id),
  version: Number(r.version),
  exceptionId: String(r.exception_id),
  action: String(r.action),
  params: JSON.parse(String(r.params)),
  comment: String(r.comment),
  requestedBy: String(r.requested_by),
  requestedAt: fromChTime(String(r.requested_at)),
  requiredRole: r.required_role as Role,
  status: r.status as ApprovalStatus,
  decidedBy: r.decided_by ? String(r.decided_by) : undefined,
  decidedAt: r.decided_at ? fromChTime(String(r.decided_at)) : undefined,
  reason: r.reason ? String(r.reason) : undefined,
});

export class ApprovalStore {
  private readonly byId = new Map<string, Approval>();
  private constructor(private readonly client: ClickHouseClient) {}

  static async open(client: ClickHouseClient): Promise<ApprovalStore> {
    const store = new ApprovalStore(client);
    const rs = await client.query({ query: 'SELECT * FROM approvals FINAL', format: 'JSONEachRow' });
    for (const r of await rs.json<Record<string, unknown>>()) store.byId.set(String(r.id), fromRow(r));
    return store;
  }

  get(id: string) {
    return this.byId.get(id);
  }

  list(filter: { status?: ApprovalStatus; exceptionId?: string } = {}): Approval[] {
    return [...this.byId.values()]
      .filter((a) => (!filter.status || a.status === filter.status) && (!filter.exceptionId || a.exceptionId === filter.exceptionId))
      .sort((a, b) => b.requestedAt.localeCompare(a.requestedAt));
  }

  pendingFor(exceptionId: string): Approval | undefined {
    return this.list({ status: 'pending', exceptionId })[0];
  }

  async save(a: Approval): Promise<Approval> {
    await this.client.insert({ table: 'approvals', values: [toRow(a)], format: 'JSONEachRow' });
    this.byId.set(a.id, a);
    return a;
  }
}
