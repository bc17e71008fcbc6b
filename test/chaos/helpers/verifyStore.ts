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
  versionsTwice: { id: string; version: number; statuses: string[] }[];
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
    const versionsTwice = await rows<{ id: string; version: number; statuses: string[] }>('SELECT exception_id AS id, version, groupArray(status) AS statuses FROM exception_log GROUP BY id, version HAVING count() > 1 ORDER BY id, version LIMIT 100');
    const gaps = await rows<{ id: string }>('SELECT exception_id AS id FROM exception_log GROUP BY id HAVING max(version) != uniqExact(version) OR min(version) != 1 LIMIT 100');
    const staleCurrent = await rows<{ id: string }>(
      `SELECT l.id AS id FROM (SELECT exception_id AS id, max(version) AS v FROM exception_log GROUP BY id) AS l
       LEFT JOIN (SELECT exception_id AS id, version AS v FROM exceptions_current FINAL) AS c ON l.id = c.id
       WHERE c.v != l.v LIMIT 100`,
    );
    return {
      exceptions: Number(totals.ids),
      logRows: Number(totals.n),
      versionsTwice: versionsTwice.map((r) => ({ id: r.id, version: Number(r.version), statuses: r.statuses })),
      gaps: gaps.map((r) => r.id),
      staleCurrent: staleCurrent.map((r) => r.id),
    };
  } finally {
    await store.close();
  }
}
