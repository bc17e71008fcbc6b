// Records how actions turn out, for the recommendation ranking: a row when an action is
// executed, one when the exception it was taken on resolves (with the time it took), and
// one when it reopens. Fed from the book's change stream, so resolutions by the resolving
// event count as much as resolutions by the connector.
import type { ClickHouseClient } from '@clickhouse/client';
import type { Observable, Subscription } from 'rxjs';
import type { ExceptionRecord } from '../contracts/exception.ts';
import { toChTime } from '../store/eventRow.ts';
import { valueBand } from '../triage/outcomeStats.ts';
import { BatchWriter } from './batchWriter.ts';

type LastAction = { action: string; executedAt: string };
const EXECUTED = new Set(['action_executed', 'resolved_by_action', 'action_recorded']);

export class OutcomeRecorder {
  private readonly writer: BatchWriter<Record<string, unknown>>;
  constructor(client: ClickHouseClient) {
    this.writer = new BatchWriter((rows) => client.insert({ table: 'action_outcomes', values: rows, format: 'JSONEachRow' }).then(() => undefined));
  }

  follow(changes$: Observable<ExceptionRecord>): Subscription {
    return changes$.subscribe((x) => {
      for (const row of this.rowsFor(x)) void this.writer.write(row).catch(() => undefined);
    });
  }

  rowsFor(x: ExceptionRecord): Record<string, unknown>[] {
    const last = x.details.lastAction as LastAction | undefined;
    if (!last?.action || !last.executedAt) return [];
    const base = { exception_id: x.id, action: last.action, type: x.type, customer_tier: x.customerTier ?? '', team: x.team, value_band: valueBand(x.revenueAtRisk), executed_at: toChTime(last.executedAt), resolved_at: null, resolution_seconds: null, reopened: 0 };
    const rows: Record<string, unknown>[] = [];
    if (EXECUTED.has(x.change)) rows.push(base);
    if (x.status === 'resolved' && x.resolvedAt) {
      rows.push({ ...base, resolved_at: toChTime(x.resolvedAt), resolution_seconds: Math.max(0, (Date.parse(x.resolvedAt) - Date.parse(last.executedAt)) / 1000) });
    } else if (x.status === 'open') {
      // Acting moves an exception out of `open`, so an open one with a last action was
      // reopened; repeated rows are harmless (the ranking takes max(reopened) per exception).
      rows.push({ ...base, reopened: 1 });
    }
    return rows;
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }
}
