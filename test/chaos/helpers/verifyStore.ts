// Final verification straight on the data directory with the embedded engine, after the
// server process has exited (one process per data directory).
import { loadConfig } from '../../../server/config.ts';
import { openStore } from '../../../server/store/client.ts';

export type EventTotals = { rows: number; distinctIds: number; duplicated: { id: string; copies: number }[] };
export type StoreAudit = EventTotals & { ids: Set<string> };

/** Row and id counts of the stored events, and the first ids stored more than once. */
export async function eventTotals(dataDir: string): Promise<EventTotals> {
  return withStore(dataDir, async (client) => {
    const totals = await (await client.query({ query: 'SELECT count() AS rows, uniqExact(id) AS ids FROM events', format: 'JSONEachRow' })).json<{ rows: string; ids: string }>();
    const duplicated = await (
      await client.query({ query: 'SELECT id, count() AS copies FROM events GROUP BY id HAVING copies > 1 ORDER BY id LIMIT 100', format: 'JSONEachRow' })
    ).json<{ id: string; copies: string }>();
    return { rows: Number(totals[0].rows), distinctIds: Number(totals[0].ids), duplicated: duplicated.map((d) => ({ id: d.id, copies: Number(d.copies) })) };
  });
}

/** eventTotals plus every stored id (for runs small enough to hold them in a Set). */
export async function auditEvents(dataDir: string): Promise<StoreAudit> {
  const totals = await eventTotals(dataDir);
  const ids = await withStore(dataDir, async (client) => (await client.query({ query: 'SELECT id FROM events', format: 'JSONCompactEachRow' })).json<[string]>());
  return { ...totals, ids: new Set(ids.map((r) => r[0])) };
}

async function withStore<T>(dataDir: string, work: (client: Awaited<ReturnType<typeof openStore>>['client']) => Promise<T>): Promise<T> {
  const store = await openStore(loadConfig({}, { dataDir, logLevel: 'silent' }));
  try {
    return await work(store.client);
  } finally {
    await store.close();
  }
}

export type ExceptionAudit = {
  exceptions: number;
  logRows: number;
  /** (exception, version) written more than once: a commit applied twice. */
  versionsTwice: { id: string; version: number; statuses: string[]; changes: string[]; type: string }[];
  /** Exceptions whose versions are not 1..n without gaps. */
  gaps: string[];
  /** Exceptions whose current row is not their latest logged version. */
  staleCurrent: string[];
};

/** Exception state consistency: every version committed once, in order, and current = latest. */
export async function auditExceptions(dataDir: string): Promise<ExceptionAudit> {
  const store = await openStore(loadConfig({}, { dataDir, logLevel: 'silent' }));
  const rows = async <T>(query: string) => (await store.client.query({ query, format: 'JSONEachRow' })).json<T>();
  try {
    const [totals] = await rows<{ ids: string; n: string }>('SELECT uniqExact(exception_id) AS ids, count() AS n FROM exception_log');
    const versionsTwice = await rows<{ id: string; version: number; statuses: string[]; changes: string[]; type: string }>('SELECT exception_id AS id, version, groupArray(status) AS statuses, groupArray(change) AS changes, any(type) AS type FROM exception_log GROUP BY id, version HAVING count() > 1 ORDER BY id, version LIMIT 100');
    const gaps = await rows<{ id: string }>('SELECT exception_id AS id FROM exception_log GROUP BY id HAVING max(version) != uniqExact(version) OR min(version) != 1 LIMIT 100');
    const staleCurrent = await rows<{ id: string }>(
      `SELECT l.id AS id FROM (SELECT exception_id AS id, max(version) AS v FROM exception_log GROUP BY id) AS l
       LEFT JOIN (SELECT exception_id AS id, version AS v FROM exceptions_current FINAL) AS c ON l.id = c.id
       WHERE c.v != l.v LIMIT 100`,
    );
    return {
      exceptions: Number(totals.ids),
      logRows: Number(totals.n),
      versionsTwice: versionsTwice.map((r) => ({ id: r.id, version: Number(r.version), statuses: r.statuses, changes: r.changes, type: r.type })),
      gaps: gaps.map((r) => r.id),
      staleCurrent: staleCurrent.map((r) => r.id),
    };
  } finally {
    await store.close();
  }
}

export type ActionAudit = {
  /** Exceptions whose current version still says an action is being sent (nothing will finish it). */
  stuckSending: string[];
  /** Deliveries whose latest state is neither succeeded nor cancelled (sending: cut off and never resumed; dead letters). */
  unfinishedDeliveries: { id: string; exceptionId: string; status: string }[];
  /** Deliveries per tower idempotency key: more than one means the same request was started twice. */
  deliveriesPerKey: Map<string, number>;
  /**
   * Each exception's action history as logged, in version order: an action started under a
   * delivery key, an action's outcome recorded (resolving the exception or not), reopened.
   */
  actionHistory: Map<string, ({ kind: 'started'; key: string } | { kind: 'finished'; resolved: boolean } | { kind: 'reopened' })[]>;
};

/** What the tower itself recorded about actions and connector deliveries. */
export async function auditActions(dataDir: string): Promise<ActionAudit> {
  const store = await openStore(loadConfig({}, { dataDir, logLevel: 'silent' }));
  const rows = async <T>(query: string) => (await store.client.query({ query, format: 'JSONEachRow' })).json<T>();
  try {
    const stuck = await rows<{ id: string }>(`SELECT exception_id AS id FROM exceptions_current FINAL WHERE JSONExtractString(details, 'execution', 'status') = 'sending'`);
    const unfinished = await rows<{ id: string; exceptionId: string; status: string }>(`SELECT id, exception_id AS exceptionId, status FROM connector_deliveries FINAL WHERE status NOT IN ('succeeded', 'cancelled')`);
    const perKey = await rows<{ key: string; n: string }>('SELECT idempotency_key AS key, uniqExact(id) AS n FROM connector_deliveries GROUP BY key');
    const steps = await rows<{ id: string; change: string; status: string; version: number; key: string }>(
      `SELECT exception_id AS id, change, status, version, JSONExtractString(details, 'execution', 'idempotencyKey') AS key FROM exception_log
       WHERE change IN ('action_started', 'resolved_by_action', 'action_executed', 'execution_failed', 'reopened') ORDER BY id, version`,
    );
    const actionHistory: ActionAudit['actionHistory'] = new Map();
    for (const r of steps) {
      const list = actionHistory.get(r.id) ?? [];
      list.push(r.change === 'action_started' ? { kind: 'started', key: r.key } : r.change === 'reopened' ? { kind: 'reopened' } : { kind: 'finished', resolved: r.change === 'resolved_by_action' });
      actionHistory.set(r.id, list);
    }
    return {
      actionHistory,
      stuckSending: stuck.map((r) => r.id),
      unfinishedDeliveries: unfinished,
      deliveriesPerKey: new Map(perKey.map((r) => [r.key, Number(r.n)])),
    };
  } finally {
    await store.close();
  }
}
