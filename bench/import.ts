// Import throughput: generates an ERP order-item export (default 500,000 rows, ';' separated,
// decimal commas, split date/time columns in Europe/Berlin, two items per order, a credit hold
// every 10th order) in a temp dir and measures rows/s of parse + map + validate through
// importCsv, with peak memory; then the same file through the embedded ingest pipeline into
// chDB (dedupe + batched inserts + detection on event time), as `import --data` runs it; and the
// same events as NDJSON, parse-only and through the embedded pipeline.
// Run: npm run bench:import [-- --rows 500000]
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { IMPORT_ROWS_PER_INSERT, importBatchesInFlight, openEmbeddedSink } from '../server/cli/importEmbedded.ts';
import { parseDetectorConfig } from '../server/detect/config.ts';
import { DetectionEngine } from '../server/detect/engine.ts';
import type { CtEvent } from '../server/events/schema.ts';
import { ExceptionBook } from '../server/exceptions/book.ts';
import { openIngestStore } from '../server/pipeline/storedPipeline.ts';
import { toEventRow } from '../server/store/eventRow.ts';
import { insertEvents } from '../server/store/insertEvents.ts';
import { parseRoutingRules } from '../server/triage/routing.ts';
import { createTriage } from '../server/triage/triage.ts';
import { loadConfig } from '../server/config.ts';
import { importCsv } from '../server/ingest/csv/csvAdapter.ts';
import { runImport } from '../server/ingest/importRun.ts';
import { readBatches } from '../server/ingest/readBatches.ts';
import { importNdjson } from '../server/ingest/ndjsonAdapter.ts';
import type { ImportResult } from '../server/ingest/importResult.ts';
import { parse } from 'csv-parse';
import { loadMapping } from '../server/ingest/mappingFile.ts';

const rowsArg = process.argv.indexOf('--rows');
const ROWS = rowsArg > 0 ? Number(process.argv[rowsArg + 1]) : 500_000;
const mappingPath = new URL('../test/fixtures/import/erp-orders.mapping.yaml', import.meta.url).pathname;

