// How a mapping file says where a value comes from: a column (CSV) or attribute (OCEL) name,
// a constant, and optionally a code map and a type. Shared by the CSV and OCEL adapters.
import { z } from 'zod';
import { compileFormat } from './csv/dateFormat.ts';
import { wallClockToEpoch } from './zonedTime.ts';

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const valueSpecSchema = z.union([
  z.string().min(1),
  z
    .object({
      column: z.string().min(1).optional(),
      value: scalar.optional(),
      map: z.record(z.string(), scalar).optional(),
      as: z.enum(['string', 'number', 'boolean', 'date']).optional(),
      format: z.string().optional(),
      default: scalar.optional(),
    })
    .strict()
    .refine((spec) => (spec.column === undefined) !== (spec.value === undefined), 'give exactly one of column or value')
    .refine((spec) => spec.format === undefined || spec.as === 'date', "format is only for as: 'date'"),
]);
export type ValueSpec = z.infer<typeof valueSpecSchema>;

export type Scalar = string | number | boolean | null;
export type NumberStyle = { decimalSeparator: '.' | ',' };

/** A value spec compiled for one mapping: reads a row through `get` and returns the typed value. */
export type CompiledValue = {
  column?: string;
  read: (get: (column: string) => string | undefined) => Scalar | undefined;
};

export class ValueError extends Error {}

export function parseNumber(text: string, style: NumberStyle): number | undefined {
  let clean = text.trim();
  if (clean === '') return undefined;
  // SAP and other ERPs write negative numbers with a trailing minus: '12,50-'.
  if (clean.endsWith('-')) clean = `-${clean.slice(0, -1)}`;
  clean = style.decimalSeparator === ',' ? clean.replace(/[.\s]/g, '').replace(',', '.') : clean.replace(/[,\s]/g, '');
  const value = Number(clean);
  return clean !== '' && Number.isFinite(value) ? value : undefined;
}

export function compileValue(spec: ValueSpec, style: NumberStyle): CompiledValue {
  const full = typeof spec === 'string' ? { column: spec } : spec;
  const dateFormat = full.as === 'date' && full.format ? compileFormat(full.format) : undefined;
  let lastDateRaw: string | undefined;
  let lastDate = '';
  const convert = (raw: string, column: string): Scalar | undefined => {
    if (full.map) {
      if (!Object.hasOwn(full.map, raw)) throw new ValueError(`column ${column}: code '${raw}' is not in the mapping's map`);
      return full.map[raw];
    }
    switch (full.as) {
      case 'number': {
        const value = parseNumber(raw, style);
        if (value === undefined) throw new ValueError(`column ${column}: '${raw}' is not a number`);
        return value;
      }
      case 'boolean': {
        const lower = raw.trim().toLowerCase();
        if (['true', 'x', 'y', 'yes', '1'].includes(lower)) return true;
        if (['false', 'n', 'no', '0', ''].includes(lower)) return false;
        throw new ValueError(`column ${column}: '${raw}' is not a boolean`);
      }
      case 'date': {
        if (!dateFormat) return raw.trim();
        // Exports repeat the same date on many consecutive rows.
        if (raw === lastDateRaw) return lastDate;
        const wall = dateFormat.parse(raw);
        const epoch = wall && wallClockToEpoch({ hour: 0, minute: 0, second: 0, ms: 0, year: 0, month: 0, day: 0, ...wall }, 'UTC');
        if (epoch === undefined) throw new ValueError(`column ${column}: '${raw}' does not match date format ${dateFormat.format}`);
        lastDateRaw = raw;
        lastDate = new Date(epoch).toISOString().slice(0, 10);
        return lastDate;
      }
      default:
        return raw;
    }
  };
  if (full.column === undefined) return { read: () => full.value };
  const column = full.column;
  return {
    column,
    read(get) {
      const raw = get(column);
      if (raw === undefined || raw.trim() === '') return full.default ?? undefined;
      return convert(raw, column);
    },
  };
}
