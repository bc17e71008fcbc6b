// 850 purchase order → order.created (or order.cancelled for a BEG01 '01' cancellation).
// The PO number is the order id: 855/856/810 for the same order refer to it the same way.
import { productId, query, roundMoney, x12Date, x12Number } from '../x12Values.ts';
import { X12MappingError, type SetMapper } from './types.ts';

const CANCELLATION = '01';

export const purchaseOrder850: SetMapper = (transaction, context) => {
  const header = query(transaction, {
    purpose: 'BEG01', poNumber: 'BEG03', currency: 'CUR02',
    requestedShip: 'DTM02:DTM01["010"]', requestedDelivery: 'DTM02:DTM01["002"]', promisedShip: 'DTM02:DTM01["068"]',
    buyerId: 'N104:N101["BY"]',
    shipToName: 'N102:N101["ST"]', shipToId: 'N104:N101["ST"]',
    street: 'N1-N301:N101["ST"]', city: 'N1-N401:N101["ST"]', region: 'N1-N402:N101["ST"]',
    postalCode: 'N1-N403:N101["ST"]', country: 'N1-N404:N101["ST"]',
    taxJurisdiction: 'TXI05',
  });
  if (!header.poNumber) throw new X12MappingError('BEG03 (purchase order number) is missing');
  const base = { orderId: header.poNumber, customerId: header.buyerId ?? context.sender, interface: 'edi-850' };
  if (header.purpose === CANCELLATION) return [{ type: 'order.cancelled', ...base, attrs: { poNumber: header.poNumber } }];

  const lines = transaction.segments.filter((segment) => segment.tag === 'PO1').map((segment, index) => {
    const qty = x12Number(segment.valueOf(2));
    const sku = productId(segment, 6);
    if (qty === undefined) throw new X12MappingError(`PO1 line ${index + 1}: PO102 (quantity) is missing or not a number`);
    if (!sku) throw new X12MappingError(`PO1 line ${index + 1}: no product id (PO106/PO107)`);
    const unitPrice = x12Number(segment.valueOf(4));
    return { lineId: segment.valueOf(1) || String(index + 1), sku, qty, ...(unitPrice !== undefined ? { unitPrice } : {}), ...(segment.valueOf(3) ? { uom: segment.valueOf(3) } : {}) };
  });
  if (lines.length === 0) throw new X12MappingError('no PO1 (line item) segment');
  const priced = lines.every((line) => line.unitPrice !== undefined);
  const shipTo = defined({
    name: header.shipToName, locationId: header.shipToId, street: header.street, city: header.city,
    region: header.region, postalCode: header.postalCode, country: header.country, taxJurisdiction: header.taxJurisdiction,
  });
  return [{
    type: 'order.created',
    ...base,
    ...(priced ? { amount: roundMoney(lines.reduce((sum, line) => sum + line.qty * (line.unitPrice ?? 0), 0)) } : {}),
    ...(header.currency ? { currency: header.currency } : {}),
    attrs: defined({
      channel: 'edi',
      poNumber: header.poNumber,
      lines,
      requestedShipDate: x12Date(header.requestedShip),
      requestedDeliveryDate: x12Date(header.requestedDelivery),
      promisedShipDate: x12Date(header.promisedShip),
      shipTo: Object.keys(shipTo).length ? shipTo : undefined,
    }),
  }];
};

function defined<T extends Record<string, unknown>>(record: T): Partial<T> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined && value !== null && value !== '')) as Partial<T>;
}
