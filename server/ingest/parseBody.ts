// Turns an ingest body into per-item results: one event, a JSON array, or NDJSON. A body
// that is not JSON at all is refused whole (with the NDJSON line number); items that are
// JSON but not valid events are rejected one by one so the rest of the batch still counts.
import { badRequest } from '../errors.ts';
import { validateEvent, type CtEvent } from '../events/schema.ts';

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

// A JSON `\uD800`-style escape can smuggle a lone surrogate into a string: text that has
// no UTF-8 form. ClickHouse would store it mangled (as U+FFFD bytes), so an id would no
// longer match itself on the dedupe look-up and a retried event would be stored twice.
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F][0-9a-fA-F]{2}/;
// In a `u` regex a proper surrogate pair is one code point, so this matches lone halves only.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** The path of the first string (key or value) that is not well-formed Unicode, if any. */
export function findLoneSurrogate(root: unknown): string | undefined {
  // An explicit stack, not recursion: a hostile body may nest thousands of levels deep.
  const stack: [unknown, string][] = [[root, '']];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      if (LONE_SURROGATE.test(value)) return path || '(value)';
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        const at = path ? `${path}.${k}` : k;
        if (LONE_SURROGATE.test(k)) return at;
        stack.push([v, at]);
      }
    }
  }
  return undefined;
}

export function validateItems(items: unknown[], mayHoldSurrogates = true): ParsedBatch {
  const events: CtEvent[] = [];
  const rejected: Rejection[] = [];
  items.forEach((item, index) => {
    const badText = mayHoldSurrogates ? findLoneSurrogate(item) : undefined;
    if (badText) {
      rejected.push({ index, error: `${badText}: text is not valid Unicode (lone surrogate escape)` });
      return;
    }
    const result = validateEvent(item);
    if (result.ok) events.push(result.event);
    else rejected.push({ index, error: result.error });
  });
  return { events, rejected, received: items.length };
}

export function parseIngestBody(body: Buffer, contentType: string | undefined): ParsedBatch {
  if (body.length === 0) throw badRequest('empty body: send one event, a JSON array of events, or NDJSON');
  const text = decodeUtf8(body);
  const items = isNdjson(contentType) ? parseNdjson(text) : parseJson(text);
  if (items.length === 0) throw badRequest('no events in body');
  return validateItems(items, SURROGATE_ESCAPE.test(text));
}
