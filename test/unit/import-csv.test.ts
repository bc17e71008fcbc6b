import { createReadStream, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importCsv } from '../../server/ingest/csv/csvAdapter.ts';
import type { ImportResult } from '../../server/ingest/importResult.ts';
import { loadMapping, MappingError, parseMapping } from '../../server/ingest/mappingFile.ts';

const fixture = (name: string) => new URL(`../fixtures/import/${name}`, import.meta.url).pathname;

async function collect(results: AsyncIterable<ImportResult>) {
  const all: ImportResult[] = [];
  for await (const result of results) all.push(result);
  return all.map((result) => ('event' in result ? { event: { ...result.event, id: result.event.id.replace(/:[0-9a-f]{20}$/, ':#') } } : result));
}

describe('importCsv with an ERP order export (record types, code maps, split date/time, decimal commas)', () => {
  it('produces the exact events and reports each bad row with its line and reason', async () => {
    const mapping = await loadMapping(fixture('erp-orders.mapping.yaml'));
    const results = await collect(importCsv(createReadStream(fixture('erp-order-items.csv')), mapping));
    expect(results).toEqual([
      { event: {
        id: 'csv:ITEM:order.created:4500001:#', ts: '2024-03-15T07:30:15.000Z', source: 'erp', type: 'order.created',
        orderId: '4500001', customerId: 'C-1001', currency: 'EUR',
        attrs: {
          channel: 'csr', requestedShipDate: '2024-03-20',
          lines: [{ lineId: '10', sku: 'WID-100', qty: 10, unitPrice: 12.5 }, { lineId: '20', sku: 'GAD-200', qty: 1200, unitPrice: 3.1 }],
        },
      } },
      { event: {
        id: 'csv:HOLD:order.held:4500001:#', ts: '2024-03-15T07:35:00.000Z', source: 'erp', type: 'order.held',
        orderId: '4500001', customerId: 'C-1001', attrs: { holdCode: 'credit' },
      } },
      { error: { where: 'line 5', reason: "columns ERDAT/ERZET: '31.02.2024 090000' is not a valid date/time" } },
      { error: { where: 'line 6', reason: "column KWMENG: 'abc' is not a number" } },
      { error: { where: 'line 7', reason: 'expected 12 fields, found 10' } },
      { error: { where: 'line 8', reason: "column SPERR: code 'ZZ' is not in the mapping's map" } },
      { error: { where: 'line 11', reason: "record type 'PRICE' (column REC) is not one of records: ITEM, HOLD" } },
      { error: { where: 'lines 9-10', reason: 'attrs.lines[0].unitPrice: Too small: expected number to be >=0' } },
    ]);
  });

  it('gives the same ids when the same export is imported again', async () => {
    const mapping = await loadMapping(fixture('erp-orders.mapping.yaml'));
    const ids = async () => {
      const out: string[] = [];
      for await (const result of importCsv(readFileSync(fixture('erp-order-items.csv'), 'utf8'), mapping)) if ('event' in result) out.push(result.event.id);
      return out;
    };
    const first = await ids();
    expect(first).toHaveLength(2);
    expect(await ids()).toEqual(first);
  });

  it('stops before reading rows when the mapping names a column the file does not have', async () => {
    const mapping = await loadMapping(fixture('erp-orders.mapping.yaml'));
    const text = readFileSync(fixture('erp-order-items.csv'), 'utf8').replace('KWMENG', 'MENGE');
    await expect(collect(importCsv(text, mapping))).rejects.toThrow(
      "mapping names columns the file header does not have — csv.records.ITEM: column 'KWMENG' (header: REC, VBELN, POSNR, KUNNR, MATNR, MENGE, NETPR, WAERK, ERDAT, ERZET, EDATU, SPERR)",
    );
  });
});

describe('importCsv with unreadable CSV', () => {
  it('reports a record with a stray quote at its line, in file order, and reads on', async () => {
    const mapping = parseMapping({ csv: { records: { hold: { kind: 'event', type: 'order.held', time: 't', fields: { orderId: 'o' }, attrs: { holdCode: { value: 'credit' } } } } } });
    const csv = 'o,t\n1,2024-01-01T00:00:00Z\n2"x,2024-01-01T00:00:00Z\n3,2024-01-01T00:00:00+01:00\n';
    const results = await collect(importCsv(csv, mapping));
    expect(results.map((result) => ('event' in result ? [result.event.orderId, result.event.ts] : result))).toEqual([
      ['1', '2024-01-01T00:00:00.000Z'],
      { error: { where: 'line 3', reason: 'unreadable CSV: Invalid Opening Quote: a quote is found on field 0 at line 3, value is "2"' } },
      ['3', '2023-12-31T23:00:00.000Z'],
    ]);
  });
});

