// `control-tower import <file>`: reads an X12, CSV/TSV, OCEL or NDJSON file, turns it into
// common events and sends them in batches to a running tower (--target) or the embedded
// pipeline (--data). Prints a progress bar on a terminal and a summary of rejects by reason.
import { Command, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { importCsv } from '../ingest/csv/csvAdapter.ts';
import { importX12 } from '../ingest/edi/x12Adapter.ts';
import { httpEventSink, ImportTargetError } from '../ingest/httpEventSink.ts';
import type { ImportResult } from '../ingest/importResult.ts';
import { runImport, type EventSink, type ImportSummary } from '../ingest/importRun.ts';
import { loadMapping, MappingError, type MappingFile } from '../ingest/mappingFile.ts';
import { importNdjson } from '../ingest/ndjsonAdapter.ts';
import { importOcel } from '../ingest/ocel/ocelAdapter.ts';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { importBatchesInFlight, openEmbeddedSink, type DetectionTally, type EmbeddedSink } from './importEmbedded.ts';
import { storeFlags, type StoreFlagValues } from './storeOptions.ts';
import { OcelFormatError } from '../ingest/ocel/ocelLog.ts';

export const IMPORT_FORMATS = ['x12', 'csv', 'ocel', 'ndjson'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

type ImportFlags = StoreFlagValues & {
  format: ImportFormat;
  mapping?: string;
  target?: string;
  apiKey?: string;
  timezone?: string;
  batchSize: string;
  dryRun?: boolean;
};

export type ImportCommandDeps = {
  out?: NodeJS.WritableStream & { isTTY?: boolean };
  err?: NodeJS.WritableStream;
  /** Opens the in-process pipeline for --data / --clickhouse-url (default: the real store and pipeline). */
  embeddedSink?: (config: Config) => Promise<EmbeddedSink>;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
};

/** Exit code when the import finished but some records were rejected. */
export const EXIT_SOME_REJECTED = 3;

/** Exit code when the import could not run: bad mapping, unreadable file, tower refusing. */
export const EXIT_CANNOT_IMPORT = 2;

export function importCommand(deps: ImportCommandDeps = {}): Command {
  return new Command('import')
    .description('import an EDI X12, ERP CSV/TSV, OCEL or NDJSON file as events (exit code 3 when records were rejected)')
    .argument('<file>', 'file to import')
    .addOption(new Option('--format <format>', 'input format').choices(IMPORT_FORMATS).makeOptionMandatory())
    .option('--mapping <file>', 'mapping file (JSON or YAML) for csv and ocel')
    .option('--target <url>', 'base URL of a running control tower, e.g. http://localhost:8080')
    .option('-d, --data <dir>', 'data directory of the embedded store: run the pipeline in this process')
    .option('--clickhouse-url <url>', 'run the pipeline in this process against a ClickHouse server (env CLICKHOUSE_URL)')
    .option('--database <name>', 'database name (env CLICKHOUSE_DATABASE, default control_tower)')
    .option('--api-key <key>', 'API key for --target (ingest role)')
    .option('--timezone <zone>', 'zone of X12 envelope and document times (default UTC)')
    .option('--batch-size <n>', 'events per batch', '1000')
    .option('--dry-run', 'read, map and validate only; send nothing')
    .action(async (file: string, flags: ImportFlags) => {
      try {
        await runCommand(file, flags, deps);
      } catch (error) {
        if (!(error instanceof MappingError || error instanceof ConfigError || error instanceof ImportTargetError || error instanceof OcelFormatError || isFileError(error))) throw error;
        (deps.err ?? process.stderr).write(`control-tower import: ${(error as Error).message}\n`);
        process.exitCode = EXIT_CANNOT_IMPORT;
      }
    });
}

const isFileError = (error: unknown) => error instanceof Error && 'code' in error && (error.code === 'ENOENT' || error.code === 'EACCES' || error.code === 'EISDIR');

async function runCommand(file: string, flags: ImportFlags, deps: ImportCommandDeps) {
  const out = deps.out ?? process.stdout;
  const size = (await stat(file)).size;
  const mapping = flags.format === 'csv' || flags.format === 'ocel' ? await mappingFor(flags) : undefined;
  const sink = await openSink(flags, deps);
  const now = deps.now ?? Date.now;
  const started = now();
  let bytesRead = 0;
  const input = createReadStream(file);
  input.on('data', (chunk) => (bytesRead += chunk.length));
  const bar = out.isTTY
    ? new SingleBar({ format: '{bar} {percentage}% | {events} events | {rate} rows/s | ETA {eta_formatted}', stream: out as NodeJS.WriteStream, etaBuffer: 20 })
    : undefined;
  bar?.start(size, 0, { events: 0, rate: 0 });
  try {
    const summary = await runImport(adapterFor(flags, file, input, mapping), sink, {
      batchSize: Number(flags.batchSize),
      // The in-process pipeline inserts up to IMPORT_ROWS_PER_INSERT per statement: keep the next one filling.
      maxInFlight: inProcess(flags) ? importBatchesInFlight(Number(flags.batchSize)) : 1,
      onProgress: (progress) => {
        const seconds = Math.max((now() - started) / 1000, 0.001);
        bar?.update(bytesRead, { events: progress.events, rate: Math.round((progress.events + progress.rejected) / seconds) });
      },
    });
    bar?.update(size);
    bar?.stop();
    out.write(formatSummary(file, flags, summary, (now() - started) / 1000));
    const detection = 'detection' in sink ? (sink as EmbeddedSink).detection?.() : undefined;
    if (detection) out.write(formatDetection(detection));
    if (summary.rejected > 0) process.exitCode = EXIT_SOME_REJECTED;
  } finally {
    bar?.stop();
    input.destroy();
  }
}

async function mappingFor(flags: ImportFlags): Promise<MappingFile> {
  if (!flags.mapping) throw new MappingError(`import: --format ${flags.format} needs --mapping <file>`);
  return loadMapping(flags.mapping);
}

const inProcess = (flags: ImportFlags) => Boolean(flags.data || flags.clickhouseUrl);

async function openSink(flags: ImportFlags, deps: ImportCommandDeps): Promise<EventSink | EmbeddedSink> {
  const chosen = [flags.target, inProcess(flags), flags.dryRun].filter(Boolean).length;
  if (chosen !== 1) throw new MappingError('import: give exactly one of --target <url>, --data <dir> (or --clickhouse-url) or --dry-run');
  if (flags.target) return httpEventSink({ target: flags.target, apiKey: flags.apiKey, sleep: deps.sleep });
  if (inProcess(flags)) {
    const config = loadConfig(process.env, storeFlags(flags));
    return (deps.embeddedSink ?? ((c: Config) => openEmbeddedSink(c, deps.now)))(config);
  }
  return { send: async (events) => ({ accepted: events.length, duplicates: 0, rejected: [] }) };
}

function adapterFor(flags: ImportFlags, file: string, input: NodeJS.ReadableStream, mapping: MappingFile | undefined): AsyncIterable<ImportResult> {
  switch (flags.format) {
    case 'x12':
      return importX12(input, { timezone: flags.timezone });
    case 'ndjson':
      return importNdjson(input);
    case 'csv':
      return importCsv(input, mapping!);
    case 'ocel':
      return importOcel(input, mapping!, { format: /\.(csv|tsv)$/i.test(file) ? 'csv' : 'json', delimiter: /\.tsv$/i.test(file) ? '\t' : ',' });
  }
}

export function formatSummary(file: string, flags: Pick<ImportFlags, 'format' | 'dryRun'>, summary: ImportSummary, seconds: number): string {
  const rate = Math.round((summary.events + summary.rejected) / Math.max(seconds, 0.001));
  const lines = [
    `${file} (${flags.format}): ${summary.events} events read, ${flags.dryRun ? 'not sent (dry run)' : `${summary.accepted} accepted, ${summary.duplicates} duplicates`}, ${summary.rejected} rejected in ${seconds.toFixed(1)} s (${rate} records/s)`,
  ];
  if (summary.byReason.length) {
    lines.push('rejects by reason:');
    for (const tally of summary.byReason) {
      lines.push(`  ${String(tally.count).padStart(7)}  ${tally.reason}`);
      for (const example of tally.examples) lines.push(`           e.g. ${example.where}: ${example.reason}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** The exceptions the embedded detection engine raised from this file, by type. */
export function formatDetection(tally: DetectionTally): string {
  const raised = Object.values(tally.raised).reduce((a, b) => a + b, 0);
  const resolved = Object.values(tally.autoResolved).reduce((a, b) => a + b, 0);
  const lines = [`exceptions detected: ${raised} (${resolved} resolved by a later event, ${tally.stillOpen} still open)`];
  for (const type of Object.keys(tally.raised).sort()) {
    const auto = tally.autoResolved[type] ?? 0;
    lines.push(`  ${String(tally.raised[type]).padStart(7)}  ${type}${auto ? ` (${auto} resolved)` : ''}`);
  }
  return lines.join('\n') + '\n';
}
