// Fuzzes the CSV importer with hostile cells and broken structure: stray delimiters,
// quotes and newlines, injection strings, huge cells, extra and missing fields, repeated
// rows. The importer must never throw: every record becomes a valid event or a rejection
// that names its line and reason.
//   CHAOS_FUZZ_RUNS=2000 npm run test:chaos -- fuzzCsv
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { importCsv } from '../../server/ingest/csv/csvAdapter.ts';
import { loadMapping } from '../../server/ingest/mappingFile.ts';
import { validateEvent } from '../../server/events/schema.ts';
import { hostileString } from './helpers/hostile.ts';
import { REPO_ROOT } from './helpers/tower.ts';

const RUNS = Number(process.env.CHAOS_FUZZ_RUNS ?? 250);
const fixture = (f: string) => join(REPO_ROOT, 'test/fixtures/import', f);
const [header, ...rows] = readFileSync(fixture('erp-order-items.csv'), 'utf8').trimEnd().split('\n');

const cellValue = fc.oneof(hostileString, fc.constantFrom(';', '"', '""', '"a;b"', '\n', '\r\n', '"\n"', ';;;;', '1.2.3,4', '99.99.9999', '-1', '1e308', 'NaN'));
const edit = fc.oneof(
  fc.record({ kind: fc.constant('cell' as const), row: fc.nat(), col: fc.nat(), value: cellValue }),
  fc.record({ kind: fc.constant('dropCell' as const), row: fc.nat(), col: fc.nat() }),
  fc.record({ kind: fc.constant('addCell' as const), row: fc.nat(), value: cellValue }),
  fc.record({ kind: fc.constant('repeat' as const), row: fc.nat(), times: fc.integer({ min: 1, max: 60 }) }),
  fc.record({ kind: fc.constant('rawLine' as const), row: fc.nat(), value: hostileString }),
);

describe('fuzz: CSV importer', () => {
  it('turns every hostile record into a valid event or a rejection naming its line, and never throws', async () => {
    const mapping = await loadMapping(fixture('erp-orders.mapping.yaml'));
    let events = 0;
    let rejections = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 4 }), async (edits) => {
        const lines = rows.map((r) => r.split(';'));
        for (const e of edits) {
          const at = e.row % lines.length;
          if (e.kind === 'cell') lines[at][e.col % lines[at].length] = e.value;
          else if (e.kind === 'dropCell') lines[at].splice(e.col % lines[at].length, 1);
          else if (e.kind === 'addCell') lines[at].push(e.value);
          else if (e.kind === 'repeat') lines.splice(at, 0, ...Array.from({ length: e.times }, () => [...lines[at]]));
          else lines[at] = [e.value];
        }
        const text = [header, ...lines.map((l) => l.join(';'))].join('\n') + '\n';
        for await (const result of importCsv(text, mapping)) {
          if ('event' in result) {
            events++;
            expect(validateEvent(result.event).ok).toBe(true);
          } else {
            rejections++;
            expect(result.error.where).toMatch(/^lines? \d+/);
            expect(result.error.reason).toMatch(/\S{3}/);
          }
        }
        expect(({} as any).polluted).toBeUndefined();
      }),
      { numRuns: RUNS },
    );
    console.log(JSON.stringify({ csvRuns: RUNS, events, rejections }));
    expect(events).toBeGreaterThan(0);
    expect(rejections).toBeGreaterThan(0);
  });
});
