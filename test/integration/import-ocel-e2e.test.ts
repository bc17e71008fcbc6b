// End to end: an OCEL log through `import --data` into the embedded store (real chDB, real
// pipeline with event-id dedupe). The lead extends this to exceptions and KPIs once detectors land.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { importCommand } from '../../server/cli/import.ts';
import { loadConfig } from '../../server/config.ts';
import { openStore } from '../../server/store/client.ts';

const fixture = (name: string) => new URL(`../fixtures/import/${name}`, import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), 'ct-import-e2e-'));

async function importFile(args: string[]) {
  const out = new PassThrough();
  let stdout = '';
  out.on('data', (chunk) => (stdout += chunk));
  process.exitCode = 0;
  await importCommand({ out }).parseAsync([...args, '--data', dataDir, '--database', 'import_e2e'], { from: 'user' });
  process.exitCode = 0;
  return stdout;
}

describe('import of an OCEL log into the embedded store', () => {
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('stores the events the log must produce, with their historical times, once', async () => {
    const first = await importFile([fixture('ocel2-orders.json'), '--format', 'ocel', '--mapping', fixture('ocel.mapping.yaml')]);
    expect(first).toMatch(/11 events read, 11 accepted, 0 duplicates, 2 rejected/);
    const again = await importFile([fixture('ocel2-orders.json'), '--format', 'ocel', '--mapping', fixture('ocel.mapping.yaml')]);
    expect(again).toMatch(/11 events read, 0 accepted, 11 duplicates, 2 rejected/);

    const store = await openStore(loadConfig({}, { dataDir, database: 'import_e2e' }));
    try {
      const rows = await (await store.client.query({
        query: 'SELECT type, order_id, shipment_id, sku, toString(ts) AS ts FROM events ORDER BY ts, id',
        format: 'JSONEachRow',
      })).json<{ type: string; order_id: string; shipment_id: string; sku: string; ts: string }>();
      expect(rows.map((row) => [row.type, row.order_id, row.shipment_id, row.sku, row.ts])).toEqual([
        ['order.created', 'o1', '', '', '2024-03-15 08:00:00.000'],
        ['order.credit_checked', 'o1', '', '', '2024-03-15 08:10:00.000'],
        ['order.created', 'o2', '', '', '2024-03-15 09:00:00.000'],
        ['pick.completed', 'o1', '', 'WID-100', '2024-03-16 10:00:00.000'],
        ['pick.short', 'o1', '', 'GAD-200', '2024-03-16 10:05:00.000'],
        ['pick.completed', 'o2', '', 'WID-100', '2024-03-16 10:10:00.000'],
        ['shipment.created', 'o1', 'p1', '', '2024-03-17 07:30:00.000'],
        ['shipment.created', 'o2', 'p1', '', '2024-03-17 07:30:00.000'],
        ['shipment.status', '', 'p1', '', '2024-03-18 15:00:00.000'],
        ['payment.received', 'o1', '', '', '2024-03-19 12:00:00.000'],
        ['pick.completed', 'o3', '', 'GAD-200', '2024-03-19 15:00:00.000'],
      ]);
    } finally {
      await store.close();
    }
  });
});
