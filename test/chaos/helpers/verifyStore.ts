// Final verification straight on the data directory with the embedded engine, after the
// server process has exited (one process per data directory).
import { loadConfig } from '../../../server/config.ts';
import { openStore } from '../../../server/store/client.ts';

export type StoreAudit = { rows: number; distinctIds: number; duplicated: { id: string; copies: number }[]; ids: Set<string> };

export async function auditEvents(dataDir: string): Promise<StoreAudit> {
  const store = await openStore(loadConfig({}, { dataDir, logLevel: 'silent' }));
  try {
    const totals = await (await store.client.query({ query: 'SELECT count() AS rows, uniqExact(id) AS ids FROM events', format: 'JSONEachRow' })).json<{ rows: string; ids: string }>();
    const duplicated = await (
      await store.client.query({ query: 'SELECT id, count() AS copies FROM events GROUP BY id HAVING copies > 1 ORDER BY id LIMIT 100', format: 'JSONEachRow' })
    ).json<{ id: string; copies: string }>();
    const ids = await (await store.client.query({ query: 'SELECT id FROM events', format: 'JSONCompactEachRow' })).json<[string]>();
    return {
      rows: Number(totals[0].rows),
      distinctIds: Number(totals[0].ids),
      duplicated: duplicated.map((d) => ({ id: d.id, copies: Number(d.copies) })),
      ids: new Set(ids.map((r) => r[0])),
    };
  } finally {
    await store.close();
  }
}
