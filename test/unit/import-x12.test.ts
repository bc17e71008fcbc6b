import { createReadStream, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importX12 } from '../../server/ingest/edi/x12Adapter.ts';
import type { ImportResult } from '../../server/ingest/importResult.ts';

const fixture = (name: string) => new URL(`../fixtures/import/${name}`, import.meta.url).pathname;

async function collect(results: AsyncIterable<ImportResult>) {
  const events = [];
  const errors = [];
  for await (const result of results) {
    if ('event' in result) events.push(result.event);
    else errors.push(result.error);
  }
  return { events, errors };
}

const PO_4501_LINES = [
  { lineId: '1', sku: 'WID-100', qty: 10, unitPrice: 12.5, uom: 'EA' },
  { lineId: '2', sku: 'GAD-200', qty: 4, unitPrice: 30, uom: 'CS' },
];

describe('importX12', () => {
  it('turns an 850 into order.created with lines, prices, ship-to, tax jurisdiction and requested dates', async () => {
    const { events, errors } = await collect(importX12(createReadStream(fixture('x12-850.edi'))));
    expect(errors).toEqual([]);
    expect(events).toEqual([{
      id: expect.stringMatching(/^x12:ACMEBUYER:000000101:1:0001:850:[0-9a-f]{20}$/),
      ts: '2024-03-15T12:00:00.000Z',
      source: 'edi',
      type: 'order.created',
      orderId: 'PO-4501',
      customerId: 'ACME01',
      interface: 'edi-850',
      amount: 245,
      currency: 'USD',
      attrs: {
        channel: 'edi',
        poNumber: 'PO-4501',
        lines: PO_4501_LINES,
        requestedShipDate: '2024-03-20',
        requestedDeliveryDate: '2024-03-22',
        shipTo: {
          name: 'Acme Store 42', locationId: '0042', street: '123 Main St', city: 'Springfield', region: 'IL',
          postalCode: '62701', country: 'US', taxJurisdiction: 'IL-SPRINGFIELD-62701',
        },
      },
    }]);
  });

  it('reads envelope times in the configured zone', async () => {
    const { events } = await collect(importX12(readFileSync(fixture('x12-850.edi'), 'utf8'), { timezone: 'America/Chicago' }));
    expect(events[0].ts).toBe('2024-03-15T17:00:00.000Z');
  });

  it('turns an 855 into an outbound integration.message, failed when the order is rejected', async () => {
    const { events, errors } = await collect(importX12(createReadStream(fixture('x12-855.edi'))));
    expect(errors).toEqual([]);
    expect(events.map(({ id: _id, ...rest }) => rest)).toEqual([
      {
        ts: '2024-03-15T13:05:00.000Z', source: 'edi', type: 'integration.message', interface: 'edi-855', orderId: 'PO-4501',
        attrs: { direction: 'out', ok: true, messageId: '000000201/7/0001', ackType: 'AC', poNumber: 'PO-4501', linesAccepted: 1, linesBackordered: 1, linesRejected: 0, linesChanged: 0 },
      },
      {
        ts: '2024-03-15T13:05:00.000Z', source: 'edi', type: 'integration.message', interface: 'edi-855', orderId: 'PO-4502',
        attrs: { direction: 'out', ok: false, errorCode: 'BAK02 RJ', messageId: '000000201/7/0002', ackType: 'RJ', poNumber: 'PO-4502', linesAccepted: 1, linesBackordered: 1, linesRejected: 0, linesChanged: 0 },
      },
    ]);
  });

  it('turns an 856 into one shipment.created per order, timed by BSN03/BSN04', async () => {
    const { events, errors } = await collect(importX12(createReadStream(fixture('x12-856.edi'))));
    expect(errors).toEqual([]);
    expect(events.map(({ id: _id, ...rest }) => rest)).toEqual([
      {
        ts: '2024-03-19T14:30:00.000Z', source: 'edi', type: 'shipment.created', orderId: 'PO-4501', shipmentId: 'SHP-7781', carrier: 'UPSN', interface: 'edi-856',
        attrs: {
          lines: [{ lineId: '1', sku: 'WID-100', qty: 10, uom: 'EA' }, { lineId: '2', sku: 'GAD-200', qty: 3, uom: 'CS' }],
          billOfLading: 'BOL-99812', asnControl: '000000301/2001/0001',
        },
      },
      {
        ts: '2024-03-19T14:30:00.000Z', source: 'edi', type: 'shipment.created', orderId: 'PO-4502', shipmentId: 'SHP-7781', carrier: 'UPSN', interface: 'edi-856',
        attrs: { lines: [{ lineId: '1', sku: 'WID-100', qty: 6, uom: 'EA' }], billOfLading: 'BOL-99812', asnControl: '000000301/2001/0001' },
      },
    ]);
    expect(new Set(events.map((event) => event.id)).size).toBe(2);
  });

  it('turns an 810 into order.invoiced with the TDS total (two implied decimals)', async () => {
    const { events, errors } = await collect(importX12(createReadStream(fixture('x12-810.edi'))));
    expect(errors).toEqual([]);
    expect(events.map(({ id: _id, ...rest }) => rest)).toEqual([{
      ts: '2024-03-20T09:00:00.000Z', source: 'edi', type: 'order.invoiced', orderId: 'PO-4501', customerId: 'ACME01', interface: 'edi-810',
      amount: 215, currency: 'USD',
      attrs: { invoiceNumber: 'INV-3301', poNumber: 'PO-4501', invoiceDate: '2024-03-20', lineCount: 2, qtyInvoiced: 13 },
    }]);
  });

  it('turns a 997 into one integration.message per acknowledged set, with the rejected segment', async () => {
    const { events, errors } = await collect(importX12(createReadStream(fixture('x12-997.edi'))));
    expect(errors).toEqual([]);
    expect(events.map((event) => [event.interface, event.attrs])).toEqual([
      ['edi-856', {
        direction: 'in', ok: true, ackStatus: 'A', messageId: '2001/0001', acknowledgedGroup: '2001', ackControl: '000000501/51/0001',
        acknowledgedSet: '856', acknowledgedControl: '0001',
      }],
      ['edi-856', {
        direction: 'in', ok: false, ackStatus: 'R', errorCode: 'AK5 R 5', messageId: '2001/0002', acknowledgedGroup: '2001', ackControl: '000000501/51/0001',
        acknowledgedSet: '856', acknowledgedControl: '0002',
        rejectedSegment: 'SN1', rejectedSegmentPosition: 12, segmentErrorCode: '8', segmentErrors: 1,
        rejectedElementPosition: '2', elementErrorCode: '1', rejectedValue: 'ABC',
      }],
    ]);
  });

  it('names the control numbers of an unknown transaction set and keeps the valid one beside it', async () => {
    const { events, errors } = await collect(importX12(createReadStream(fixture('x12-unknown-set.edi'))));
    expect(events.map((event) => event.orderId)).toEqual(['PO-4601']);
    expect(errors).toEqual([
      { where: 'line 1 ISA 000000601 / GS 61 / ST 0002', reason: "unsupported transaction set '940' (supported: 810, 850, 855, 856, 997)" },
    ]);
  });

  it('rejects transactions with mismatched ST/SE and reports GE/IEA mismatches without dropping valid transactions', async () => {
    const { events, errors } = await collect(importX12(createReadStream(fixture('x12-mismatched-control.edi'))));
    expect(events.map((event) => event.orderId)).toEqual(['PO-4701']);
    expect(errors).toEqual([
      { where: 'line 1 ISA 000000701 / GS 71 / ST 0002', reason: "SE02 '0099' does not match ST02 '0002'; transaction set skipped" },
      { where: 'line 1 ISA 000000701 / GS 71 / ST 0003', reason: 'SE01 says 9 segments, the transaction set has 5; transaction set skipped' },
      { where: 'line 1 ISA 000000701 / GS 71', reason: "GE02 '72' does not match GS06 '71'" },
      { where: 'line 1 ISA 000000701 / GS 71', reason: 'GE01 says 2 transaction sets, the group has 3' },
      { where: 'line 1 ISA 000000701', reason: "IEA02 '000000799' does not match ISA13 '000000701'" },
    ]);
  });

  it('skips interchanges with a malformed ISA or a missing GS and keeps the sound one in the same file', async () => {
    const { events, errors } = await collect(importX12(createReadStream(fixture('x12-bad-envelope.edi'), { highWaterMark: 37 })));
    expect(events.map((event) => event.orderId)).toEqual(['PO-4801']);
    expect(errors).toEqual([
      { where: 'line 19 ISA 000000802', reason: "ISA segment must be 106 characters with '*' before ISA16 (position 104) and the segment terminator at position 106; interchange skipped" },
      { where: 'line 37 ISA 000000803', reason: 'cannot be parsed: line 38: ST segment cannot appear outside of a functional group; interchange skipped' },
    ]);
  });

  it('reports segments that do not end with the declared terminator', async () => {
    const { events, errors } = await collect(importX12(createReadStream(fixture('x12-wrong-terminator.edi'))));
    expect(events.map((event) => event.orderId)).toEqual(['PO-4902']);
    expect(errors).toEqual([
      { where: 'line 1 ISA 000000901', reason: "segments after the ISA are not terminated by '~' (the segment terminator declared at ISA position 106); interchange skipped" },
    ]);
  });

  it('gives a resubmitted interchange the same event ids, and a changed one new ids', async () => {
    const original = readFileSync(fixture('x12-850.edi'), 'utf8');
    const { events } = await collect(importX12(original + original));
    expect(events).toHaveLength(2);
    expect(events[1].id).toBe(events[0].id);
    const changed = await collect(importX12(original.replace('PO1*1*10*', 'PO1*1*11*')));
    expect(changed.events[0].id).not.toBe(events[0].id);
  });

  it('reads the same events from a stream in tiny chunks as from a string', async () => {
    const text = ['x12-850.edi', 'x12-856.edi', 'x12-997.edi'].map((name) => readFileSync(fixture(name), 'utf8')).join('');
    const whole = await collect(importX12(text));
    const { Readable } = await import('node:stream');
    const chunks = text.match(/[\s\S]{1,7}/g) ?? [];
    const streamed = await collect(importX12(Readable.from(chunks)));
    expect(streamed).toEqual(whole);
    expect(whole.events).toHaveLength(5);
  });
});
