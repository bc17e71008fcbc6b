// Flags shared by every command that opens the store.
import type { Command } from 'commander';

export type StoreFlagValues = { data?: string; clickhouseUrl?: string; database?: string };

export function commonStoreOptions(cmd: Command): Command {
  return cmd
    .option('-d, --data <dir>', 'data directory of the embedded engine (env CONTROL_TOWER_DATA, default ./data)')
    .option('--clickhouse-url <url>', 'use a ClickHouse server instead of the embedded engine (env CLICKHOUSE_URL)')
    .option('--database <name>', 'database name (env CLICKHOUSE_DATABASE, default control_tower)');
}

export const storeFlags = (f: StoreFlagValues) => ({ dataDir: f.data, clickhouseUrl: f.clickhouseUrl, database: f.database });
