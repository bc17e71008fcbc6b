// Entry point: parses the CLI; each command loads config once and wires its parts.
import { Command, CommanderError } from 'commander';
import { ConfigError } from './config.ts';
import { serveCommand } from './cli/serve.ts';
import { migrateCommand } from './cli/migrate.ts';
import { simulateCommand } from './cli/simulate.ts';
import { importCommand } from './cli/import.ts';
import { baselineCommand } from './cli/baseline.ts';

const program = new Command('control-tower')
  .description('Real-time control tower for order-management exceptions in distribution')
  .showHelpAfterError()
  .exitOverride();

program.addCommand(serveCommand());
program.addCommand(migrateCommand());
program.addCommand(simulateCommand());
program.addCommand(importCommand());
program.addCommand(baselineCommand());

process.on('uncaughtException', (err) => {
  // Data is safe by design (nothing acknowledged before it is stored): log, exit, let the supervisor restart.
  console.error('control-tower: uncaught exception', err);
  process.exit(70);
});

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  if (err instanceof ConfigError) {
    console.error(`control-tower: ${err.message}`);
    process.exit(2);
  }
  console.error('control-tower:', err);
  process.exit(1);
}
