// The exception snapshot reads only the exceptions a window can see (server/store/kpi/
// exceptionSnapshot.ts): those with a version since the window's start, those open now, and
// for detection quality those citing an event of a fault labelled in the window. Each case
// here is one the narrowing could lose: open since long before the window with no version in
// it, open at the window's end but closed since, and a fault straddling the window's start
// that an exception closed before the window had already caught.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { openStore, type Store } from '../../server/store/client.ts';
import { migrate } from '../../server/store/migrate.ts';
import { computeKpis } from '../../server/kpi/computeKpis.ts';
import { DEFAULT_SLA_TARGETS } from '../../server/kpi/slaTargets.ts';
import { insertEvents } from '../../server/store/insertEvents.ts';
import { appendExceptionVersions } from '../../server/store/appendExceptionVersions.ts';
import { toExceptionRow } from '../../server/exceptions/exceptionRow.ts';
import type { KpiReport } from '../../server/kpi/kpiTypes.ts';
import { fixtureRow } from '../fixtures/kpi/loadFixture.ts';
import { history } from '../fixtures/kpi/exceptions.ts';

const carrierCall = (id: string, ts: string) => ({
  id, ts, source: 'carrier', type: 'carrier.api_call', carrier: 'UPS',
  attrs: { operation: 'label', ok: false, errorCode: '503', injected: { type: 'carrier_failure', faultId: 'F9' } },
});

const exceptions = [
  // X1: open since 02-20, no version since → open at the end of both windows, 70 at risk
  ...history({ id: 'X1', type: 'credit_hold', severity: 'high', team: 'finance', detectedAt: '2026-02-20T10:00:00.000Z', revenueAtRisk: 70, detector: { name: 'credit_hold', version: '1' } }, [
    { version: 1, updatedAt: '2026-02-20T10:00:00.000Z', status: 'open', actor: 'credit_hold' },
  ]),
  // X2: open since 02-20, resolved 03-05 — after both windows, so open at their ends; 30 at risk
  ...history({ id: 'X2', type: 'shipment_delay', severity: 'medium', team: 'transportation', detectedAt: '2026-02-20T11:00:00.000Z', revenueAtRisk: 30, detector: { name: 'shipment_delay', version: '1' } }, [
    { version: 1, updatedAt: '2026-02-20T11:00:00.000Z', status: 'open', actor: 'shipment_delay' },
    { version: 2, updatedAt: '2026-03-05T09:00:00.000Z', status: 'resolved', actor: 'system', resolvedAt: '2026-03-05T09:00:00.000Z', resolutionReason: 'auto' },
  ]),
  // X3: opened and dismissed long before — seen by neither window, and nothing to count
  ...history({ id: 'X3', type: 'pricing_discrepancy', severity: 'low', team: 'pricing', detectedAt: '2026-02-20T12:00:00.000Z', revenueAtRisk: 500, detector: { name: 'pricing', version: '1' } }, [
    { version: 1, updatedAt: '2026-02-20T12:00:00.000Z', status: 'open', actor: 'pricing' },
    { version: 2, updatedAt: '2026-02-21T12:00:00.000Z', status: 'dismissed', actor: 'erin', resolvedAt: '2026-02-21T12:00:00.000Z', resolutionReason: 'false_positive' },
  ]),
  // X4: caught fault F9 from its first call (03-01 23:50) and was resolved before midnight;
  // F9's second call (00:10) is labelled in 03-02
  ...history({ id: 'X4', type: 'carrier_failure', severity: 'high', team: 'transportation', carrier: 'UPS', interface: 'carrier:UPS', detectedAt: '2026-03-01T23:55:00.000Z', evidence: ['f9-1'], detector: { name: 'carrier_failure', version: '1' } }, [
    { version: 1, updatedAt: '2026-03-01T23:55:00.000Z', status: 'open', actor: 'carrier_failure' },
    { version: 2, updatedAt: '2026-03-01T23:58:00.000Z', status: 'resolved', actor: 'system', resolvedAt: '2026-03-01T23:58:00.000Z', resolutionReason: 'auto' },
  ]),
];

let store: Store;
let report: KpiReport;

beforeAll(async () => {
  store = await openStore(loadConfig({}, { dataDir: mkdtempSync(join(tmpdir(), 'kpi-scope-')) }));
  await migrate(store.client);
  await insertEvents(store.client, [carrierCall('f9-1', '2026-03-01T23:50:00.000Z'), carrierCall('f9-2', '2026-03-02T00:10:00.000Z')].map(fixtureRow));
  await appendExceptionVersions(store.client, exceptions.map(toExceptionRow));
  report = await computeKpis(store.client, { fromMs: Date.parse('2026-03-02T00:00:00Z'), toMs: Date.parse('2026-03-03T00:00:00Z'), sla: DEFAULT_SLA_TARGETS });
});
afterAll(async () => store?.close());

describe('exceptions a window sees without a version in it', () => {
  it('counts what was open at the end of the window, long open or closed since', () => {
    for (const w of [report.current, report.previous]) {
      expect(w.openExceptions.total).toBe(2); // X1, X2
      expect(w.openExceptions.bySeverity).toEqual({ high: 1, medium: 1 });
      expect(w.revenueAtRisk).toBe(100); // 70 + 30; not X3's 500
    }
  });

  it('finds a fault of the window caught before the window began', () => {
    // current (03-02): F9 labelled (f9-2), cited by X4 through f9-1 → recall 1; X4 was not detected in it
    expect(report.current.detection).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'carrier_failure', detected: 0, faults: 1, faultsDetected: 1, recall: 1 })]));
    // previous (03-01): X4 detected and right (f9-1 is F9's) → precision 1, recall 1
    expect(report.previous.detection).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'carrier_failure', detected: 1, truePositives: 1, precision: 1, faults: 1, faultsDetected: 1, recall: 1 })]));
  });
});
