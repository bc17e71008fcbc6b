// Migration 044 reads the attrs of order.created once instead of in four views: the facts those
// views record must not change. The same events go through the views before and after it, and
// every table they fill must come out the same.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatedEvents } from '../../bench/lib/simulatedEvents.ts';
import { loadConfig } from '../../server/config.ts';
import { validateEvent, type CtEvent } from '../../server/events/schema.ts';
import { toEventRow } from '../../server/store/eventRow.ts';
import { insertEvents } from '../../server/store/insertEvents.ts';
import { migrate, readMigrations } from '../../server/store/migrate.ts';
import { openStore, type Store } from '../../server/store/client.ts';

const FILLED = ['order_facts', 'order_line_facts', 'order_moments', 'fulfilment_minute', 'fulfilment_hour'];

const SNAPSHOTS: Record<string, string> = {
  order_facts: `SELECT order_id, min(created_at), min(due_at), max(customer_id), max(customer_tier), max(warehouse), max(line_count), max(order_value),
                       min(cancelled_at), max(delivered_at), min(invoiced_at), sum(invoiced_amount), max(invoiced_has_amount), min(first_ship)
                FROM order_facts GROUP BY order_id ORDER BY order_id`,
  order_line_facts: `SELECT order_id, line_id, max(ordered_qty), max(unit_price), min(due_at), max(backordered), sum(shipped_qty), min(first_ship)
                     FROM order_line_facts GROUP BY order_id, line_id ORDER BY order_id, line_id`,
  order_moments: 'SELECT at, order_id, count() FROM order_moments GROUP BY at, order_id ORDER BY at, order_id',
  // Sums of floats are rounded: their last bits depend on the order rows are merged in, before and after alike.
  fulfilment_minute: `SELECT bucket, warehouse, carrier, sum(orders_created), sum(lines_ordered), round(sum(units_ordered), 6), round(sum(value_ordered), 6),
                             sum(shipments), round(sum(units_shipped), 6), sum(deliveries), sum(invoices), sum(lines_backordered), sum(cancellations)
                      FROM fulfilment_minute GROUP BY ALL ORDER BY ALL`,
  fulfilment_hour: `SELECT bucket, warehouse, carrier, sum(orders_created), sum(lines_ordered), round(sum(units_ordered), 6), round(sum(value_ordered), 6),
                           sum(shipments), round(sum(units_shipped), 6), sum(deliveries), sum(invoices), sum(lines_backordered), sum(cancellations)
                    FROM fulfilment_hour GROUP BY ALL ORDER BY ALL`,
};

/** Orders the simulator does not make: a promise with a time of day, a line without a price, a second line with extra fields. */
const unusual = [
  { id: 'odd-1', ts: '2026-11-03T10:00:00.000Z', source: 'erp', type: 'order.created', orderId: 'X1', customerId: 'C1', warehouse: 'W1', carrier: 'UPS',
    attrs: { promisedShipDate: '2026-11-05T12:30:00Z', customerTier: 'A', lines: [{ lineId: '1', sku: 'S', qty: 3 }, { lineId: '2', sku: 'T', qty: 2.5, unitPrice: 0.1, uom: 'EA', note: 'x' }] } },
  { id: 'odd-2', ts: '2026-11-03T10:00:00.000Z', source: 'erp', type: 'order.created', orderId: 'X2', customerId: 'C1', attrs: { requestedShipDate: '2026-11-06', lines: [{ lineId: 'a', sku: 'S', qty: 0 }] } },
  { id: 'odd-3', ts: '2026-11-03T11:00:00.000Z', source: 'erp', type: 'order.created', orderId: 'X3', customerId: 'C2', attrs: { lines: [{ lineId: 'a', sku: 'S', qty: 1, unitPrice: 9 }] } },
].map((e) => {
  const result = validateEvent(e);
  if (!result.ok) throw new Error(result.error);
  return result.event;
});

let store: Store;
let events: CtEvent[];

const snapshot = async () => {
  const out: Record<string, unknown> = {};
  for (const [table, query] of Object.entries(SNAPSHOTS)) out[table] = await (await store.client.query({ query, format: 'JSONCompactEachRow' })).json();
  return out;
};
const insertAll = async () => {
  const rows = events.map((e) => toEventRow(e, '2026-11-26T00:00:00.000Z'));
  for (let i = 0; i < rows.length; i += 2500) await insertEvents(store.client, rows.slice(i, i + 2500));
};

beforeAll(async () => {
  store = await openStore(loadConfig({}, { dataDir: mkdtempSync(join(tmpdir(), 'kpi-intake-views-')) }));
  events = [...simulatedEvents(12_000, 3), ...unusual];
}, 60_000);
afterAll(async () => store?.close());

describe('migration 044 (order intake views read attrs once)', () => {
  it('records the same order facts, line facts, moments and fulfilment rollups as the views before it', async () => {
    await migrate(store.client, readMigrations().filter((m) => m.version < 44));
    await insertAll();
    const before = await snapshot();
    for (const table of FILLED) await store.client.command({ query: `TRUNCATE TABLE ${table}` });
    await migrate(store.client);
    await insertAll();
    const after = await snapshot();
    expect((before.order_line_facts as unknown[]).length).toBeGreaterThan(1000);
    for (const table of FILLED) expect({ table, rows: after[table] }).toEqual({ table, rows: before[table] });
  }, 180_000);
});
