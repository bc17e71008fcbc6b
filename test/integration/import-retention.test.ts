// Historical replay keeps event time, and retention never drops imported history on arrival:
// the events TTL counts from ingested_at (when the tower stored a row), not from the event's
// own time. A year-old file imported with CONTROL_TOWER_RETENTION_DAYS=30 stays; rows that
// were stored 40 days ago go at the next merge — which shows the TTL is really in force.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { importCommand } from '../../server/cli/import.ts';
import { loadConfig } from '../../server/config.ts';
import { openStore } from '../../server/store/client.ts';
import { sampleEvent } from '../fixtures/events.ts';
import { toNdjson } from '../helpers/testServer.ts';

const dir = mkdtempSync(join(tmpdir(), 'ct-import-retention-'));
const dataDir = join(dir, 'data');
const DAY = 86_400_000;

function ndjsonFile(name: string, prefix: string, isoTimes: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, toNdjson(isoTimes.map((ts, i) => ({ ...sampleEvent('order.created', ts), id: `${prefix}-${i}`, orderId: `${prefix}-o${i}` }))));
  return path;
}

/** Runs `import --data` in this process with the clock the pipeline stamps ingested_at with. */
async function importAt(file: string, nowMs: number) {
  const out = new PassThrough();
  let stdout = '';
  out.on('data', (chunk) => (stdout += chunk));
  process.exitCode = 0;
  await importCommand({ out, now: () => nowMs }).parseAsync([file, '--format', 'ndjson', '--data', dataDir], { from: 'user' });
  const code = process.exitCode;
  process.exitCode = 0;
  return { stdout, code };
}

describe('retention of imported history', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps year-old events imported today under a 30-day retention, with their own times', async () => {
    process.env.CONTROL_TOWER_RETENTION_DAYS = '30';
    process.env.CONTROL_TOWER_DETECTION = 'false';
    const today = Date.parse('2026-11-26T12:00:00Z');
    const yearOld = ndjsonFile('year-old.ndjson', 'old', ['2025-11-20T08:00:00.000Z', '2025-11-21T09:30:00.000Z', '2025-11-22T10:45:00.000Z']);
    // Same ages of event, but stored 40 days ago: past the 30-day TTL counted from ingest.
    const storedLongAgo = ndjsonFile('stored-long-ago.ndjson', 'gone', ['2025-11-20T08:00:00.000Z', '2025-11-21T09:30:00.000Z']);

    expect((await importAt(storedLongAgo, today - 40 * DAY)).stdout).toContain('2 events read, 2 accepted');
    expect((await importAt(yearOld, today)).stdout).toContain('3 events read, 3 accepted');

    const store = await openStore(loadConfig({}, { dataDir }));
    try {
      const ttl = await (await store.client.query({ query: "SELECT create_table_query AS q FROM system.tables WHERE database = currentDatabase() AND name = 'events'", format: 'JSONEachRow' })).json<{ q: string }>();
      expect(ttl[0].q).toContain('TTL toDateTime(ingested_at) + toIntervalDay(30)');
      // A final merge applies the TTL now instead of some time later.
      await store.client.command({ query: 'OPTIMIZE TABLE events FINAL' });
      const rows = await (await store.client.query({ query: 'SELECT id, toString(ts) AS ts FROM events ORDER BY ts, id', format: 'JSONEachRow' })).json<{ id: string; ts: string }>();
      expect(rows).toEqual([
        { id: 'old-0', ts: '2025-11-20 08:00:00.000' },
        { id: 'old-1', ts: '2025-11-21 09:30:00.000' },
        { id: 'old-2', ts: '2025-11-22 10:45:00.000' },
      ]);
    } finally {
      await store.close();
      delete process.env.CONTROL_TOWER_RETENTION_DAYS;
      delete process.env.CONTROL_TOWER_DETECTION;
    }
  });

  it('refuses events stamped ahead of the clock, by line and reason, and takes the rest', async () => {
    process.env.CONTROL_TOWER_DETECTION = 'false';
    const today = Date.parse('2026-11-26T12:00:00Z');
    const file = ndjsonFile('skewed.ndjson', 'skew', ['2026-11-26T11:00:00.000Z', '2026-11-28T12:00:00.000Z', '2026-11-26T12:10:00.000Z']);
    try {
      const { stdout } = await importAt(file, today);
      expect(stdout).toContain('2 events read, 2 accepted, 0 duplicates, 1 rejected');
      expect(stdout).toContain('line 2');
      expect(stdout).toContain('ts 2026-11-28T12:00:00.000Z is 2 days ahead of the server clock (2026-11-26T12:00:00.000Z)');
    } finally {
      delete process.env.CONTROL_TOWER_DETECTION;
    }
  });
});
