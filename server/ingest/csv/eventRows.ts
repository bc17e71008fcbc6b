// Rows that are events: each row maps to one event; with a `line` mapping, consecutive rows of
// the same document (same type, order and shipment) are one event with several lines, as ERP
// item tables (order items, delivery items) list them. Only the current document is held.
import { setAttr } from '../setAttr.ts';
import { compileValue, ValueError, type CompiledValue, type NumberStyle, type Scalar, type ValueSpec } from '../valueSpec.ts';
import { compileTime } from './eventTime.ts';
import type { EventRecordMapping } from './mapping.ts';

export type Candidate = { type: string; [field: string]: unknown };

/** A document being assembled from consecutive rows. */
export type PendingEvent = { key: string; candidate: Candidate; lines: Record<string, Scalar>[]; rows: string[]; firstLine: number; lastLine: number };

type Get = (column: string) => string | undefined;

export type CompiledEventRecord = {
  columns: string[];
  /** Maps one row; returns undefined for rows whose type code maps to 'ignore'. */
  map: (get: Get) => { candidate: Candidate; key: string; merge: 'lines' | 'none'; line?: Record<string, Scalar> } | undefined;
};

const NUMERIC_FIELDS = new Set(['qty', 'amount']);
const NUMERIC_LINE_FIELDS = new Set(['qty', 'unitPrice']);

/** Numeric fields read their column as a number (honouring the decimal separator) unless the spec says otherwise. */
export function asNumberSpec(spec: ValueSpec): ValueSpec {
  if (typeof spec === 'string') return { column: spec, as: 'number' };
  return spec.as === undefined && spec.map === undefined && spec.column !== undefined ? { ...spec, as: 'number' } : spec;
}

export function compileEventRecord(name: string, record: EventRecordMapping, zone: string, style: NumberStyle): CompiledEventRecord {
  const time = compileTime(record.time, zone);
  const fields = Object.entries(record.fields).map(([field, spec]) => {
    const numeric = NUMERIC_FIELDS.has(field);
    return [field, compileValue(numeric ? asNumberSpec(spec!) : spec!, style), numeric] as const;
  });
  const attrs = Object.entries(record.attrs).map(([attr, spec]) => [attr, compileValue(spec, style)] as const);
  const id = record.id === undefined ? undefined : compileValue(record.id, style);
  const line = record.line && Object.entries(record.line).map(([field, spec]) =>
    [field, compileValue(NUMERIC_LINE_FIELDS.has(field) ? asNumberSpec(spec!) : spec!, style)] as const);
  const typeOf = typeof record.type === 'string' ? (() => record.type as string) : compileTypeCode(record.type);
  const columns = [
    ...time.columns,
    ...[...fields.map(([, value]) => value), ...attrs.map(([, value]) => value), ...(line ?? []).map(([, value]) => value), ...(id ? [id] : [])]
      .map((value: CompiledValue) => value.column)
      .filter((column): column is string => column !== undefined),
    ...(typeof record.type === 'string' ? [] : [record.type.column]),
  ];
  return {
    columns,
    map(get) {
      const type = typeOf(get);
      if (type === 'ignore') return undefined;
      const candidate: Candidate = { type, ts: time.read(get) };
      for (const [field, value, numeric] of fields) {
        const read = value.read(get);
        if (read === undefined || read === null) continue;
        candidate[field] = numeric ? asNumber(read, value.column ?? field) : String(read);
      }
      const attrValues: Record<string, unknown> = {};
      for (const [attr, value] of attrs) {
        const read = value.read(get);
        if (read !== undefined) setAttr(attrValues, attr, read);
      }
      candidate.attrs = attrValues;
      if (id) {
        const explicit = id.read(get);
        if (explicit !== undefined && explicit !== null) candidate.id = String(explicit);
      }
      let lineItem: Record<string, Scalar> | undefined;
      if (line) {
        lineItem = {};
        for (const [field, value] of line) {
          const read = value.read(get);
          if (read === undefined) continue;
          lineItem[field] = NUMERIC_LINE_FIELDS.has(field) ? asNumber(read, value.column ?? field) : read === null ? null : String(read);
        }
      }
      const key = `${name}|${type}|${candidate.orderId ?? ''}|${candidate.shipmentId ?? ''}|${candidate.id ?? ''}`;
      return lineItem ? { candidate, key, merge: 'lines', line: lineItem } : { candidate, key, merge: 'none' };
    },
  };
}

function compileTypeCode(spec: { column: string; map: Record<string, string> }): (get: Get) => string {
  return (get) => {
    const code = (get(spec.column) ?? '').trim();
    const type = Object.hasOwn(spec.map, code) ? spec.map[code] : undefined;
    if (type === undefined) throw new ValueError(`column ${spec.column}: event type code '${code}' is not in type.map`);
    return type;
  };
}

function asNumber(value: Scalar, column: string): number {
  if (typeof value === 'number') return value;
  const parsed = typeof value === 'string' ? Number(value) : Number.NaN;
  if (!Number.isFinite(parsed)) throw new ValueError(`column ${column}: '${String(value)}' is not a number`);
  return parsed;
}
