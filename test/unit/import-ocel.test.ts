import { createReadStream, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ImportResult } from '../../server/ingest/importResult.ts';
import { loadMapping, parseMapping, type MappingFile } from '../../server/ingest/mappingFile.ts';
import { importOcel } from '../../server/ingest/ocel/ocelAdapter.ts';

const fixture = (name: string) => new URL(`../fixtures/import/${name}`, import.meta.url).pathname;

async function collect(results: AsyncIterable<ImportResult>) {
  const all = [];
  for await (const result of results) all.push('event' in result ? { event: { ...result.event, id: result.event.id.replace(/:[0-9a-f]{20}$/, '') } } : result);
  return all;
}

const base = { source: 'erp' };
/** What the order-management story must produce, whatever the OCEL flavour (JSON logs carry item attributes). */
const STORY = [
  { event: { ...base, id: 'ocel:e1', ts: '2024-03-15T08:00:00.000Z', type: 'order.created', orderId: 'o1', customerId: 'c1',
    attrs: { channel: 'ecom', lines: [{ lineId: 'i1', sku: 'WID-100', qty: 10, unitPrice: 12.5 }, { lineId: 'i2', sku: 'GAD-200', qty: 4, unitPrice: 30 }] } } },
  { event: { ...base, id: 'ocel:e3', ts: '2024-03-15T08:10:00.000Z', type: 'order.credit_checked', orderId: 'o1', customerId: 'c1', attrs: { result: 'hold' } } },
  { event: { ...base, id: 'ocel:e4', ts: '2024-03-15T09:00:00.000Z', type: 'order.created', orderId: 'o2', customerId: 'c2',
    attrs: { channel: 'ecom', lines: [{ lineId: 'i3', sku: 'WID-100', qty: 5, unitPrice: 12 }] } } },
  { event: { ...base, id: 'ocel:e5', ts: '2024-03-16T10:00:00.000Z', type: 'pick.completed', orderId: 'o1', lineId: 'i1', customerId: 'c1', sku: 'WID-100', warehouse: 'wh1', attrs: { qtyPicked: 10 } } },
  { event: { ...base, id: 'ocel:e6', ts: '2024-03-16T10:05:00.000Z', type: 'pick.short', orderId: 'o1', lineId: 'i2', customerId: 'c1', sku: 'GAD-200', warehouse: 'wh1', attrs: { qtyPicked: 0, qtyShort: 4 } } },
  { event: { ...base, id: 'ocel:e7', ts: '2024-03-16T10:10:00.000Z', type: 'pick.completed', orderId: 'o2', lineId: 'i3', customerId: 'c2', sku: 'WID-100', warehouse: 'wh1', attrs: { qtyPicked: 5 } } },
  { event: { ...base, id: 'ocel:e8:1', ts: '2024-03-17T07:30:00.000Z', type: 'shipment.created', orderId: 'o1', customerId: 'c1', warehouse: 'wh1', carrier: 'UPSN', shipmentId: 'p1', attrs: { lines: [{ lineId: 'i1', qty: 10 }] } } },
  { event: { ...base, id: 'ocel:e8:2', ts: '2024-03-17T07:30:00.000Z', type: 'shipment.created', orderId: 'o2', customerId: 'c2', warehouse: 'wh1', carrier: 'UPSN', shipmentId: 'p1', attrs: { lines: [{ lineId: 'i3', qty: 5 }] } } },
  { event: { ...base, id: 'ocel:e9', ts: '2024-03-18T15:00:00.000Z', type: 'shipment.status', warehouse: 'wh1', carrier: 'UPSN', shipmentId: 'p1', attrs: { status: 'delivered' } } },
  { event: { ...base, id: 'ocel:e10', ts: '2024-03-19T12:00:00.000Z', type: 'payment.received', orderId: 'o1', customerId: 'c1', amount: 125, currency: 'EUR', attrs: {} } },
  { error: { where: 'event e11', reason: "activity 'reorder item' is not in ocel.activities" } },
  { error: { where: 'event e12', reason: 'names no order, and none of its objects (WID-100, wh1) is linked to an order by an earlier event or a relation' } },
];

describe('importOcel', () => {
  let mapping: MappingFile;
  beforeAll(async () => {
    mapping = await loadMapping(fixture('ocel.mapping.yaml'));
  });

  it('maps an OCEL 1.0 JSON log in time order, resolving items to their orders through earlier events', async () => {
    expect(await collect(importOcel(createReadStream(fixture('ocel1-orders.json')), mapping))).toEqual(STORY);
  });

  it('maps the same story from OCEL 2.0 JSON and resolves an item through an order → item relation', async () => {
    const results = await collect(importOcel(readFileSync(fixture('ocel2-orders.json'), 'utf8'), mapping));
    expect(results).toEqual([
      ...STORY,
      { event: { ...base, id: 'ocel:e13', ts: '2024-03-19T15:00:00.000Z', type: 'pick.completed', orderId: 'o3', lineId: 'i4', sku: 'GAD-200', warehouse: 'wh1', attrs: { qtyPicked: 2 } } },
    ]);
  });

  it('streams the flattened OCEL 1.0 CSV, where objects have no attributes', async () => {
    const results = await collect(importOcel(createReadStream(fixture('ocel1-orders.csv')), mapping, { format: 'csv' }));
    const where = (line: number, id: string) => `line ${line} (event ${id})`;
    expect(results.map((result) => ('event' in result ? [result.event.id, result.event.type, result.event.orderId ?? null] : [result.error.where, result.error.reason]))).toEqual([
      ['ocel:e1', 'order.created', 'o1'],
      ['ocel:e3', 'order.credit_checked', 'o1'],
      ['ocel:e4', 'order.created', 'o2'],
      ['ocel:e5', 'pick.completed', 'o1'],
      ['ocel:e6', 'pick.short', 'o1'],
      ['ocel:e7', 'pick.completed', 'o2'],
      ['ocel:e8:1', 'shipment.created', 'o1'],
      ['ocel:e8:2', 'shipment.created', 'o2'],
      ['ocel:e9', 'shipment.status', null],
      ['ocel:e10', 'payment.received', 'o1'],
      [where(13, 'e11'), "activity 'reorder item' is not in ocel.activities"],
      [where(14, 'e12'), 'names no order, and none of its objects (wh1, WID-100) is linked to an order by an earlier event or a relation'],
      ['line 15', 'expected 13 fields, found 3'],
    ]);
    const first = results[0] as { event: { attrs: unknown } };
    expect(first.event.attrs).toEqual({ channel: 'ecom', lines: [{ lineId: 'i1', sku: 'WID-100', qty: 1 }] });
    const short = results[4] as { event: { sku: string; lineId: string } };
    expect([short.event.lineId, short.event.sku]).toEqual(['i2', 'GAD-200']);
  });

  it('rejects a mapping without an order object type or with an unknown event type, naming the key', () => {
    expect(() => parseMapping({ ocel: { objectTypes: { item: 'lineId' }, activities: { 'place order': 'order.created' } } })).toThrow(
      'mapping: ocel.objectTypes: one object type must map to orderId',
    );
    expect(() => parseMapping({ ocel: { objectTypes: { order: 'orderId' }, activities: { x: 'order.sent' } } })).toThrow(
      "mapping: ocel.activities.x: must be 'ignore', an event type, or { type, fields, attrs, line }",
    );
  });
});
