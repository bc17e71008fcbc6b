// What every file adapter (X12, CSV, OCEL, NDJSON) yields: an event that passed the common
// event model, or a rejected item with where it was found and why, so callers can stream
// events to the pipeline in batches and count rejects by reason.
import { hash } from 'node:crypto';
import { validateEvent, type CtEvent } from '../events/schema.ts';
import { findLoneSurrogate, loneSurrogateError } from '../events/wellFormedText.ts';

export type ImportError = { where: string; reason: string };
/** `where` on an event says which record it came from (line, control numbers), for per-record answers. */
export type ImportResult = { event: CtEvent; where?: string } | { error: ImportError };

export type ImportAdapter<Options> = (input: NodeJS.ReadableStream | string, options: Options) => AsyncIterable<ImportResult>;

export const rejected = (where: string, reason: string): ImportResult => ({ error: { where, reason } });

/** Validates a candidate built by an adapter; an invalid one becomes an error at `where`. */
export function checked(candidate: unknown, where: string): ImportResult {
  const badText = findLoneSurrogate(candidate);
  if (badText) return rejected(where, loneSurrogateError(badText));
  const result = validateEvent(candidate);
  return result.ok ? { event: result.event, where } : rejected(where, result.error);
}

/**
 * A stable event id from the parts that identify a record in its source and a hash of its
 * content, so that importing the same file twice yields the same ids and the pipeline's
 * event-id dedupe drops the second copy.
 */
export function deterministicId(prefix: string, parts: readonly string[], content: string): string {
  let id = prefix;
  for (const part of parts) id += `:${UNSAFE_IN_ID.test(part) ? part.replace(UNSAFE_IN_ID_ALL, '_') : part}`;
  return `${id}:${hash('sha256', content).slice(0, 20)}`.slice(0, 256);
}

// ':' separates the parts of an id; whitespace would make ids awkward to quote.
const UNSAFE_IN_ID = /[\s:]/;
const UNSAFE_IN_ID_ALL = /[\s:]+/g;

/** Reads a string or a stream as text (for formats that are not line-oriented). */
export async function* textChunks(input: NodeJS.ReadableStream | string): AsyncIterable<string> {
  if (typeof input === 'string') {
    yield input;
    return;
  }
  const decoder = new TextDecoder();
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    yield typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
  }
  const tail = decoder.decode();
  if (tail) yield tail;
}
