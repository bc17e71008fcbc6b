// Upgrading: facts recorded under 030 (before 032 reshaped the first shipment and added
// order_moments) give the same KPIs after 032 runs.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { openStore, type Store } from '../../server/store/client.ts';
import { migrate, readMigrations } from '../../server/store/migrate.ts';
import { computeKpis } from '../../server/kpi/computeKpis.ts';
import { DEFAULT_SLA_TARGETS } from '../../server/kpi/slaTargets.ts';
import { loadKpiFixture } from '../fixtures/kpi/loadFixture.ts';

let store: Store;

beforeAll(async () => {
  store = await openStore(loadConfig({}, { dataDir: mkdtempSync(join(tmpdir(), 'kpi-migration-')) }));
  await migrate(store.client, readMigrations().filter((m) => m.version <= 31));
  await loadKpiFixture(store.client);
  await migrate(store.client);
});
afterAll(async () => store?.close());

describe('migration 032 on facts recorded before it', () => {
  it('keeps every first shipment and finds the orders of a window', async () => {
    const r = await computeKpis(store.client, { fromMs: Date.parse('2026-03-02T00:00:00Z'), toMs: Date.parse('2026-03-03T00:00:00Z'), sla: DEFAULT_SLA_TARGETS });
    // the hand-worked values of kpi-engine.test.ts
    expect(r.current.lineFillRate).toBe(0.5);
    expect(r.current.orderFillRate).toBeCloseTo(1 / 3, 9);
    expect(r.current.orderCycleSeconds).toEqual({ p50: 32400, p90: 49680, exceptionDelay: -21600 });
    expect(r.current.perfectOrderRate).toBeCloseTo(1 / 3, 9);
    expect(r.current.revenueAtRisk).toBe(330);
    expect(r.previous.orderFillRate).toBe(1);
  });
});
