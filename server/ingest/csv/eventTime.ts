// Event time from one or two columns of a row, in the zone the export was written in.
// Historical exports keep their own time: there is no fallback to the import's clock.
import { ValueError } from '../valueSpec.ts';
import { wallClockToEpoch, type WallClock } from '../zonedTime.ts';
import { compileFormat } from './dateFormat.ts';
import type { TimeSpec } from './mapping.ts';

export type CompiledTime = { columns: string[]; read: (get: (column: string) => string | undefined) => string };

const HAS_OFFSET = /(Z|[+-]\d{2}:?\d{2})$/i;
const ISO_LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?$/;

export function compileTime(spec: TimeSpec, defaultZone: string): CompiledTime {
  const full = typeof spec === 'string' ? { date: spec } : spec;
  const zone = ('timezone' in full && full.timezone) || defaultZone;
  const dateFormat = 'dateFormat' in full && full.dateFormat ? compileFormat(full.dateFormat) : undefined;
  const timeFormat = 'timeFormat' in full && full.timeFormat ? compileFormat(full.timeFormat) : undefined;
  const timeColumn = 'time' in full ? full.time : undefined;
  const required = (get: (column: string) => string | undefined, column: string) => {
    const raw = get(column);
    if (raw === undefined || raw.trim() === '') throw new ValueError(`column ${column}: event time is empty`);
    return raw.trim();
  };
  const toIso = (wall: Partial<WallClock>, what: string) => {
    const epoch = wallClockToEpoch({ year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, ms: 0, ...wall }, zone);
    if (epoch === undefined) throw new ValueError(`${what} is not a valid date/time`);
    return new Date(epoch).toISOString();
  };
  // One wall-clock record reused for every row.
  const wall: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, ms: 0 };
  const wallToIso = (what: string) => {
    const epoch = wallClockToEpoch(wall, zone);
    if (epoch === undefined) throw new ValueError(`${what} is not a valid date/time`);
    return new Date(epoch).toISOString();
  };
  // Item tables repeat their document's time on every row: remember the last conversion.
  let lastDate: string | undefined;
  let lastTime: string | undefined;
  let lastIso = '';
  return {
    columns: [full.date, ...(timeColumn ? [timeColumn] : [])],
    read(get) {
      const dateRaw = get(full.date);
      const timeRaw = timeColumn ? get(timeColumn) : undefined;
      if (dateRaw === lastDate && timeRaw === lastTime && dateRaw !== undefined) return lastIso;
      const iso = convert(get);
      lastDate = dateRaw;
      lastTime = timeRaw;
      lastIso = iso;
      return iso;
    },
  };

  function convert(get: (column: string) => string | undefined): string {
    {
      const dateText = required(get, full.date);
      if (!dateFormat) return isoTime(dateText, full.date, zone, toIso);
      wall.year = wall.month = wall.day = wall.hour = wall.minute = wall.second = wall.ms = 0;
      if (!dateFormat.parseInto(dateText, wall)) throw new ValueError(`column ${full.date}: '${dateText}' does not match date format ${dateFormat.format}`);
      if (!timeColumn || !timeFormat) return wallToIso(`column ${full.date}: '${dateText}'`);
      const timeText = required(get, timeColumn);
      if (!timeFormat.parseInto(timeText, wall)) throw new ValueError(`column ${timeColumn}: '${timeText}' does not match time format ${timeFormat.format}`);
      return wallToIso(`columns ${full.date}/${timeColumn}: '${dateText} ${timeText}'`);
    }
  }
}

/** An ISO-8601 time as a UTC instant; times without an offset are read in `zone`. Undefined when not ISO. */
export function isoInstant(text: string, zone: string): string | undefined {
  try {
    return isoTime(text.trim(), 'time', zone, (wall, what) => {
      const epoch = wallClockToEpoch({ year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, ms: 0, ...wall }, zone);
      if (epoch === undefined) throw new ValueError(`${what} is not a valid date/time`);
      return new Date(epoch).toISOString();
    });
  } catch (error) {
    if (error instanceof ValueError) return undefined;
    throw error;
  }
}

function isoTime(text: string, column: string, zone: string, toIso: (wall: Partial<WallClock>, what: string) => string): string {
  if (HAS_OFFSET.test(text)) {
    const epoch = Date.parse(text);
    if (Number.isNaN(epoch)) throw new ValueError(`column ${column}: '${text}' is not an ISO-8601 time`);
    return new Date(epoch).toISOString();
  }
  const local = ISO_LOCAL.exec(text);
  if (!local) throw new ValueError(`column ${column}: '${text}' is not an ISO-8601 time (or give dateFormat in the mapping)`);
  const [, year, month, day, hour = '0', minute = '0', second = '0', ms = '0'] = local;
  return toIso({ year: +year, month: +month, day: +day, hour: +hour, minute: +minute, second: +second, ms: +ms.padEnd(3, '0') }, `column ${column}: '${text}'`);
}
