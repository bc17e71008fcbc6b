// `control-tower simulate`: runs the distributor simulator and streams its events to a tower
// (POST /api/v1/events, NDJSON, retried) or writes them to an NDJSON file.
import { Command, InvalidArgumentError, Option } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { parseSimConfig, SimConfigError } from '../sim/config.ts';
import { DAY } from '../sim/context.ts';
import { drive } from '../sim/driver.ts';
import { createFileSink } from '../sim/fileSink.ts';
import { createHttpSink } from '../sim/httpSink.ts';
import { createSimulator } from '../sim/simulator.ts';

interface SimulateFlags {
  seed: number;
  rate?: number;
  days?: number;
  backfillDays: number;
  start?: number;
  linesPerDay?: number;
  target?: string;
  out?: string;
  apiKey?: string;
  batchSize: number;
  config?: string;
  manifest?: string;
}

const integer = (name: string, min: number, max: number) => (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}.`);
  return n;
};

const positiveNumber = (name: string, max: number) => (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > max) throw new InvalidArgumentError(`${name} must be a number above 0 and at most ${max}.`);
  return n;
};

const parseRate = (value: string): number => (value === 'max' ? Infinity : positiveNumber('rate', 100_000)(value));

const parseStart = (value: string): number => {
  const ts = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(ts)) throw new InvalidArgumentError('start must be an ISO-8601 date or time, e.g. 2025-03-03T00:00:00Z.');
  return ts;
};

const parseTarget = (value: string): string => {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error();
    return value;
  } catch {
    throw new InvalidArgumentError('target must be an http(s) URL, e.g. http://127.0.0.1:8080.');
  }
};

function loadConfigFile(path: string): Record<string, unknown> {
  const text = readFileSync(path, 'utf8');
  const data: unknown = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new SimConfigError(`${path}: expected a mapping of simulator settings`);
  return data as Record<string, unknown>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function simulateCommand(): Command {
  return new Command('simulate')
    .description('run the distributor simulator (digital twin) and stream its events to a tower or an NDJSON file')
    .addOption(new Option('--target <url>', 'tower base URL; events go to POST <url>/api/v1/events').argParser(parseTarget).conflicts('out'))
    .addOption(new Option('--out <file>', 'write NDJSON to this file instead of sending').conflicts('target'))
    .option('--seed <n>', 'seed of the simulation: the same seed gives the same events with the same ids', integer('seed', 0, 0xffffffff), 1)
    .option(
      '--rate <speed>',
      'speed factor: simulated seconds per real second once live (1 = real time, 60 = a day in 24 min, "max" = as fast as the target accepts). Default 60 with --target, max with --out',
      parseRate,
    )
    .option('--days <n>', 'stop after N simulated days from the start (default: run until stopped)', positiveNumber('days', 3650))
    .option('--backfill-days <n>', 'first emit N days of history (ending now) as fast as the target takes it, then run live', integer('backfill-days', 0, 365), 0)
    .option('--start <iso>', 'simulated start time (default: now minus --backfill-days; with --out, today 00:00 UTC)', parseStart)
    .option('--lines-per-day <n>', 'order lines per simulated day (default 80000, the reference national distributor)', integer('lines-per-day', 100, 5_000_000))
    .option('--batch-size <n>', 'events per request or write', integer('batch-size', 1, 100_000), 1000)
    .option('--api-key <key>', 'ingest API key, sent as a Bearer token')
    .option('--config <file>', 'JSON or YAML file with further simulator settings (customers, skus, warehouses, faultRates, …)')
    .option('--manifest <file>', 'write the fault manifest (ground truth of every exception produced) as JSON when done')
    .action(async function (this: Command, flags: SimulateFlags) {
      if (!flags.target && !flags.out) this.error('error: one of --target <url> or --out <file> is required');
      const wallNow = Date.now();
      const start = flags.start ?? (flags.out && !flags.backfillDays ? Math.floor(wallNow / DAY) * DAY : wallNow - flags.backfillDays * DAY);
      let sim;
      try {
        const fileConfig = flags.config ? loadConfigFile(flags.config) : {};
        const config = parseSimConfig({ ...fileConfig, seed: flags.seed, startTs: start, ...(flags.linesPerDay ? { linesPerDay: flags.linesPerDay } : {}) });
        sim = createSimulator(config);
      } catch (error) {
        if (error instanceof SimConfigError || error instanceof SyntaxError || (error as NodeJS.ErrnoException).code === 'ENOENT') this.error(`error: ${(error as Error).message}`);
        throw error;
      }
      const controller = new AbortController();
      const onSignal = (): void => controller.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      const file = flags.out ? createFileSink(flags.out) : null;
      let accepted = 0;
      let duplicates = 0;
      let rejected = 0;
      const send = flags.target
        ? createHttpSink({
            target: flags.target,
            apiKey: flags.apiKey,
            retry: {
              sleep,
              random: Math.random,
              maxElapsedMs: 10 * 60_000,
              onRetry: ({ attempt, delayMs, error }) => console.error(`retrying in ${Math.round(delayMs)} ms (attempt ${attempt}): ${error.message}`),
            },
          })
        : null;
      let lastReport = 0;
      const result = await drive({
        sim,
        batchSize: flags.batchSize,
        deliver: async (batch) => {
          if (file) return file.write(batch);
          const outcome = await send!(batch);
          accepted += outcome.accepted;
          duplicates += outcome.duplicates;
          rejected += outcome.rejected.length;
          for (const r of outcome.rejected.slice(0, 3)) console.error(`rejected event ${batch[r.index]?.id}: ${r.error}`);
        },
        catchUpTo: start + flags.backfillDays * DAY,
        speed: flags.rate ?? (flags.out ? Infinity : 60),
        stopAt: flags.days ? start + flags.days * DAY : Infinity,
        clock: Date.now,
        sleep,
        signal: controller.signal,
        onProgress: ({ simTs, events }) => {
          if (events - lastReport < 200_000) return;
          lastReport = events;
          console.error(`${new Date(simTs).toISOString()}  ${events} events`);
        },
      }).finally(async () => {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await file?.close();
      });
      if (flags.manifest) writeFileSync(flags.manifest, JSON.stringify(sim.faults, null, 2));
      const byType: Record<string, number> = {};
      for (const f of sim.faults) byType[f.type] = (byType[f.type] ?? 0) + 1;
      const sent = flags.target ? `, accepted ${accepted}, duplicates ${duplicates}, rejected ${rejected}` : ` to ${flags.out}`;
      console.error(`simulated to ${new Date(result.simTs).toISOString()}: ${result.events} events${sent}; faults ${JSON.stringify(byType)}`);
    });
}
