// One outbound webhook call with retries: a timeout per attempt, exponential backoff with
// full jitter between attempts, and the same Idempotency-Key header on every attempt so
// the receiving system can apply the command once however often it arrives.
export type RetryPolicy = {
  timeoutMs: number;
  maxAttempts: number;
  backoffMs: number;
  maxBackoffMs?: number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
};

export type AttemptReport = { attempt: number; status?: number; error?: string; response?: string; ms: number };
export type WebhookResult = { ok: true; status: number; response: string; attempts: number } | { ok: false; error: string; status?: number; attempts: number; retryable: boolean };

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Delay before attempt n+1: uniform in [0, min(max, base·2^(n−1))] ("full jitter"). */
export function backoffDelay(attempt: number, p: RetryPolicy): number {
  const ceiling = Math.min(p.maxBackoffMs ?? 30_000, p.backoffMs * 2 ** (attempt - 1));
  return Math.round((p.random ?? Math.random)() * ceiling);
}

/** 5xx, 408 and 429 may succeed later; any other 4xx is a refusal that retrying will not change. */
const retryableStatus = (s: number) => s >= 500 || s === 408 || s === 429;

export async function postWebhook(url: string, body: unknown, idempotencyKey: string, policy: RetryPolicy, onAttempt: (r: AttemptReport) => void = () => {}): Promise<WebhookResult> {
  const sleep = policy.sleep ?? defaultSleep;
  let last: WebhookResult = { ok: false, error: 'not attempted', attempts: 0, retryable: true };
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
    const started = performance.now();
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(policy.timeoutMs),
      });
      const text = (await res.text()).slice(0, 4000);
      onAttempt({ attempt, status: res.status, response: text, ms: Math.round(performance.now() - started) });
      if (res.ok) return { ok: true, status: res.status, response: text, attempts: attempt };
      last = { ok: false, status: res.status, error: `HTTP ${res.status}: ${text.slice(0, 300)}`, attempts: attempt, retryable: retryableStatus(res.status) };
      if (!last.retryable) return last;
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      const error = e.name === 'TimeoutError' ? `timed out after ${policy.timeoutMs} ms` : `${e.cause?.code ?? e.name}: ${e.message}`;
      onAttempt({ attempt, error, ms: Math.round(performance.now() - started) });
      last = { ok: false, error, attempts: attempt, retryable: true };
    }
    if (attempt < policy.maxAttempts) await sleep(backoffDelay(attempt, policy));
  }
  return last;
}
