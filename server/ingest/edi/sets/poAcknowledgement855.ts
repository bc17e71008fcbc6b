// 855 purchase order acknowledgement → integration.message (direction 'out': the distributor
// answers its customer). It is an interface fact, not an order-state change: whether stock is
// allocated and from which warehouse comes from the ERP's allocation events, which the 855 does
// not carry. The line statuses are kept as counts so a detector can still see backorder acks.
import { query } from '../x12Values.ts';
import { X12MappingError, type SetMapper } from './types.ts';

// BAK02 acknowledgement types that refuse the order.
const REJECTING = new Set(['RJ', 'RD']);
// ACK01 line status codes, grouped.
const LINE_STATUS: Record<string, 'accepted' | 'backordered' | 'rejected' | 'changed'> = {
  IA: 'accepted', AC: 'accepted', IB: 'backordered', BP: 'backordered', IR: 'rejected', R1: 'rejected', R2: 'rejected',
  IQ: 'changed', IP: 'changed', IC: 'changed', DR: 'changed', IS: 'changed',
};

export const poAcknowledgement855: SetMapper = (transaction, context) => {
  const header = query(transaction, { ackType: 'BAK02', poNumber: 'BAK03' });
  if (!header.ackType) throw new X12MappingError('BAK02 (acknowledgement type) is missing');
  if (!header.poNumber) throw new X12MappingError('BAK03 (purchase order number) is missing');
  const counts = { accepted: 0, backordered: 0, rejected: 0, changed: 0 };
  for (const segment of transaction.segments) {
    if (segment.tag !== 'ACK') continue;
    const status = LINE_STATUS[segment.valueOf(1)];
    if (status) counts[status] += 1;
  }
  const ok = !REJECTING.has(header.ackType);
  return [{
    type: 'integration.message',
    interface: 'edi-855',
    orderId: header.poNumber,
    attrs: {
      direction: 'out',
      ok,
      ...(ok ? {} : { errorCode: `BAK02 ${header.ackType}` }),
      messageId: `${context.interchangeControl}/${context.groupControl}/${context.transactionControl}`,
      ackType: header.ackType,
      poNumber: header.poNumber,
      linesAccepted: counts.accepted,
      linesBackordered: counts.backordered,
      linesRejected: counts.rejected,
      linesChanged: counts.changed,
    },
  }];
};
