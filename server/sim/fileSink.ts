// Writes events as NDJSON (one event per line) to a file, honouring stream backpressure.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { CtEvent } from '../events/schema.ts';
import { toNdjson } from './httpSink.ts';

export interface FileSink {
  write(events: readonly CtEvent[]): Promise<void>;
  close(): Promise<void>;
}

export function createFileSink(path: string): FileSink {
  const stream = createWriteStream(path, { encoding: 'utf8' });
  let failure: Error | null = null;
  stream.on('error', (error) => (failure = error));
  return {
    async write(events) {
      if (failure) throw failure;
      if (!stream.write(toNdjson(events))) await Promise.race([once(stream, 'drain'), once(stream, 'error')]);
      if (failure) throw failure;
    },
    async close() {
      stream.end();
      await once(stream, 'finish');
      if (failure) throw failure;
    },
  };
}
