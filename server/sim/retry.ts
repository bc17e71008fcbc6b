// Retrying a delivery that the receiver asked us to repeat (429/503 with Retry-After) or that
// never reached it (refused, reset, timed out): exponential backoff with full jitter, capped,
// honouring Retry-After. Resending is safe because event ids are stable.

export class RetryableError extends Error {
  constructor(
    message: string,
    /** Delay the receiver asked for, if any. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'RetryableError';
  }
}

export interface RetryPolicy {
  sleep: (ms: number) => Promise<void>;
  /** Uniform [0, 1) for jitter; injected so tests are deterministic. */
  random: () => number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Give up after retrying this long (wall ms); Infinity keeps trying. */
  maxElapsedMs?: number;
  now?: () => number;
  onRetry?: (info: { attempt: number; delayMs: number; error: Error }) => void;
  signal?: AbortSignal;
}

export async function withRetry<T>(attempt: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  const base = policy.baseDelayMs ?? 200;
  const cap = policy.maxDelayMs ?? 30_000;
  const maxElapsed = policy.maxElapsedMs ?? Infinity;
  let waited = 0;
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof RetryableError)) throw error;
      if (policy.signal?.aborted) throw error;
      const backoff = Math.min(cap, base * 2 ** Math.min(n - 1, 20)) * policy.random();
      const delayMs = error.retryAfterMs !== undefined ? Math.min(cap * 4, error.retryAfterMs + backoff * 0.1) : backoff;
      if (waited + delayMs > maxElapsed) throw new Error(`gave up after ${n} attempts over ${Math.round(waited / 1000)} s: ${error.message}`);
      policy.onRetry?.({ attempt: n, delayMs, error });
      await policy.sleep(delayMs);
      waited += delayMs;
    }
  }
}

/** Parses Retry-After (delta seconds or an HTTP date) relative to `now`. */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
