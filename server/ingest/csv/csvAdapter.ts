// CSV/TSV export → common events, streaming (csv-parse's stream API, one document held at a
// time). A bad row is reported with its line number and reason and skipped; a mapping that
// names columns the file does not have stops the import before any row is read.
import { parse } from 'csv-parse';
import { Readable } from 'node:stream';
import { checked, deterministicId, rejected, type ImportResult } from '../importResult.ts';
import { MappingError, type MappingFile } from '../mappingFile.ts';
import { readBatches } from '../readBatches.ts';
import { ValueError, type Scalar } from '../valueSpec.ts';
import { compileLinkRecord } from './documentFlow.ts';
import { compileEventRecord, type Candidate } from './eventRows.ts';

type Get = (column: string) => string | undefined;
type Mapped = { candidate: Candidate; key: string; merge: 'lines' | 'sum' | 'none'; line?: Record<string, Scalar> };
type Compiled = { columns: string[]; map: (get: Get) => Mapped | undefined };
type Pending = Mapped & { lines: Record<string, Scalar>[]; rows: string[]; firstLine: number; lastLine: number; record: string };

const FIELD_SEPARATOR = '\u001f';

export async function* importCsv(input: NodeJS.ReadableStream | string, mapping: MappingFile): AsyncIterable<ImportResult> {
  const csv = mapping.csv;
  if (!csv) throw new MappingError('mapping: csv section is missing');
  const style = { decimalSeparator: csv.decimalSeparator };
  const records = new Map<string, Compiled>(
    Object.entries(csv.records).map(([name, record]) => {
      if (record.kind === 'link') return [name, compileLinkRecord(name, record, mapping.timezone, style)];
      return [name, compileEventRecord(name, record, mapping.timezone, style)];
    }),
  );
  const onlyRecord = records.size === 1 ? [...records.keys()][0] : undefined;

  // Unreadable records arrive through on_skip while a chunk is parsed, before the good records
  // of that chunk are read; they are held and handed on in line order.
  const skipped: { line: number; result: ImportResult }[] = [];
  const skippedBefore = function* (line: number): Generator<ImportResult> {
    while (skipped.length && skipped[0].line < line) yield skipped.shift()!.result;
  };
  const parser = parse({
    delimiter: csv.delimiter,
    quote: csv.quote,
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    info: true,
    on_skip: (error) => {
      const line = (error as { lines?: number }).lines ?? 0;
      skipped.push({ line, result: rejected(`line ${line || '?'}`, `unreadable CSV: ${error?.message ?? 'parse error'}`) });
    },
  });
  const source = typeof input === 'string' ? Readable.from([input]) : input;
  source.on('error', (error) => parser.destroy(error));
  source.pipe(parser);

  let header: string[] | undefined;
  let index = new Map<string, number>();
  let pending: Pending | undefined;
  // One accessor for every row (no closure per row: at 50k+ rows/s allocations dominate).
  let current: string[] = [];
  const get: Get = (column) => {
    const position = index.get(column);
    return position === undefined ? undefined : current[position];
  };

  const finish = (done: Pending): ImportResult => {
    const where = done.firstLine === done.lastLine ? `line ${done.firstLine}` : `lines ${done.firstLine}-${done.lastLine}`;
    // The candidate and its attrs were made for this document alone: completed in place, not copied
    // (keys land where a copy would put them, so the stored attrs text is the same).
    const candidate: Candidate = done.candidate;
    candidate.source = mapping.source;
    if (done.merge === 'lines') (candidate.attrs as Record<string, unknown>).lines = done.lines;
    if (done.merge === 'sum') (candidate.attrs as Record<string, unknown>).lineCount = done.rows.length;
    candidate.id ??= deterministicId('csv', [done.record, done.candidate.type, String(candidate.orderId ?? candidate.shipmentId ?? candidate.sku ?? '')], done.rows.join('\n'));
    return checked(candidate, where);
  };

  for await (const batch of readBatches<{ record: string[]; info: { lines: number } }>(parser)) for (const { record: fields, info } of batch) {
    const line = info.lines;
    if (skipped.length) yield* skippedBefore(line);
    if (!header) {
      header = fields.map((name) => name.trim());
      index = new Map(header.map((name, position) => [name, position]));
      checkColumns(header, records, csv.recordType);
      continue;
    }
    if (fields.length !== header.length) {
      yield rejected(`line ${line}`, `expected ${header.length} fields, found ${fields.length}`);
      continue;
    }
    current = fields;
    const recordName = onlyRecord ?? get(csv.recordType!)?.trim() ?? '';
    const compiled = records.get(recordName);
    if (!compiled) {
      yield rejected(`line ${line}`, `record type '${recordName}' (column ${csv.recordType}) is not one of records: ${[...records.keys()].join(', ')}`);
      continue;
    }
    let mapped: Mapped | undefined;
    try {
      mapped = compiled.map(get);
    } catch (error) {
      if (!(error instanceof ValueError)) throw error;
      yield rejected(`line ${line}`, error.message);
      continue;
    }
    if (!mapped) continue;
    const raw = fields.join(FIELD_SEPARATOR);
    if (pending && mapped.merge !== 'none' && pending.key === mapped.key) {
      pending.lastLine = line;
      pending.rows.push(raw);
      if (mapped.line) pending.lines.push(mapped.line);
      if (mapped.merge === 'sum') sumInto(pending.candidate, mapped.candidate);
      continue;
    }
    if (pending) yield finish(pending);
    pending = {
      candidate: mapped.candidate, key: mapped.key, merge: mapped.merge, record: recordName,
      lines: mapped.line ? [mapped.line] : [], rows: [raw], firstLine: line, lastLine: line,
    };
    if (mapped.merge === 'none') {
      yield finish(pending);
      pending = undefined;
    }
  }
  yield* skippedBefore(Infinity);
  if (pending) yield finish(pending);
  if (!header) yield rejected('line 1', 'file is empty: expected a header row');
}

function sumInto(target: Candidate, next: Candidate) {
  for (const field of ['amount', 'qty'] as const) {
    if (typeof next[field] === 'number') target[field] = Math.round(((target[field] as number | undefined ?? 0) + (next[field] as number)) * 1e6) / 1e6;
  }
}

function checkColumns(header: string[], records: Map<string, Compiled>, recordType: string | undefined) {
  const known = new Set(header);
  const missing: string[] = [];
  if (recordType !== undefined && !known.has(recordType)) missing.push(`csv.recordType: column '${recordType}'`);
  for (const [name, record] of records) {
    for (const column of new Set(record.columns)) if (!known.has(column)) missing.push(`csv.records.${name}: column '${column}'`);
  }
  if (missing.length) throw new MappingError(`mapping names columns the file header does not have — ${missing.join('; ')} (header: ${header.join(', ')})`);
}
