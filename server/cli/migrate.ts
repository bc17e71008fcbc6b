import { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { openStore } from '../store/client.ts';
import { migrate } from '../store/migrate.ts';
import { commonStoreOptions, storeFlags, type StoreFlagValues } from './storeOptions.ts';

export function migrateCommand(): Command {
  return commonStoreOptions(new Command('migrate'))
    .description('apply pending migrations from sql/ and exit')
    .action(async (flags: StoreFlagValues) => {
      const config = loadConfig(process.env, storeFlags(flags));
      const store = await openStore(config);
      try {
        const report = await migrate(store.client);
        console.log(report.applied.length ? `applied: ${report.applied.join(', ')}` : `nothing to apply (${report.alreadyApplied} already applied)`);
      } finally {
        await store.close();
      }
    });
}
