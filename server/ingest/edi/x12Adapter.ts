// X12 file → common events. Each transaction set is mapped on its own; errors name the
// interchange/group/transaction control numbers. Event ids are derived from the sender, the
// control numbers and a hash of the transaction's content, so a resubmitted interchange yields
// the same ids and the pipeline's event-id dedupe drops it instead of creating a second order.
import { checked, deterministicId, rejected, type ImportResult } from '../importResult.ts';
import { MappingError } from '../mappingFile.ts';
import { isValidZone } from '../zonedTime.ts';
import { openInterchange } from './envelope.ts';
import { interchanges } from './interchanges.ts';
import { functionalAck997 } from './sets/functionalAck997.ts';
import { invoice810 } from './sets/invoice810.ts';
import { poAcknowledgement855 } from './sets/poAcknowledgement855.ts';
import { purchaseOrder850 } from './sets/purchaseOrder850.ts';
import { shipNotice856 } from './sets/shipNotice856.ts';
import { X12MappingError, type SetMapper } from './sets/types.ts';
import { x12Instant } from './x12Values.ts';

export type X12Options = {
  /** Zone the envelope and document dates/times were written in; default 'UTC'. */
  timezone?: string;
};

const MAPPERS: Record<string, SetMapper> = {
  '850': purchaseOrder850,
  '855': poAcknowledgement855,
  '856': shipNotice856,
  '810': invoice810,
  '997': functionalAck997,
};

export const SUPPORTED_SETS = Object.keys(MAPPERS);

export async function* importX12(input: NodeJS.ReadableStream | string, options: X12Options = {}): AsyncIterable<ImportResult> {
  const zone = options.timezone ?? 'UTC';
  if (!isValidZone(zone)) throw new MappingError(`--timezone: unknown time zone '${zone}'`);
  for await (const piece of interchanges(input)) {
    if ('garbage' in piece) {
      yield rejected(`line ${piece.line}`, `text outside any interchange (expected ISA): '${piece.garbage}'`);
      continue;
    }
    for (const item of openInterchange(piece)) {
      if ('error' in item) {
        yield item;
        continue;
      }
      const { transaction, context } = item;
      const mapper = MAPPERS[context.setId];
      if (!mapper) {
        yield rejected(context.where, `unsupported transaction set '${context.setId}' (supported: ${SUPPORTED_SETS.join(', ')})`);
        continue;
      }
      const groupTime = x12Instant(context.groupDate, context.groupTime, zone);
      if (!groupTime) {
        yield rejected(context.where, `GS04/GS05 '${context.groupDate}' '${context.groupTime}' is not a valid date and time`);
        continue;
      }
      let candidates;
      try {
        candidates = mapper(transaction, context, zone);
      } catch (error) {
        if (!(error instanceof X12MappingError)) throw error;
        yield rejected(context.where, `${context.setId}: ${error.message}`);
        continue;
      }
      const content = transaction.toString();
      for (const [index, candidate] of candidates.entries()) {
        const parts = [context.sender, context.interchangeControl, context.groupControl, context.transactionControl, context.setId];
        if (candidates.length > 1) parts.push(String(index + 1));
        yield checked({ ts: groupTime, ...candidate, id: deterministicId('x12', parts, content), source: 'edi' }, context.where);
      }
    }
  }
}
