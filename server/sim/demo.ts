// Demo mode: the tower shows a working business the moment it starts. Backfills a few days of
// history as fast as the pipeline accepts it, then runs live at a speed factor.
import type { CtEvent } from '../events/schema.ts';
import { DAY } from './context.ts';
import { drive } from './driver.ts';
import { RetryableError, withRetry } from './retry.ts';
import { createSimulator, type Simulator } from './simulator.ts';
import type { SimConfigInput } from './config.ts';
import { createRng, deriveSeed } from './prng.ts';

export interface DemoLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface DemoOptions {
  /** The server's pipeline entry. May throw an error with `status` 429/503 meaning "retry later". */
  submit: (events: CtEvent[]) => Promise<{ accepted: number; duplicates: number }>;
  clock?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Simulated seconds per real second once live (default 60). */
  speed?: number;
  backfillDays?: number;
  seed?: number;
  /** Further simulator settings (sizes, fault rates). */
  sim?: Omit<SimConfigInput, 'seed' | 'startTs'>;
  logger?: DemoLogger;
  batchSize?: number;
}

export interface Demo {
  readonly sim: Simulator;
  stop(): Promise<void>;
  /** Resolves when the demo stops; a failure is logged, never thrown into the server. */
  readonly done: Promise<void>;
}

const abortableSleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

const isRetryLater = (error: unknown): boolean => {
  const status = (error as { status?: unknown; statusCode?: unknown } | null)?.status ?? (error as { statusCode?: unknown } | null)?.statusCode;
  return status === 429 || status === 503;
};

/** Retry-After of an AppError-like error (`headers['Retry-After']` in seconds), if it has one. */
function retryAfterMs(error: unknown): number | undefined {
  const header = (error as { headers?: Record<string, string> }).headers?.['Retry-After'];
  const seconds = header === undefined ? NaN : Number(header);
  return Number.isFinite(seconds) ? seconds * 1000 : undefined;
}

export function startDemo(opts: DemoOptions): Demo {
  const clock = opts.clock ?? Date.now;
  const sleep = opts.sleep ?? abortableSleep;
  const controller = new AbortController();
  const backfillDays = opts.backfillDays ?? 3;
  const now = clock();
  const sim = createSimulator({ ...opts.sim, seed: opts.seed ?? 1, startTs: now - backfillDays * DAY });
  const logger = opts.logger;
  const jitter = createRng(deriveSeed(opts.seed ?? 1, 'demo-retry'));
  const deliver = async (batch: CtEvent[]): Promise<void> => {
    await withRetry(
      async () => {
        try {
          await opts.submit(batch);
        } catch (error) {
          if (isRetryLater(error)) throw new RetryableError((error as Error).message ?? 'retry later', retryAfterMs(error));
          throw error;
        }
      },
      { sleep: (ms) => sleep(ms, controller.signal), random: jitter.next, baseDelayMs: 100, maxDelayMs: 5000, signal: controller.signal },
    );
  };
  let lastLog = 0;
  const done = drive({
    sim,
    deliver,
    batchSize: opts.batchSize ?? 1000,
    catchUpTo: now,
    speed: opts.speed ?? 60,
    stopAt: Infinity,
    clock,
    sleep: (ms) => sleep(ms, controller.signal),
    signal: controller.signal,
    onProgress: ({ simTs, events, live }) => {
      if (events - lastLog < 100_000) return;
      lastLog = events;
      logger?.info({ simTs: new Date(simTs).toISOString(), events, live }, live ? 'demo simulator running' : 'demo backfill');
    },
  }).then(
    ({ events }) => logger?.info({ events }, 'demo simulator stopped'),
    (error: unknown) => {
      if (controller.signal.aborted) return;
      logger?.warn({ err: error }, 'demo simulator failed');
    },
  );
  return {
    sim,
    done,
    async stop() {
      controller.abort();
      await done.catch(() => {});
    },
  };
}
