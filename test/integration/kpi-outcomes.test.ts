// Order outcomes (sql/033) are refreshed for the orders touched since the last KPI request:
// facts arriving in pieces, with KPIs read in between, must end in the same figures as the
// hand-worked ones of kpi-engine.test.ts — every outcome computed on partial facts is taken
// back when its order is touched again.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { openStore, type Store } from '../../server/store/client.ts';
import { migrate } from '../../server/store/migrate.ts';
import { computeKpis } from '../../server/kpi/computeKpis.ts';
import { refreshOrderOutcomes } from '../../server/store/kpi/refreshOrderOutcomes.ts';
import { DEFAULT_SLA_TARGETS } from '../../server/kpi/slaTargets.ts';
import { insertEvents } from '../../server/store/insertEvents.ts';
import { appendExceptionVersions } from '../../server/store/appendExceptionVersions.ts';
import { toExceptionRow } from '../../server/exceptions/exceptionRow.ts';
import { fixtureEvents } from '../fixtures/kpi/orders.ts';
import { fixtureRow } from '../fixtures/kpi/loadFixture.ts';
import { fixtureExceptions } from '../fixtures/kpi/exceptions.ts';

let store: Store;
const window = { fromMs: Date.parse('2026-03-02T00:00:00Z'), toMs: Date.parse('2026-03-03T00:00:00Z'), sla: DEFAULT_SLA_TARGETS };
const rows = fixtureEvents.map(fixtureRow);

beforeAll(async () => {
  store = await openStore(loadConfig({}, { dataDir: mkdtempSync(join(tmpdir(), 'kpi-outcomes-')) }));
  await migrate(store.client);
});
afterAll(async () => store?.close());

describe('order outcomes refreshed as facts arrive', () => {
  it('ends with the hand-worked figures when KPIs are read between every batch', async () => {
    // No merges from here on: taken-back outcome rows stay beside the rows they cancel, as
    // they do between a refresh and the engine's next merge, and every figure must net them.
    await store.client.command({ query: 'SYSTEM STOP MERGES order_outcome_rows' });
    await store.client.command({ query: 'SYSTEM STOP MERGES order_outcome_hour' });
    // batches of 4 events, then the exceptions: shipments, deliveries and invoices arrive
    // after their orders' outcomes were first computed
    for (let i = 0; i < rows.length; i += 4) {
      await insertEvents(store.client, rows.slice(i, i + 4));
      await computeKpis(store.client, window);
    }
    const beforeExceptions = await computeKpis(store.client, window);
    await appendExceptionVersions(store.client, fixtureExceptions.map(toExceptionRow));
    await computeKpis(store.client, window);
    // a second delivery of O1 later the same day moves its delivery moment (18:00 → 23:00):
    // still delivered once in the window, so no figure changes
    await insertEvents(store.client, [fixtureRow({ id: 'o1-d2', ts: '2026-03-02T23:00:00.000Z', source: 'carrier', type: 'shipment.status', orderId: 'O1', shipmentId: 'S1', carrier: 'UPS', attrs: { status: 'delivered' } })]);
    const r = await computeKpis(store.client, window);
    const [{ takenBack }] = await (await store.client.query({ query: "SELECT countIf(sign < 0) AS takenBack FROM order_outcome_rows WHERE kind = 'shipped'", format: 'JSONEachRow', clickhouse_settings: { output_format_json_quote_64bit_integers: 0 } })).json<{ takenBack: number }>();
    await store.client.command({ query: 'SYSTEM START MERGES order_outcome_rows' });
    await store.client.command({ query: 'SYSTEM START MERGES order_outcome_hour' });
    expect(takenBack).toBeGreaterThan(0); // cycles were taken back and are still there, unmerged
    // the values of kpi-engine.test.ts (worked out there by hand)
    expect(r.current.lineFillRate).toBe(0.5);
    expect(r.current.orderFillRate).toBeCloseTo(1 / 3, 9);
    expect(r.current.orderCycleSeconds).toEqual({ p50: 32400, p90: 49680, exceptionDelay: -21600 });
    expect(r.current.perfectOrderRate).toBeCloseTo(1 / 3, 9);
    expect(r.previous.orderFillRate).toBe(1);
    // exceptions name orders: without them no order had one, so no delay could be measured
    expect(beforeExceptions.current.orderCycleSeconds.exceptionDelay).toBeNull();
  });

  it('leaves exactly the latest outcome of each order standing', async () => {
    const [net] = await (await store.client.query({
      query: `SELECT
        (SELECT sum(sign) FROM order_outcome_rows) AS standing,
        (SELECT count() FROM order_outcome_current WHERE (order_id, version) IN (SELECT order_id, max(version) FROM order_outcome_current GROUP BY order_id)) AS latest,
        (SELECT uniqExact(version) FROM order_outcome_current) AS versions`,
      format: 'JSONEachRow',
      clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
    })).json<{ standing: number; latest: number; versions: number }>();
    expect(net.versions).toBeGreaterThan(1);
    expect(net.standing).toBe(net.latest);
  });

  it('computes the same figures when a refresh is split into slices of the touched orders', async () => {
    const before = await computeKpis(store.client, window);
    // outcomes derived again from every touch, one order (or two, by hash) per slice
    for (const table of ['order_outcome_rows', 'order_outcome_hour', 'order_outcome_current', 'order_outcome_refreshes']) await store.client.command({ query: `TRUNCATE TABLE ${table}` });
    const report = await refreshOrderOutcomes(store.client, { ordersPerSlice: 1 });
    expect(report!.slices).toBe(report!.orders);
    expect(report!.orders).toBeGreaterThan(3);
    const after = await computeKpis(store.client, window);
    expect(after.current).toEqual(before.current);
    expect(after.previous).toEqual(before.previous);
    expect(after.current.orderFillRate).toBeCloseTo(1 / 3, 9); // the hand-worked figure still
  });
});
