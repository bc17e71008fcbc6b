// Reading X12 element values: dates (CCYYMMDD), times (HHMM[SS[d..]]), numbers and product ids.
import type { X12Segment, X12Transaction } from 'node-x12';
import { wallClockToEpoch } from '../zonedTime.ts';

/** CCYYMMDD (or YYMMDD) as an ISO date, or undefined when absent or not a date. */
export function x12Date(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  const full = value.length === 6 ? `20${value}` : value;
  if (!/^\d{8}$/.test(full)) return undefined;
  const iso = `${full.slice(0, 4)}-${full.slice(4, 6)}-${full.slice(6, 8)}`;
  return wallClockToEpoch({ year: +full.slice(0, 4), month: +full.slice(4, 6), day: +full.slice(6, 8), hour: 0, minute: 0, second: 0, ms: 0 }, 'UTC') === undefined ? undefined : iso;
}

/** A date plus an HHMM[SS] time read in `zone`, as an ISO instant. */
export function x12Instant(date: string, time: string, zone: string): string | undefined {
  const day = x12Date(date);
  if (!day || !/^\d{4}(\d{2})?\d*$/.test(time || '0000')) return undefined;
  const clock = time || '0000';
  const epoch = wallClockToEpoch({
    year: +day.slice(0, 4), month: +day.slice(5, 7), day: +day.slice(8, 10),
    hour: +clock.slice(0, 2), minute: +clock.slice(2, 4), second: clock.length >= 6 ? +clock.slice(4, 6) : 0, ms: 0,
  }, zone);
  return epoch === undefined ? undefined : new Date(epoch).toISOString();
}

export function x12Number(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

// Product id qualifiers, most specific to the distributor first: vendor part, SKU, UPC, buyer part.
const PRODUCT_QUALIFIERS = ['VP', 'SK', 'VN', 'UP', 'EN', 'BP', 'IN'];

/** The product id from qualifier/id pairs starting at element `first` (PO106, IT106, LIN02). */
export function productId(segment: X12Segment, first: number): string | undefined {
  const pairs = new Map<string, string>();
  for (let position = first; position + 1 <= segment.elements.length; position += 2) {
    const qualifier = segment.valueOf(position);
    const id = segment.valueOf(position + 1);
    if (qualifier && id && !pairs.has(qualifier)) pairs.set(qualifier, id);
  }
  for (const qualifier of PRODUCT_QUALIFIERS) if (pairs.has(qualifier)) return pairs.get(qualifier);
  return pairs.values().next().value;
}

/** Element values of a transaction set's header by node-x12 query (null where absent). */
export function query<K extends string>(transaction: X12Transaction, map: Record<K, string>): Record<K, string | null> {
  return transaction.toObject(map, 'loose') as Record<K, string | null>;
}

export const roundMoney = (value: number) => Math.round(value * 100) / 100;
