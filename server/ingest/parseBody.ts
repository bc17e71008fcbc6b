// Turns an ingest body into per-item results: one event, a JSON array, or NDJSON. A body
// that is not JSON at all is refused whole (with the NDJSON line number); items that are
// JSON but not valid events are rejected one by one so the rest of the batch still counts.
import { badRequest } from '../errors.ts';
import { validateEvent, type CtEvent } from '../events/schema.ts';
import { findLoneSurrogate, loneSurrogateError } from '../events/wellFormedText.ts';
import type { FutureTimeGuard } from '../events/futureTime.ts';

export type Rejection = { index: number; error: string };
export type ParsedBatch = { events: CtEvent[]; rejected: Rejection[]; received: number };

const NDJSON_TYPES = ['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines'];

export function isNdjson(contentType: string | undefined): boolean {
  const base = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return NDJSON_TYPES.includes(base);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeUtf8(body: Buffer): string {
  try {
    return utf8.decode(body);
  } catch {
    throw badRequest('body is not valid UTF-8');
  }
}

/** Parses NDJSON: blank lines are skipped; a malformed line fails the request with its number. */
export function parseNdjson(text: string): unknown[] {
  const items: unknown[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    try {
      items.push(JSON.parse(line));
    } catch (err) {
      throw badRequest(`malformed JSON on line ${i + 1}: ${(err as Error).message}`, { line: i + 1 });
    }
  }
  return items;
}

export function parseJson(text: string): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw badRequest(`malformed JSON: ${(err as Error).message}`);
  }
  return Array.isArray(value) ? value : [value];
}

// A JSON `\uD800`-style escape is the only way a lone surrogate gets into the text (a
// UTF-8 body cannot hold one), so bodies without such an escape skip the walk.
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F][0-9a-fA-F]{2}/;

export function validateItems(items: unknown[], mayHoldSurrogates = true, futureGuard?: FutureTimeGuard): ParsedBatch {
  const events: CtEvent[] = [];
  const rejected: Rejection[] = [];
  items.forEach((item, index) => {
    const badText = mayHoldSurrogates ? findLoneSurrogate(item) : undefined;
    if (badText) {
      rejected.push({ index, error: loneSurrogateError(badText) });
      return;
    }
    const result = validateEvent(item);
    const tooFarAhead = result.ok ? futureGuard?.(result.event) : undefined;
    if (!result.ok) rejected.push({ index, error: result.error });
    else if (tooFarAhead) rejected.push({ index, error: tooFarAhead });
    else events.push(result.event);
  });
  return { events, rejected, received: items.length };
}

export function parseIngestBody(body: Buffer, contentType: string | undefined, futureGuard?: FutureTimeGuard): ParsedBatch {
  if (body.length === 0) throw badRequest('empty body: send one event, a JSON array of events, or NDJSON');
  const text = decodeUtf8(body);
  const items = isNdjson(contentType) ? parseNdjson(text) : parseJson(text);
  if (items.length === 0) throw badRequest('no events in body');
  return validateItems(items, SURROGATE_ESCAPE.test(text), futureGuard);
}
