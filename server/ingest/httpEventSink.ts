// Sends imported events to a running tower: NDJSON batches to POST /api/v1/events. A 429 or 503
// means the tower is saturated or its store is down for a moment: wait Retry-After seconds and
// send the same batch again (ids make the retry idempotent). Other refusals stop the import.
import type { CtEvent } from '../events/schema.ts';
import type { EventSink, SinkOutcome } from './importRun.ts';

export type HttpSinkOptions = {
  target: string;
  apiKey?: string;
  maxAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
  onRetry?: (status: number, waitMs: number) => void;
};

const DEFAULT_RETRY_SECONDS = 1;
const MAX_RETRY_SECONDS = 60;

export class ImportTargetError extends Error {}

export function httpEventSink(options: HttpSinkOptions): EventSink {
  const url = new URL('/api/v1/events', options.target).toString();
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const maxAttempts = options.maxAttempts ?? 30;
  return {
    async send(events: CtEvent[]): Promise<SinkOutcome> {
      const body = events.map((event) => JSON.stringify(event)).join('\n') + '\n';
      for (let attempt = 1; ; attempt++) {
        let response: Response;
        try {
          response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/x-ndjson', ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}) },
            body,
          });
        } catch (error) {
          throw new ImportTargetError(`cannot reach ${url}: ${(error as Error).message}`);
        }
        if (response.status === 202) return (await response.json()) as SinkOutcome;
        const text = await response.text();
        // The tower answers 400 when every event of a batch is invalid; that is a batch of rejects, not a failed import.
        const allRejected = response.status === 400 ? rejectedList(text) : undefined;
        if (allRejected) return { accepted: 0, duplicates: 0, rejected: allRejected };
        if ((response.status === 429 || response.status === 503) && attempt < maxAttempts) {
          const seconds = Number(response.headers.get('retry-after'));
          const waitMs = Math.min(Number.isFinite(seconds) && seconds >= 0 ? seconds : DEFAULT_RETRY_SECONDS, MAX_RETRY_SECONDS) * 1000;
          options.onRetry?.(response.status, waitMs);
          await sleep(waitMs);
          continue;
        }
        throw new ImportTargetError(`${url} answered ${response.status}${attempt > 1 ? ` after ${attempt} attempts` : ''}: ${text.slice(0, 500)}`);
      }
    },
  };
}

function rejectedList(text: string): SinkOutcome['rejected'] | undefined {
  try {
    const rejected = (JSON.parse(text) as { error?: { details?: { rejected?: unknown } } }).error?.details?.rejected;
    return Array.isArray(rejected) ? (rejected as SinkOutcome['rejected']) : undefined;
  } catch {
    return undefined;
  }
}
