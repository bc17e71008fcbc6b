// Streams events to a running tower through the public ingest API (POST /api/v1/events,
// NDJSON). 429/503 are retried after Retry-After; refused connections, resets, timeouts and
// other 5xx with backoff; any other answer is a hard error naming the status and body.
import type { CtEvent } from '../events/schema.ts';
import { parseRetryAfter, RetryableError, withRetry, type RetryPolicy } from './retry.ts';

export interface IngestOutcome {
  accepted: number;
  duplicates: number;
  rejected: { index: number; error: string }[];
}

export interface HttpSinkOptions {
  /** Base URL of the tower, e.g. http://127.0.0.1:8080 */
  target: string;
  apiKey?: string;
  timeoutMs?: number;
  retry: RetryPolicy;
}

export function toNdjson(events: readonly CtEvent[]): string {
  let out = '';
  for (const e of events) out += JSON.stringify(e) + '\n';
  return out;
}

export function createHttpSink(opts: HttpSinkOptions): (events: readonly CtEvent[]) => Promise<IngestOutcome> {
  const url = new URL('/api/v1/events', opts.target).toString();
  const headers: Record<string, string> = { 'content-type': 'application/x-ndjson' };
  if (opts.apiKey) headers.authorization = `Bearer ${opts.apiKey}`;
  const now = opts.retry.now ?? Date.now;
  return async (events) => {
    const body = toNdjson(events);
    return withRetry(async () => {
      let res: Response;
      try {
        res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000) });
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
        throw new RetryableError(`POST ${url} failed: ${cause}`);
      }
      const text = await res.text().catch(() => '');
      if (res.status === 429 || res.status === 503) throw new RetryableError(`POST ${url}: ${res.status}`, parseRetryAfter(res.headers.get('retry-after'), now()));
      if (res.status >= 500) throw new RetryableError(`POST ${url}: ${res.status} ${text.slice(0, 200)}`);
      if (res.status !== 202 && res.status !== 200) throw new Error(`POST ${url}: ${res.status} ${text.slice(0, 500)}`);
      const parsed = JSON.parse(text) as Partial<IngestOutcome>;
      return { accepted: parsed.accepted ?? 0, duplicates: parsed.duplicates ?? 0, rejected: parsed.rejected ?? [] };
    }, opts.retry);
  };
}
