import { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { startServer } from '../server.ts';
import { applyHeapGrowingPercent } from '../heapPolicy.ts';
import { commonStoreOptions, storeFlags, type StoreFlagValues } from './storeOptions.ts';

type ServeFlags = StoreFlagValues & { port?: string; host?: string; demo?: boolean; logLevel?: string };

export function serveCommand(): Command {
  return commonStoreOptions(new Command('serve'))
    .description('run the control tower: ingest API, pipeline, live dashboard')
    .option('-p, --port <port>', 'HTTP port (env PORT, default 8080)')
    .option('--host <host>', 'interface to listen on (env HOST, default 0.0.0.0)')
    .option('--demo', 'run the built-in distributor simulator with backfilled history')
    .option('--no-demo', 'do not run the simulator')
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent')
    .action(async (flags: ServeFlags) => {
      const config = loadConfig(process.env, { ...storeFlags(flags), port: flags.port, host: flags.host, demo: flags.demo, logLevel: flags.logLevel });
      const logger = createLogger(config.logLevel);
      applyHeapGrowingPercent(config.heapGrowingPercent);
      const server = await startServer(config, { logger });
      const stop = async (signal: string) => {
        logger.info({ signal }, 'stopping: intake closed, draining');
        const deadline = setTimeout(() => {
          logger.error('drain did not finish in 25 s; exiting');
          process.exit(1);
        }, 25_000);
        deadline.unref();
        await server.close();
        logger.info('stopped cleanly');
        process.exit(0);
      };
      process.once('SIGTERM', () => void stop('SIGTERM'));
      process.once('SIGINT', () => void stop('SIGINT'));
    });
}
