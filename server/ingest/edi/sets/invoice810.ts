// 810 invoice → order.invoiced. TDS01 is the invoice total with two implied decimals.
import { query, x12Date, x12Number } from '../x12Values.ts';
import { X12MappingError, type SetMapper } from './types.ts';

export const invoice810: SetMapper = (transaction, context) => {
  const header = query(transaction, {
    invoiceDate: 'BIG01', invoiceNumber: 'BIG02', poNumber: 'BIG04', currency: 'CUR02', total: 'TDS01', billToId: 'N104:N101["BT"]',
  });
  if (!header.invoiceNumber) throw new X12MappingError('BIG02 (invoice number) is missing');
  if (!header.poNumber) throw new X12MappingError('BIG04 (purchase order number) is missing');
  const total = x12Number(header.total);
  if (header.total && total === undefined) throw new X12MappingError(`TDS01 (total amount) '${header.total}' is not a number`);
  const lines = transaction.segments.filter((segment) => segment.tag === 'IT1');
  return [{
    type: 'order.invoiced',
    orderId: header.poNumber,
    customerId: header.billToId ?? context.receiver,
    interface: 'edi-810',
    ...(total !== undefined ? { amount: total / 100 } : {}),
    ...(header.currency ? { currency: header.currency } : {}),
    attrs: {
      invoiceNumber: header.invoiceNumber,
      poNumber: header.poNumber,
      ...(x12Date(header.invoiceDate) ? { invoiceDate: x12Date(header.invoiceDate) } : {}),
      lineCount: lines.length,
      qtyInvoiced: lines.reduce((sum, segment) => sum + (x12Number(segment.valueOf(2)) ?? 0), 0),
    },
  }];
};