describe('importCsv with document-flow links (VBFA-like TSV)', () => {
  it('derives shipments and invoices from order → delivery → invoice links', async () => {
    const mapping = await loadMapping(fixture('erp-docflow.mapping.json'));
    const results = await collect(importCsv(createReadStream(fixture('erp-docflow.tsv')), mapping));
    expect(results).toEqual([
      { event: {
        id: 'csv:flow:shipment.created:4500001:#', ts: '2024-03-18T13:15:00.000Z', source: 'erp', type: 'shipment.created',
        orderId: '4500001', shipmentId: '80001', attrs: { lines: [{ lineId: '000010', qty: 10 }, { lineId: '000020', qty: 1200 }] },
      } },
      { error: { where: 'line 7', reason: 'delivery 80077 has no earlier order → delivery link in this file' } },
      { event: {
        id: 'csv:flow:order.invoiced:4500001:#', ts: '2024-03-19T08:00:00.000Z', source: 'erp', type: 'order.invoiced',
        orderId: '4500001', qty: 1210, amount: 3845, currency: 'EUR', attrs: { invoiceNumber: '90000001', deliveryId: '80001', lineCount: 2 },
      } },
      { error: { where: 'line 9', reason: 'link order → order is not a supported document flow (order → delivery, delivery → invoice, order → invoice)' } },
      { error: { where: 'line 10', reason: "column VBTYP_N: code 'Q' is not in the mapping's map" } },
      { event: {
        id: 'csv:flow:order.invoiced:4500004:#', ts: '2024-03-20T09:00:00.000Z', source: 'erp', type: 'order.invoiced',
        orderId: '4500004', qty: 2, amount: 60, currency: 'EUR', attrs: { invoiceNumber: '90000003', lineCount: 1 },
      } },
    ]);
  });
});

describe('mapping file validation', () => {
  it('names every wrong mapping key', async () => {
    await expect(loadMapping(fixture('bad.mapping.yaml'))).rejects.toThrow(MappingError);
    await expect(loadMapping(fixture('bad.mapping.yaml'))).rejects.toThrow(new RegExp([
      'timezone: unknown time zone',
      'csv\\.delimiter: must be one character',
      'csv\\.records\\.ITEM\\.type: must be an event type \\(order\\.created,',
      'csv\\.records\\.ITEM\\.time\\.dateFormat: dateFormat is required with time',
      'csv\\.records\\.ITEM\\.fields\\.orderId: Unrecognized key: "colum"',
      'csv\\.records\\.ITEM\\.fields: Unrecognized key: "ordrId"',
    ].join('.*')));
  });

  it('rejects an unknown date format token set and a missing recordType', () => {
    expect(() => parseMapping({ csv: { records: { a: { kind: 'event', type: 'order.held', time: { date: 'd', dateFormat: 'qq' } }, b: { kind: 'event', type: 'order.held', time: 'd' } } } }))
      .toThrow('mapping: csv.records.a.time.dateFormat: not a date/time format (use tokens yyyy, yy, MM, dd, HH, mm, ss, SSS); csv.recordType: required when there are several records (a, b)');
  });

  it('reads ISO times with offsets, local ISO times in the mapping zone, across a DST change', async () => {
    const mapping = parseMapping({
      timezone: 'Europe/Berlin',
      csv: { records: { snap: { kind: 'event', type: 'inventory.snapshot', time: 'ts', fields: { sku: 'sku', warehouse: { value: 'WH1' } }, attrs: { system: { value: 'wms' }, onHand: { column: 'n', as: 'number' }, available: { column: 'n', as: 'number' } } } } },
    });
    const csv = 'ts,sku,n\n2024-03-31T01:30:00,A,1\n2024-03-31T03:30:00,A,2\n2024-03-31 03:30:00+05:30,A,3\n';
    const results = await collect(importCsv(csv, mapping));
    expect(results.map((result) => ('event' in result ? result.event.ts : result))).toEqual([
      '2024-03-31T00:30:00.000Z', '2024-03-31T01:30:00.000Z', '2024-03-30T22:00:00.000Z',
    ]);
  });
});
