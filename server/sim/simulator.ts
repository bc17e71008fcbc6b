// createSimulator: the digital twin of a distributor. Pure and clock-free: the caller moves
// event time forward with advanceTo(ts) and receives the events of that window in time order.
import type { ActionCommand } from '../contracts/actionCommand.ts';
import type { CtEvent } from '../events/schema.ts';
import { parseSimConfig, type SimConfig } from './config.ts';
import { createContext, DAY, type SimContext } from './context.ts';
import { CURVE_MAX, intensity } from './curve.ts';
import type { Fault } from './faults.ts';
import { installFulfilment } from './fulfilment.ts';
import { buildStock, startInventoryCycle, startSyncDivergence } from './inventory.ts';
import { startOrderArrivals } from './orders.ts';
import { createRng } from './prng.ts';
import { createResponder } from './respond.ts';
import { startCarrierOutage, startInterfaceBurst, startRetryStorm } from './telemetry.ts';
import { buildWorld, type World } from './world.ts';

export interface Simulator {
  readonly config: SimConfig;
  readonly world: World;
  /** Event time up to which events have been produced (epoch ms). */
  readonly now: number;
  /** Ground truth: every fault (exception situation) produced so far, in order of start. */
  readonly faults: readonly Fault[];
  /** Produces the events with now < ts ≤ until, in event-time order. */
  advanceTo(until: number): CtEvent[];
  /** The ERP/TMS answer to a tower action; idempotent per idempotencyKey. */
  respond(command: ActionCommand, nowMs: number): CtEvent[];
}

/** Poisson episodes per day, denser in busy hours (failures follow load). */
function startEpisodes(ctx: SimContext, perDay: number, start: (ctx: SimContext) => void): void {
  if (perDay <= 0) return;
  const rate = (perDay / DAY) * CURVE_MAX;
  const step = (): void => {
    if (ctx.rng.next() * CURVE_MAX < intensity(ctx.now)) start(ctx);
    ctx.at(ctx.now + ctx.rng.exponential(rate), step);
  };
  ctx.at(ctx.now + ctx.rng.exponential(rate), step);
}

export function createSimulator(input: unknown): Simulator {
  const config = parseSimConfig(input);
  const world = buildWorld(config);
  const ctx = createContext(config, world, createRng(config.seed));
  buildStock(ctx);
  installFulfilment(ctx);
  startOrderArrivals(ctx);
  startInventoryCycle(ctx);
  const rates = config.faultRates;
  startEpisodes(ctx, rates.inventorySyncPerDay, startSyncDivergence);
  startEpisodes(ctx, rates.carrierOutagesPerDay, startCarrierOutage);
  startEpisodes(ctx, rates.interfaceBurstsPerDay, startInterfaceBurst);
  startEpisodes(ctx, rates.retryStormsPerDay, startRetryStorm);
  const respond = createResponder(ctx);
  let horizon = config.startTs;
  return {
    config,
    world,
    get now() {
      return horizon;
    },
    get faults() {
      return ctx.ledger.faults;
    },
    advanceTo(until) {
      while (ctx.queue.peekTs() <= until) {
        const task = ctx.queue.pop()!;
        ctx.now = task.ts;
        task.run();
      }
      horizon = Math.max(horizon, until);
      ctx.now = horizon;
      const out = ctx.out;
      ctx.out = [];
      return out;
    },
    respond,
  };
}
