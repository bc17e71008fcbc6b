// Opens one interchange with node-x12 and checks its envelope: ISA/IEA, GS/GE and ST/SE
// control numbers and counts. Every problem is reported with the control numbers that locate
// it; transactions whose own ST/SE envelope is sound are still handed on.
import { X12Parser, type X12Interchange, type X12Transaction } from 'node-x12';
import type { ImportError } from '../importResult.ts';
import { ISA_LENGTH, type InterchangeText } from './interchanges.ts';

export type X12Context = {
  sender: string;
  receiver: string;
  interchangeControl: string;
  groupControl: string;
  transactionControl: string;
  setId: string;
  /** GS04 (CCYYMMDD) and GS05 (HHMM[SS]): when the group was created. */
  groupDate: string;
  groupTime: string;
  where: string;
};

export type EnvelopeItem = { transaction: X12Transaction; context: X12Context } | { error: ImportError };

const ISA_CONTROL = 13;

/** Reads ISA13 as written, even when the ISA is malformed, so the error can name it. */
function rawInterchangeControl(text: string): string {
  const separator = text[3];
  const elements = text.slice(0, ISA_LENGTH + 20).split(separator);
  return (elements[ISA_CONTROL] ?? '').trim().slice(0, 9) || '(unreadable)';
}

const err = (where: string, reason: string): EnvelopeItem => ({ error: { where, reason } });

export function* openInterchange({ text, firstLine }: InterchangeText): Generator<EnvelopeItem> {
  const isaWhere = `line ${firstLine} ISA ${rawInterchangeControl(text)}`;
  const separator = text[3];
  if (text.length < ISA_LENGTH || text[103] !== separator || /[A-Za-z0-9 ]/.test(text[105] ?? ' ')) {
    yield err(isaWhere, `ISA segment must be ${ISA_LENGTH} characters with '${separator}' before ISA16 (position 104) and the segment terminator at position 106; interchange skipped`);
    return;
  }
  const terminator = text[105];
  const parser = new X12Parser(false);
  let interchange: X12Interchange | undefined;
  try {
    interchange = parser.parse(text) as X12Interchange;
  } catch (error) {
    const structural = parser.diagnostics.find((d) => /outside of|Missing/.test(d.message));
    // node-x12 gives some diagnostics no range (e.g. an ISA whose elements are shifted).
    const line = structural?.range?.start?.line;
    const detail = structural ? `${line !== undefined ? `line ${firstLine + line}: ` : ''}${structural.message}` : (error as Error).message;
    yield err(isaWhere, `cannot be parsed: ${detail.replace('X12 Standard: ', '').replace(/\.$/, '')}; interchange skipped`);
    return;
  }
  if (!interchange || interchange.functionalGroups.length === 0) {
    const looksTerminatedElsewhere = new RegExp(`^\\s*GS\\${separator}[^\\${terminator}]*[\\r\\n]`).test(text.slice(ISA_LENGTH));
    yield err(isaWhere, looksTerminatedElsewhere
      ? `segments after the ISA are not terminated by '${printable(terminator)}' (the segment terminator declared at ISA position 106); interchange skipped`
      : 'contains no functional group (GS); interchange skipped');
    return;
  }
  for (const diagnostic of parser.diagnostics) {
    if (/outside of|Missing/.test(diagnostic.message)) {
      yield err(`${isaWhere} (line ${firstLine + diagnostic.range.start.line})`, diagnostic.message.replace('X12 Standard: ', ''));
    }
  }
  const isa = interchange.header;
  const base = {
    sender: isa.valueOf(6).trim(),
    receiver: isa.valueOf(8).trim(),
    interchangeControl: controlNumber(isa.valueOf(ISA_CONTROL)),
  };
  for (const group of interchange.functionalGroups) {
    const groupControl = group.header.valueOf(6) ?? '';
    const groupWhere = `${isaWhere} / GS ${groupControl}`;
    for (const transaction of group.transactions) {
      const transactionControl = transaction.header.valueOf(2) ?? '';
      const where = `${groupWhere} / ST ${transactionControl}`;
      const problem = transactionProblem(transaction, terminator);
      if (problem) {
        yield err(where, problem);
        continue;
      }
      yield {
        transaction,
        context: {
          ...base, groupControl, transactionControl, where,
          setId: transaction.header.valueOf(1) ?? '',
          groupDate: group.header.valueOf(4) ?? '',
          groupTime: group.header.valueOf(5) ?? '',
        },
      };
    }
    if (!group.trailer) {
      yield err(groupWhere, 'GE segment missing');
    } else {
      if (group.trailer.valueOf(2) !== groupControl) yield err(groupWhere, `GE02 '${group.trailer.valueOf(2)}' does not match GS06 '${groupControl}'`);
      if (Number(group.trailer.valueOf(1)) !== group.transactions.length) {
        yield err(groupWhere, `GE01 says ${group.trailer.valueOf(1)} transaction sets, the group has ${group.transactions.length}`);
      }
    }
  }
  const iea = interchange.trailer;
  if (!iea) {
    yield err(isaWhere, 'IEA segment missing');
  } else {
    if (Number(iea.valueOf(2)) !== Number(base.interchangeControl)) {
      yield err(isaWhere, `IEA02 '${controlNumber(iea.valueOf(2))}' does not match ISA13 '${base.interchangeControl}'`);
    }
    if (Number(iea.valueOf(1)) !== interchange.functionalGroups.length) {
      yield err(isaWhere, `IEA01 says ${iea.valueOf(1)} functional groups, the interchange has ${interchange.functionalGroups.length}`);
    }
  }
}

// node-x12 reads ISA13 and IEA02 as integers; X12 writes them as nine digits.
const controlNumber = (value: string) => value.padStart(9, '0');

const printable = (char: string) => JSON.stringify(char).slice(1, -1);

/** The ST/SE envelope and segment framing of one transaction set; undefined when sound. */
function transactionProblem(transaction: X12Transaction, terminator: string): string | undefined {
  const stControl = transaction.header.valueOf(2) ?? '';
  if (!transaction.trailer) return 'SE segment missing; transaction set skipped';
  const seControl = transaction.trailer.valueOf(2);
  if (seControl !== stControl) return `SE02 '${seControl}' does not match ST02 '${stControl}'; transaction set skipped`;
  const broken = transaction.segments.find((segment) => segment.elements.some((element) => /[\r\n]/.test(element.value)));
  if (broken) {
    return `segment ${broken.tag} runs into the next line: segments must end with '${printable(terminator)}'; transaction set skipped`;
  }
  const expected = transaction.segments.length + 2;
  if (Number(transaction.trailer.valueOf(1)) !== expected) {
    return `SE01 says ${transaction.trailer.valueOf(1)} segments, the transaction set has ${expected}; transaction set skipped`;
  }
  return undefined;
}
