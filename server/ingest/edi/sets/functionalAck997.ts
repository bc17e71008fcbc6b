// 997 functional acknowledgement → one integration.message per acknowledged transaction set
// (AK2 loop), on the interface of that set (an 856 rejected by the partner is a failure of the
// 856 interface). The first rejected segment (AK3) and element (AK4) are kept in attrs.
import type { X12Segment } from 'node-x12';
import { query, x12Number } from '../x12Values.ts';
import { X12MappingError, type Candidate, type SetMapper } from './types.ts';

// AK501 / AK901: A accepted, E accepted with errors noted; anything else (R, M, W, X, P) is a failure.
const ACCEPTED = new Set(['A', 'E']);

type Loop = { ak2: X12Segment; ak3?: X12Segment; ak4?: X12Segment; segmentErrors: number; ak5?: X12Segment };

export const functionalAck997: SetMapper = (transaction, context) => {
  const header = query(transaction, { functionalId: 'AK101', groupControl: 'AK102', groupStatus: 'AK901' });
  if (!header.functionalId || !header.groupControl) throw new X12MappingError('AK1 (acknowledged group) is missing');
  const loops: Loop[] = [];
  for (const segment of transaction.segments) {
    const loop = loops[loops.length - 1];
    if (segment.tag === 'AK2') loops.push({ ak2: segment, segmentErrors: 0 });
    else if (segment.tag === 'AK3' && loop) {
      loop.segmentErrors += 1;
      loop.ak3 ??= segment;
    } else if (segment.tag === 'AK4' && loop) loop.ak4 ??= segment;
    else if (segment.tag === 'AK5' && loop) loop.ak5 = segment;
  }
  const messageBase = { direction: 'in', acknowledgedGroup: header.groupControl, ackControl: `${context.interchangeControl}/${context.groupControl}/${context.transactionControl}` };
  if (loops.length === 0) {
    if (!header.groupStatus) throw new X12MappingError('neither AK2 loops nor AK9 (group response) present');
    const ok = ACCEPTED.has(header.groupStatus);
    return [{
      type: 'integration.message', interface: `edi-${header.functionalId}`,
      attrs: { ...messageBase, ok, ackStatus: header.groupStatus, ...(ok ? {} : { errorCode: `AK9 ${header.groupStatus}` }), messageId: header.groupControl },
    }];
  }
  return loops.map((loop): Candidate => {
    const status = loop.ak5?.valueOf(1);
    if (!status) throw new X12MappingError(`AK2 ${loop.ak2.valueOf(2)}: AK5 (transaction set response) is missing`);
    const ok = ACCEPTED.has(status);
    const setId = loop.ak2.valueOf(1);
    return {
      type: 'integration.message',
      interface: `edi-${setId}`,
      attrs: {
        ...messageBase,
        ok,
        ackStatus: status,
        ...(ok ? {} : { errorCode: `AK5 ${status}${loop.ak5?.valueOf(2) ? ` ${loop.ak5.valueOf(2)}` : ''}` }),
        messageId: `${header.groupControl}/${loop.ak2.valueOf(2)}`,
        acknowledgedSet: setId,
        acknowledgedControl: loop.ak2.valueOf(2),
        ...(loop.ak3 ? {
          rejectedSegment: loop.ak3.valueOf(1),
          rejectedSegmentPosition: x12Number(loop.ak3.valueOf(2)) ?? null,
          segmentErrorCode: loop.ak3.valueOf(4) || null,
          segmentErrors: loop.segmentErrors,
        } : {}),
        ...(loop.ak4 ? {
          rejectedElementPosition: loop.ak4.valueOf(1) || null,
          elementErrorCode: loop.ak4.valueOf(3) || null,
          rejectedValue: loop.ak4.valueOf(4) || null,
        } : {}),
      },
    };
  });
};
