// Runs the simulator inside the server for `serve --demo`. A restart on the same data
// continues where the stored history ends (no second backfill over the same days), with a
// new seed so the new events' ids never collide with stored ones.
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { CtEvent } from '../events/schema.ts';
import type { Store } from '../store/client.ts';
import { lastSimulatedEventMs } from '../store/lastSimulatedEvent.ts';
import { startDemo, type Demo } from './demo.ts';

const DAY_MS = 86_400_000;

export async function startDemoMode(deps: {
  config: Pick<Config, 'demoSpeed' | 'demoBackfillDays' | 'demoLinesPerDay'>;
  store: Store;
  submit: (events: CtEvent[]) => Promise<{ accepted: number; duplicates: number }>;
  logger: Logger;
  now: () => number;
}): Promise<Demo> {
  const now = deps.now();
  const last = await lastSimulatedEventMs(deps.store.client);
  const backfillDays = last === null ? deps.config.demoBackfillDays : Math.min(deps.config.demoBackfillDays, Math.max(0, (now - last) / DAY_MS));
  const seed = Math.floor(now / 1000) % 2_147_483_647;
  deps.logger.info({ seed, backfillDays: Number(backfillDays.toFixed(3)), speed: deps.config.demoSpeed, continuing: last !== null }, 'demo simulator starting');
  return startDemo({
    submit: deps.submit,
    clock: deps.now,
    speed: deps.config.demoSpeed,
    backfillDays,
    seed,
    sim: { linesPerDay: deps.config.demoLinesPerDay },
    logger: deps.logger,
    // Backfill goes straight into the pipeline: one submit fills one insert batch.
    batchSize: 10_000,
  });
}
