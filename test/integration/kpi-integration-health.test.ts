// Interface health of windows longer than two days: whole days come from the day rollup
// (sql/045), the hours at the two ends from the hour rollup. Hand-placed messages around
// every edge; half of them are recorded before migration 045 (its backfill must carry them),
// half after (its view must).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { openStore, type Store } from '../../server/store/client.ts';
import { insertEvents } from '../../server/store/insertEvents.ts';
import { migrate, readMigrations } from '../../server/store/migrate.ts';
import { integrationHealth } from '../../server/store/kpi/integrationHealth.ts';
import { chTime } from '../../server/store/kpi/runKpiQuery.ts';
import { fixtureRow } from '../fixtures/kpi/loadFixture.ts';

let store: Store;

const message = (id: string, ts: string, attrs: Record<string, unknown> = {}) =>
  fixtureRow({ id, ts, source: 'edi', type: 'integration.message', interface: 'edi-850', attrs: { direction: 'in', ok: true, latencyMs: 100, ...attrs } });

// A message counts when its hour bucket (its minute bucket's hour) starts in the window.
const before045 = [
  message('h-0510', '2026-03-01T05:10:00.000Z'), // bucket 05:00: before a 05:30 start
  message('h-0610', '2026-03-01T06:10:00.000Z', { ok: false }), // first partial day, hour table
  message('h-2350', '2026-03-01T23:50:00.000Z'), // first partial day, last hour
  message('d-0000', '2026-03-02T00:00:00.000Z'), // first whole day, day table
];
const after045 = [
  message('d-1200', '2026-03-02T12:00:00.000Z', { retry: 1 }),
  message('d-2359', '2026-03-03T23:59:00.000Z', { ok: false, errorCode: 'duplicate' }), // last whole day
  message('h-0030', '2026-03-04T00:30:00.000Z', { ok: false, errorCode: 'dead_letter' }), // last partial day
  message('h-0959', '2026-03-04T09:59:00.000Z'), // bucket 09:00: before a 10:00 end
  message('h-1000', '2026-03-04T10:00:00.000Z'), // bucket 10:00: the end itself, outside
];

beforeAll(async () => {
  store = await openStore(loadConfig({}, { dataDir: mkdtempSync(join(tmpdir(), 'kpi-interfaces-')) }));
  await migrate(store.client, readMigrations().filter((m) => m.version < 45));
  await insertEvents(store.client, before045);
  await migrate(store.client);
  await insertEvents(store.client, after045.slice(0, 2));
  await insertEvents(store.client, after045.slice(2));
});
afterAll(async () => store?.close());

const health = async (from: string, to: string) => {
  const [fromMs, toMs] = [Date.parse(from), Date.parse(to)];
  const rows = await integrationHealth(store.client, toMs - fromMs, { from: chTime(fromMs), to: chTime(toMs), f_interface: '', f_carrier: '' });
  return rows.find((r) => r.interface === 'edi-850');
};

describe('interface health over days', () => {
  it('counts a window with partial days at both ends: its hours from the hour rollup, whole days once from the day rollup', async () => {
    // In: 06:10 (failed), 23:50, 03-02 00:00, 12:00 (retry), 03-03 23:59 (failed, duplicate),
    // 03-04 00:30 (failed, dead letter), 09:59 → 7 messages, 3 failures.
    expect(await health('2026-03-01T05:30:00Z', '2026-03-04T10:00:00Z')).toMatchObject({ messages: 7, failures: 3, retries: 1, duplicates: 1, dead_letters: 1, p95: 100 });
  });

  it('counts a window from midnight to midnight from whole days alone', async () => {
    // 03-01, 03-02, 03-03: 05:10, 06:10 (failed), 23:50, 00:00, 12:00 (retry), 23:59 (failed) → 6
    expect(await health('2026-03-01T00:00:00Z', '2026-03-04T00:00:00Z')).toMatchObject({ messages: 6, failures: 2, retries: 1, duplicates: 1, dead_letters: 0 });
  });
});