async function generate(path: string, rows: number) {
  const out = createWriteStream(path);
  out.write('REC;VBELN;POSNR;KUNNR;MATNR;KWMENG;NETPR;WAERK;ERDAT;ERZET;EDATU;SPERR\n');
  let written = 0;
  let order = 0;
  while (written < rows) {
    order++;
    const day = String((order % 28) + 1).padStart(2, '0');
    const time = `${String(order % 24).padStart(2, '0')}${String(order % 60).padStart(2, '0')}15`;
    const customer = `C-${1000 + (order % 500)}`;
    let chunk = '';
    for (const item of [10, 20]) {
      if (written >= rows) break;
      chunk += `ITEM;${4_000_000 + order};${item};${customer};SKU-${(order * 7 + item) % 5000};${(order % 40) + 1};${(order % 90) + 1},50;EUR;${day}.03.2024;${time};${day}.04.2024;\n`;
      written++;
    }
    if (order % 10 === 0 && written < rows) {
      chunk += `HOLD;${4_000_000 + order};;${customer};;;;;${day}.03.2024;${time};;KR\n`;
      written++;
    }
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** CPU of this process (the engine's threads included) per 100,000 input rows: what the figure costs on a shared machine. */
const perHundredK = (cpu: NodeJS.CpuUsage, rows: number) => `${(((cpu.user + cpu.system) / 1e6) * (100_000 / rows)).toFixed(2)} CPU-s per 100k rows`;

const dir = await mkdtemp(join(tmpdir(), 'ct-bench-import-'));
try {
  const file = join(dir, 'orders.csv');
  await generate(file, ROWS);
  const bytes = (await stat(file)).size;
  const mapping = await loadMapping(mappingPath);
  // Orders with a full ship-to, so that detection sees realistic orders, not 100 % missing master data.
  const item = mapping.csv?.records.ITEM;
  if (item?.kind === 'event') Object.assign(item.attrs, { 'shipTo.country': { value: 'DE' }, 'shipTo.taxJurisdiction': { value: 'DE-BE' } });
  // The floor under the adapter: csv-parse alone on the same file, with the same options.
  const parseStarted = performance.now();
  let parsedRows = 0;
  const parser = createReadStream(file).pipe(parse({ delimiter: ';', info: true, relax_column_count: true, bom: true, skip_empty_lines: true, skip_records_with_error: true }));
  for await (const batch of readBatches(parser)) parsedRows += batch.length;
  const parseSeconds = (performance.now() - parseStarted) / 1000;
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let events = 0;
  let rejects = 0;
  for await (const result of importCsv(createReadStream(file), mapping)) {
    if ('event' in result) events++;
    else rejects++;
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  // CPU time of this process: the machine is shared, so wall time alone says more about the neighbours.
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  console.log(`bench:import csv  rows=${ROWS} file=${(bytes / 1e6).toFixed(1)} MB events=${events} rejects=${rejects}`);
  console.log(`  parse+map+validate: ${seconds.toFixed(2)} s, ${Math.round(ROWS / seconds).toLocaleString('en')} rows/s, ${Math.round(events / seconds).toLocaleString('en')} events/s`);
  console.log(`  (csv-parse alone: ${Math.round(parsedRows / parseSeconds).toLocaleString('en')} rows/s)`);
  console.log(`  CPU time ${cpuSeconds.toFixed(2)} s → ${Math.round(ROWS / cpuSeconds).toLocaleString('en')} rows per CPU-second, ${perHundredK(cpu, ROWS)} (load average ${loadavg()[0].toFixed(2)} on ${cpus().length} cores)`);
  console.log(`  peak RSS ${(peakRss / 1e6).toFixed(0)} MB`);

  // The same events as NDJSON (the format of `import --format ndjson` and POST /api/v1/events).
  const ndjsonFile = join(dir, 'orders.ndjson');
  const ndjsonOut = createWriteStream(ndjsonFile);
  for await (const result of importCsv(createReadStream(file), mapping)) {
    if ('event' in result && !ndjsonOut.write(JSON.stringify(result.event) + '\n')) await once(ndjsonOut, 'drain');
  }
  ndjsonOut.end();
  await once(ndjsonOut, 'finish');
  const ndjsonStarted = performance.now();
  const ndjsonCpu = process.cpuUsage();
  let ndjsonEvents = 0;
  for await (const result of importNdjson(createReadStream(ndjsonFile))) if ('event' in result) ndjsonEvents++;
  const ndjsonSeconds = (performance.now() - ndjsonStarted) / 1000;
  console.log(`bench:import ndjson events=${ndjsonEvents} file=${((await stat(ndjsonFile)).size / 1e6).toFixed(1)} MB`);
  console.log(`  parse+validate: ${ndjsonSeconds.toFixed(2)} s, ${Math.round(ndjsonEvents / ndjsonSeconds).toLocaleString('en')} rows/s, ${perHundredK(process.cpuUsage(ndjsonCpu), ndjsonEvents)}`);

  // Into the embedded engine as `import --data` runs it: dedupe, batched inserts and the
  // detection engine on event time (CONTROL_TOWER_DETECTION=true), book flushed at the end.
  const runs: [string, () => AsyncIterable<ImportResult>, number][] = [
    ['csv', () => importCsv(createReadStream(file), mapping), ROWS],
    ['ndjson', () => importNdjson(createReadStream(ndjsonFile)), ndjsonEvents],
  ];
  for (const [label, adapter, rows] of runs) {
    const sink = await openEmbeddedSink(loadConfig({ CONTROL_TOWER_DETECTION: 'true' }, { dataDir: join(dir, 'data'), database: `bench_import_${label}` }));
    const cpuStart = process.cpuUsage();
    const pipelineStarted = performance.now();
    // As `import --data` runs it (server/cli/import.ts): batches of 1000, enough in flight to fill the next insert.
    const summary = await runImport(adapter(), sink, { batchSize: 1000, maxInFlight: importBatchesInFlight(1000) });
    const pipelineSeconds = (performance.now() - pipelineStarted) / 1000;
    const used = process.cpuUsage(cpuStart);
    const detected = sink.detection?.();
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    console.log(
      `  ${label} → embedded pipeline + detection into chDB: ${pipelineSeconds.toFixed(2)} s, ${Math.round(rows / pipelineSeconds).toLocaleString('en')} rows/s, ` +
        `${Math.round(summary.accepted / pipelineSeconds).toLocaleString('en')} events/s stored (accepted ${summary.accepted}), ` +
        `exceptions ${JSON.stringify(detected?.raised ?? {})}, CPU ${((used.user + used.system) / 1e6).toFixed(1)} s (${perHundredK(used, rows)}, chDB's threads included), load average ${loadavg()[0].toFixed(2)}`,
    );
  }

  // Where the CPU goes: the stages of the embedded run measured alone, on the same events.
  const csvEvents: CtEvent[] = [];
  for await (const result of importNdjson(createReadStream(ndjsonFile))) if ('event' in result) csvEvents.push(result.event);
  const detectCpu = process.cpuUsage();
  const engine = new DetectionEngine({
    config: parseDetectorConfig({}),
    book: new ExceptionBook({ persist: async () => {} }),
    triage: createTriage(parseRoutingRules(loadConfig({}, {}).routingRules)),
  });
  for (let i = 0; i < csvEvents.length; i += IMPORT_ROWS_PER_INSERT) engine.process(csvEvents.slice(i, i + IMPORT_ROWS_PER_INSERT));
  engine.flushAll();
  const detectUsed = process.cpuUsage(detectCpu);
  const store = await openIngestStore(loadConfig({}, { dataDir: join(dir, 'data'), database: 'bench_import_insert' }));
  const insertCpu = process.cpuUsage();
  const ingestedAt = new Date().toISOString();
  for (let i = 0; i < csvEvents.length; i += IMPORT_ROWS_PER_INSERT) {
    await insertEvents(store.client, csvEvents.slice(i, i + IMPORT_ROWS_PER_INSERT).map((e) => toEventRow(e, ingestedAt)));
  }
  const insertUsed = process.cpuUsage(insertCpu);
  await store.close();
  console.log(`  stages alone, on the ${csvEvents.length} events of the CSV file (per 100k CSV rows; the NDJSON file has one row per event):`);
  console.log(`    detection engine in memory: ${perHundredK(detectUsed, ROWS)}; rows + INSERT with every view, ${IMPORT_ROWS_PER_INSERT} per insert: ${perHundredK(insertUsed, ROWS)} (load average ${loadavg()[0].toFixed(2)})`);
  console.log(`  peak RSS over all runs ${(peakRss / 1e6).toFixed(0)} MB`);
  console.log(`  reproduce: npm run bench:import -- --rows ${ROWS}`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
