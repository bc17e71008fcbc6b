// The flattened OCEL 1.0 CSV: one row per event, `ocel:eid`, `ocel:activity`, `ocel:timestamp`,
// one `ocel:type:<object type>` column per object type holding a list of object ids, and the
// other columns as event attributes. Streamed row by row: such files are read in file order.
import { parse } from 'csv-parse';
import { Readable } from 'node:stream';
import type { ImportError } from '../importResult.ts';
import type { OcelEvent, OcelObject } from './ocelLog.ts';

const TYPE_PREFIX = 'ocel:type:';

/** `['o1', 'o2']` (as pm4py writes lists), `["o1","o2"]` or `o1,o2`. */
export function objectList(cell: string): string[] {
  const inner = cell.trim().replace(/^\[|\]$/g, '');
  return inner.split(',').map((id) => id.trim().replace(/^['"]|['"]$/g, '')).filter(Boolean);
}

export type CsvOcelItem = { event: OcelEvent; objects: OcelObject[] } | { error: ImportError };

export async function* readOcelCsv(input: NodeJS.ReadableStream | string, delimiter = ','): AsyncIterable<CsvOcelItem> {
  const parser = parse({ delimiter, bom: true, skip_empty_lines: true, relax_column_count: true, info: true });
  (typeof input === 'string' ? Readable.from([input]) : Readable.from(input as AsyncIterable<Buffer>)).pipe(parser);
  let header: string[] | undefined;
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    if (!header) {
      header = record.map((name) => name.trim());
      const missing = ['ocel:eid', 'ocel:activity', 'ocel:timestamp'].filter((name) => !header!.includes(name));
      if (missing.length) throw new Error(`line 1: not an OCEL 1.0 CSV header, missing ${missing.join(', ')}`);
      continue;
    }
    const where = `line ${info.lines}`;
    if (record.length !== header.length) {
      yield { error: { where, reason: `expected ${header.length} fields, found ${record.length}` } };
      continue;
    }
    const row = Object.fromEntries(header.map((name, index) => [name, record[index]]));
    const objects: OcelObject[] = [];
    const attrs: Record<string, string> = {};
    for (const name of header) {
      if (name.startsWith(TYPE_PREFIX)) {
        for (const id of objectList(row[name])) objects.push({ id, type: name.slice(TYPE_PREFIX.length), attrs: {}, related: [] });
      } else if (!name.startsWith('ocel:') && row[name] !== '') {
        attrs[name] = row[name];
      }
    }
    yield {
      event: { id: row['ocel:eid'], activity: row['ocel:activity'], time: row['ocel:timestamp'], objectIds: objects.map((object) => object.id), attrs, where: `${where} (event ${row['ocel:eid']})` },
      objects,
    };
  }
}
