// Wall-clock times from files (ERP exports, X12 envelopes) carry no offset; the mapping names
// the zone they were written in. Converts such a wall-clock time to a UTC instant.

export type WallClock = { year: number; month: number; day: number; hour: number; minute: number; second: number; ms: number };

const FIXED_OFFSET = /^([+-])(\d{2}):?(\d{2})$/;
// Zone offsets are multiples of 15 minutes and change on a quarter hour of UTC.
const QUARTER_HOUR_MS = 900_000;
const OFFSET_CACHE_LIMIT = 50_000;

/** True when `zone` is 'UTC', a fixed offset like '+01:00', or an IANA zone this runtime knows. */
export function isValidZone(zone: string): boolean {
  if (zone === 'UTC' || zone === 'Z' || FIXED_OFFSET.test(zone)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Converts wall-clock fields to epoch ms, or undefined when the date does not exist (e.g. 31.02.). */
export function wallClockToEpoch(wall: WallClock, zone: string): number | undefined {
  const { year, month, day, hour, minute, second, ms } = wall;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const check = new Date(asUtc);
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return undefined;
  return asUtc - offsetOf(zone)(asUtc);
}

type OffsetAt = (asUtc: number) => number;
const offsetFunctions = new Map<string, OffsetAt>();

/** Resolves a zone once into a function from wall time (read as UTC) to the zone's offset. */
function offsetOf(zone: string): OffsetAt {
  let offset = offsetFunctions.get(zone);
  if (offset) return offset;
  const fixed = FIXED_OFFSET.exec(zone);
  if (zone === 'UTC' || zone === 'Z') offset = () => 0;
  else if (fixed) {
    const constant = (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3])) * 60_000;
    offset = () => constant;
  } else {
    const at = ianaOffsets(zone);
    // The offset at the instant that reads `asUtc` on the wall: guess, then correct once for DST edges.
    offset = (asUtc) => at(asUtc - at(asUtc));
  }
  offsetFunctions.set(zone, offset);
  return offset;
}

// One Intl lookup per quarter hour: Intl formatting is far slower than the rest of a row.
function ianaOffsets(zone: string): OffsetAt {
  const formatter = new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
  });
  const cache = new Map<number, number>();
  return (epoch) => {
    const quarter = Math.floor(epoch / QUARTER_HOUR_MS);
    const cached = cache.get(quarter);
    if (cached !== undefined) return cached;
    const parts: Record<string, number> = {};
    for (const part of formatter.formatToParts(new Date(epoch))) if (part.type !== 'literal') parts[part.type] = Number(part.value);
    const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
    const offset = wall - (epoch - ((epoch % 1000) + 1000) % 1000);
    if (cache.size >= OFFSET_CACHE_LIMIT) cache.clear();
    cache.set(quarter, offset);
    return offset;
  };
}
