// A kill -9 between the events part and its materialized-view part leaves stored events
// whose ids are not in the dedupe index (found by test/chaos/crashCycles: 450 events stored
// twice in 20 cycles). Reproduced here deterministically by removing the index rows.
import { afterAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/server.ts';
import { postEvents, startTestServer, toNdjson } from '../helpers/testServer.ts';
import { sampleEvent } from '../fixtures/events.ts';

let server: RunningServer | undefined;
afterAll(async () => {
  await server?.close();
});

async function copies(s: RunningServer, ids: string[]): Promise<number> {
  const rs = await s.store.client.query({ query: 'SELECT count() AS n FROM events WHERE id IN {ids:Array(String)}', query_params: { ids }, format: 'JSONEachRow' });
  return Number((await rs.json<{ n: string }>())[0].n);
}

describe('an insert cut short between events and their id index', () => {
  it('is repaired at start-up, so the producer retry is recognised as duplicates', async () => {
    server = await startTestServer();
    const events = [sampleEvent('order.invoiced'), sampleEvent('pick.short'), sampleEvent('order.held')];
    const ids = events.map((e) => e.id);
    expect((await postEvents(server.url, toNdjson(events), 'application/x-ndjson')).status).toBe(202);
    // The torn state: rows in events, none in event_ids.
    await server.store.client.command({ query: 'ALTER TABLE event_ids DELETE WHERE id IN {ids:Array(String)}', query_params: { ids }, clickhouse_settings: { mutations_sync: '2' } });
    await server.close();

    server = await startTestServer();
    const retry = await postEvents(server.url, toNdjson(events), 'application/x-ndjson');
    expect(retry.body).toEqual({ accepted: 0, duplicates: 3, rejected: [] });
    expect(await copies(server, ids)).toBe(3);
  });
});

describe('an insert cut short between exception_log and exceptions_current', () => {
  it('is repaired at start-up, so the book restores the latest logged version', async () => {
    await server?.close();
    server = await startTestServer();
    const order = { id: `torn-${Date.now()}`, ts: new Date().toISOString(), source: 'edi', type: 'order.created', orderId: `O-TORN-${Date.now()}`, customerId: 'C-1', attrs: { lines: [{ lineId: 'L1', sku: 'SKU-1', qty: 1, unitPrice: 10 }], shipTo: { city: 'Reno' } } };
    expect((await postEvents(server.url, [order])).status).toBe(202);
    await expect.poll(() => server!.book.listActive().find((x) => x.orderIds.includes(order.orderId)), { timeout: 5000 }).toBeDefined();
    await server.book.flush();
    const x = server.book.listActive().find((r) => r.orderIds.includes(order.orderId))!;
    // The torn state: version 2 is in the log, but the current state still holds version 1.
    await server.book.commit({ ...x, version: x.version + 1, status: 'acknowledged', updatedAt: new Date().toISOString(), actor: 'usr_test', change: 'acknowledged' });
    await server.book.flush();
    await server.store.client.command({ query: 'ALTER TABLE exceptions_current DELETE WHERE exception_id = {id:String} AND version = {v:UInt32}', query_params: { id: x.id, v: x.version + 1 }, clickhouse_settings: { mutations_sync: '2' } });
    await server.close();

    server = await startTestServer();
    expect(server.book.get(x.id)).toMatchObject({ version: x.version + 1, status: 'acknowledged' });
  });
});
