// Drives a simulator against a sink: first catches up to a point in simulated time as fast as
// the sink takes events (backfill), then runs live with simulated time moving `speed` times
// faster than the injected clock. Batches keep their order; a batch is delivered before the next.
import type { CtEvent } from '../events/schema.ts';
import type { Simulator } from './simulator.ts';

export interface DriveOptions {
  sim: Simulator;
  deliver: (batch: CtEvent[]) => Promise<void>;
  batchSize: number;
  /** Simulated time to reach as fast as deliver allows (backfill end). */
  catchUpTo: number;
  /** Simulated seconds per clock second after catch-up; Infinity runs flat out. */
  speed: number;
  /** Simulated time to stop at; Infinity runs until the signal aborts. */
  stopAt: number;
  clock: () => number;
  sleep: (ms: number) => Promise<void>;
  tickMs?: number;
  signal?: AbortSignal;
  onProgress?: (info: { simTs: number; events: number; live: boolean }) => void;
}

const CHUNK_MS = 10 * 60_000;

export async function drive(opts: DriveOptions): Promise<{ events: number; simTs: number }> {
  const { sim, batchSize } = opts;
  let simNow = sim.now;
  let buffer: CtEvent[] = [];
  let total = 0;
  const stopped = (): boolean => opts.signal?.aborted === true;
  const flush = async (all: boolean): Promise<void> => {
    while (buffer.length >= batchSize || (all && buffer.length > 0)) {
      const batch = buffer.slice(0, batchSize);
      await opts.deliver(batch);
      buffer = buffer.slice(batch.length);
      total += batch.length;
    }
  };
  const advance = async (target: number, live: boolean): Promise<void> => {
    while (simNow < target && !stopped()) {
      simNow = Math.min(simNow + CHUNK_MS, target);
      for (const e of sim.advanceTo(simNow)) buffer.push(e);
      await flush(false);
    }
    await flush(live || simNow >= opts.stopAt);
    opts.onProgress?.({ simTs: simNow, events: total, live });
  };

  const catchUp = Math.min(opts.catchUpTo, opts.stopAt);
  await advance(catchUp, false);
  if (opts.speed === Infinity) {
    while (!stopped() && simNow < opts.stopAt) await advance(Math.min(opts.stopAt, simNow + CHUNK_MS * 6), false);
  } else {
    const wallStart = opts.clock();
    const simStart = simNow;
    while (!stopped() && simNow < opts.stopAt) {
      await opts.sleep(opts.tickMs ?? 1000);
      if (stopped()) break;
      await advance(Math.min(opts.stopAt, simStart + (opts.clock() - wallStart) * opts.speed), true);
    }
  }
  await flush(true);
  return { events: total, simTs: simNow };
}
