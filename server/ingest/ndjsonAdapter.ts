// NDJSON file (one common event per line) → validated events; bad lines name their number.
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { checked, rejected, type ImportResult } from './importResult.ts';

export async function* importNdjson(input: NodeJS.ReadableStream | string): AsyncIterable<ImportResult> {
  const stream = typeof input === 'string' ? Readable.from([input]) : input;
  let line = 0;
  for await (const text of createInterface({ input: stream, crlfDelay: Infinity })) {
    line++;
    if (!text.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      yield rejected(`line ${line}`, `not JSON: ${(error as Error).message}`);
      continue;
    }
    yield checked(value, `line ${line}`);
  }
}
