// Date/time formats as ERP exports write them (dd.MM.yyyy, yyyyMMdd, HHmmss, …), compiled once
// per mapping into a matcher so each row costs one regex test.
import type { WallClock } from '../zonedTime.ts';

const TOKENS: Record<string, { pattern: string; field: keyof WallClock }> = {
  yyyy: { pattern: '(\\d{4})', field: 'year' },
  yy: { pattern: '(\\d{2})', field: 'year' },
  MM: { pattern: '(\\d{2})', field: 'month' },
  M: { pattern: '(\\d{1,2})', field: 'month' },
  dd: { pattern: '(\\d{2})', field: 'day' },
  d: { pattern: '(\\d{1,2})', field: 'day' },
  HH: { pattern: '(\\d{2})', field: 'hour' },
  H: { pattern: '(\\d{1,2})', field: 'hour' },
  mm: { pattern: '(\\d{2})', field: 'minute' },
  ss: { pattern: '(\\d{2})', field: 'second' },
  SSS: { pattern: '(\\d{3})', field: 'ms' },
};
const TOKEN = /yyyy|yy|MM|M|dd|d|HH|H|mm|ss|SSS/g;

export type CompiledFormat = {
  format: string;
  parse: (text: string) => Partial<WallClock> | undefined;
  /** Writes the fields the format has into `into` (no allocation); false when the text does not match. */
  parseInto: (text: string, into: WallClock) => boolean;
};

/** Compiles a format; throws naming the format when it has no date or time token at all. */
export function compileFormat(format: string): CompiledFormat {
  const fields: { field: keyof WallClock; twoDigitYear: boolean }[] = [];
  let source = '';
  let last = 0;
  for (const match of format.matchAll(TOKEN)) {
    source += escape(format.slice(last, match.index));
    source += TOKENS[match[0]].pattern;
    fields.push({ field: TOKENS[match[0]].field, twoDigitYear: match[0] === 'yy' });
    last = match.index + match[0].length;
  }
  source += escape(format.slice(last));
  if (fields.length === 0) throw new Error(`format '${format}' has no date or time tokens (yyyy, MM, dd, HH, mm, ss, …)`);
  const regex = new RegExp(`^${source}$`);
  const parseInto = (text: string, into: WallClock | Partial<WallClock>): boolean => {
    const match = regex.exec(text.trim());
    if (!match) return false;
    for (let index = 0; index < fields.length; index++) {
      const value = Number(match[index + 1]);
      into[fields[index].field] = fields[index].twoDigitYear ? 2000 + value : value;
    }
    return true;
  };
  return {
    format,
    parseInto,
    parse(text) {
      const out: Partial<WallClock> = {};
      return parseInto(text, out) ? out : undefined;
    },
  };
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
