import { Command, Option } from 'commander';
import { z } from 'zod';
import { ConfigError, loadConfig } from '../config.ts';
import { openStore } from '../store/client.ts';
import { migrate } from '../store/migrate.ts';
import { baseline, formatBaseline, type BaselineFormat } from '../kpi/baselineReport.ts';
import { commonStoreOptions, storeFlags, type StoreFlagValues } from './storeOptions.ts';

type BaselineFlags = StoreFlagValues & { from: string; to: string; format: BaselineFormat };

/** A date is UTC midnight; a time must carry its zone (Z or ±hh:mm). */
const instant = (name: string, text: string) => {
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text;
  const ms = z.iso.datetime({ offset: true }).safeParse(iso).success ? Date.parse(iso) : NaN;
  if (Number.isNaN(ms)) throw new ConfigError(`--${name} '${text}' must be a date (2026-03-01, UTC midnight) or an ISO time with a zone`);
  return ms;
};

export function baselineCommand(): Command {
  return commonStoreOptions(new Command('baseline'))
    .description('print the KPIs of a period (exception volume, resolution time, cycle delay, manual touches, revenue at risk, fill rates)')
    .requiredOption('--from <time>', 'start of the period (inclusive), e.g. 2026-01-01 or 2026-01-01T00:00:00Z')
    .requiredOption('--to <time>', 'end of the period (exclusive)')
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'csv', 'md']).default('md'))
    .action(async (flags: BaselineFlags) => {
      const fromMs = instant('from', flags.from);
      const toMs = instant('to', flags.to);
      if (fromMs >= toMs) throw new ConfigError(`--from (${flags.from}) must be before --to (${flags.to})`);
      const config = loadConfig(process.env, storeFlags(flags));
      const store = await openStore(config);
      try {
        await migrate(store.client);
        console.log(formatBaseline(await baseline(store.client, fromMs, toMs, config.slaTargets), flags.format));
      } finally {
        await store.close();
      }
    });
}
