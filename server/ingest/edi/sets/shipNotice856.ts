// 856 advance ship notice → one shipment.created per order (HL level 'O') it contains, with the
// item lines (HL level 'I') below that order. Event time is BSN03/BSN04, when the shipment was made.
import { productId, query, x12Instant, x12Number } from '../x12Values.ts';
import { X12MappingError, type Candidate, type SetMapper } from './types.ts';

type OrderShipment = { orderId: string; lines: { lineId: string; qty: number; sku?: string; uom?: string }[] };

export const shipNotice856: SetMapper = (transaction, context, zone) => {
  const header = query(transaction, {
    shipmentId: 'BSN02', date: 'BSN03', time: 'BSN04', carrier: 'TD503', billOfLading: 'REF02:REF01["BM"]', shippedDate: 'DTM02:DTM01["011"]',
  });
  if (!header.shipmentId) throw new X12MappingError('BSN02 (shipment identification) is missing');
  const orders: OrderShipment[] = [];
  let level = '';
  let pendingItem: { lineId: string; sku?: string } | undefined;
  for (const segment of transaction.segments) {
    if (segment.tag === 'HL') {
      level = segment.valueOf(3);
      if (level === 'O') orders.push({ orderId: '', lines: [] });
      pendingItem = undefined;
    } else if (segment.tag === 'PRF' && level === 'O') {
      orders[orders.length - 1].orderId = segment.valueOf(1);
    } else if (segment.tag === 'LIN') {
      const order = orders[orders.length - 1];
      if (!order) throw new X12MappingError('LIN item appears before any order level (HL03 = O)');
      pendingItem = { lineId: segment.valueOf(1) || String(order.lines.length + 1), sku: productId(segment, 2) };
    } else if (segment.tag === 'SN1') {
      const order = orders[orders.length - 1];
      if (!order || !pendingItem) throw new X12MappingError('SN1 without a preceding LIN item');
      const qty = x12Number(segment.valueOf(2));
      if (qty === undefined) throw new X12MappingError(`SN102 (units shipped) for line ${pendingItem.lineId} is missing or not a number`);
      order.lines.push({ ...pendingItem, qty, ...(segment.valueOf(3) ? { uom: segment.valueOf(3) } : {}) });
    }
  }
  if (orders.length === 0) throw new X12MappingError('no order level (HL03 = O)');
  const ts = x12Instant(header.date ?? '', header.time ?? '', zone);
  return orders.map((order, index): Candidate => {
    if (!order.orderId) throw new X12MappingError(`order level ${index + 1}: PRF01 (purchase order number) is missing`);
    return {
      type: 'shipment.created',
      ...(ts ? { ts } : {}),
      orderId: order.orderId,
      shipmentId: header.shipmentId,
      interface: 'edi-856',
      ...(header.carrier ? { carrier: header.carrier } : {}),
      attrs: {
        lines: order.lines,
        ...(header.billOfLading ? { billOfLading: header.billOfLading } : {}),
        asnControl: `${context.interchangeControl}/${context.groupControl}/${context.transactionControl}`,
      },
    };
  });
};
