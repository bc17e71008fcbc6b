import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/server.ts';
import { postEvents, startTestServer, toNdjson } from '../helpers/testServer.ts';
import { sampleEvent } from '../fixtures/events.ts';
import { EVENT_TYPES } from '../../server/events/schema.ts';
import { readMigrations } from '../../server/store/migrate.ts';
import { findEventsById } from '../../server/store/findEventsById.ts';

let server: RunningServer;

async function storedRows(ids: string[]) {
  const rs = await server.store.client.query({
    query: 'SELECT id, type, order_id, attrs, toString(ts) AS ts FROM events WHERE id IN {ids:Array(String)} ORDER BY id',
    query_params: { ids },
    format: 'JSONEachRow',
  });
  return rs.json<{ id: string; type: string; order_id: string; attrs: string; ts: string }>();
}

beforeAll(async () => {
  server = await startTestServer({ maxBodyBytes: 64 * 1024 });
});
afterAll(async () => {
  await server?.close();
});

describe('POST /api/v1/events on the embedded engine', () => {
  it('stores every event type, sent as NDJSON, with its fields', async () => {
    const events = EVENT_TYPES.map((t) => sampleEvent(t));
    const res = await postEvents(server.url, toNdjson(events), 'application/x-ndjson');
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: events.length, duplicates: 0, rejected: [] });
    const rows = await storedRows(events.map((e) => e.id));
    expect(rows).toHaveLength(events.length);
    const created = rows.find((r) => r.type === 'order.created')!;
    expect(created.order_id).toBe('O-1');
    expect(created.ts).toBe('2026-11-26 10:00:00.000');
    expect(JSON.parse(created.attrs).lines[0]).toEqual({ lineId: 'L1', sku: 'SKU-1', qty: 10, unitPrice: 25 });
  });

  it('stores text with tabs, line breaks, backslashes, quotes and \\N exactly as sent, and numbers to the last digit', async () => {
    const awkward = 'tab\there\nnew line\r\nback\\slash \\N "quoted" \\t ünïcødé 📦';
    const created = sampleEvent('order.created');
    const events = [
      { ...created, id: `odd\tid\\${awkward.length}`, orderId: `O\n${awkward}`, customerId: '\\N', amount: 1e21, qty: 1e-7,
        attrs: { ...created.attrs, poNumber: awkward, lines: [{ lineId: 'L\t1', sku: 'S\\1', qty: 0.1 + 0.2, unitPrice: 123456.789012345 }] } },
      { ...sampleEvent('order.invoiced'), id: 'plain-1', amount: -0.000001 },
    ];
    const res = await postEvents(server.url, events);
    expect(res.body).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    const stored = await findEventsById(server.store.client, events.map((e) => e.id));
    expect(stored.sort((a, b) => a.id.localeCompare(b.id))).toEqual([...events].sort((a, b) => a.id.localeCompare(b.id)));
    // The dedupe look-up finds the awkward id again: sent twice, it is stored once.
    expect((await postEvents(server.url, events)).body).toEqual({ accepted: 0, duplicates: 2, rejected: [] });
  });

  it('stores the valid items of a batch and rejects the others by index, naming the field', async () => {
    const good = [sampleEvent('order.invoiced'), sampleEvent('pick.short')];
    const bad = { ...sampleEvent('pick.short'), attrs: { qtyPicked: -1, qtyShort: 2 } };
    const res = await postEvents(server.url, [good[0], bad, good[1]]);
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(2);
    expect(res.body.rejected).toEqual([{ index: 1, error: 'attrs.qtyPicked: Too small: expected number to be >=0' }]);
    expect((await storedRows([...good.map((g) => g.id), bad.id])).map((r) => r.id).sort()).toEqual(good.map((g) => g.id).sort());
  });

  it('rejects an event stamped more than 15 minutes ahead of the server clock, naming its ts', async () => {
    const aheadTs = new Date(Date.now() + 26 * 3_600_000).toISOString();
    const ahead = { ...sampleEvent('order.invoiced', aheadTs), id: 'ahead-1' };
    const soon = { ...sampleEvent('order.invoiced', new Date(Date.now() + 5 * 60_000).toISOString()), id: 'soon-1' };
    const res = await postEvents(server.url, [ahead, soon]);
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(1);
    expect(res.body.rejected).toEqual([{ index: 0, error: expect.stringMatching(new RegExp(`^ts ${aheadTs} is 26 h ahead of the server clock .*at most 15 min is taken`)) }]);
    expect((await storedRows(['ahead-1', 'soon-1'])).map((r) => r.id)).toEqual(['soon-1']);
  });

  it('answers 400 with the line number for malformed NDJSON and stores nothing of it', async () => {
    const ok = sampleEvent('order.invoiced');
    const res = await postEvents(server.url, `${JSON.stringify(ok)}\n{"id":"x",\n`, 'application/x-ndjson');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^malformed JSON on line 2/);
    expect(await storedRows([ok.id])).toEqual([]);
  });

  it('answers 400 invalid_events when every item is rejected', async () => {
    const res = await postEvents(server.url, [{ id: 'x' }]);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_events');
    expect(res.body.error.details.rejected[0].error).toContain('type: required string');
  });

  it('answers 413 over the size cap', async () => {
    const big = Array.from({ length: 400 }, () => sampleEvent('order.created'));
    const res = await postEvents(server.url, big);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });

  it('counts retried event ids as duplicates and never stores them twice, also after a restart', async () => {
    const events = [sampleEvent('order.invoiced'), sampleEvent('order.cancelled')];
    expect((await postEvents(server.url, events)).body).toMatchObject({ accepted: 2, duplicates: 0 });
    expect((await postEvents(server.url, events)).body).toMatchObject({ accepted: 0, duplicates: 2 });

    await server.close();
    server = await startTestServer({ maxBodyBytes: 64 * 1024 });

    const fresh = sampleEvent('order.invoiced');
    expect((await postEvents(server.url, [...events, fresh])).body).toMatchObject({ accepted: 1, duplicates: 2 });
    const counts = await (
      await server.store.client.query({ query: 'SELECT id, count() AS n FROM events WHERE id IN {ids:Array(String)} GROUP BY id', query_params: { ids: events.map((e) => e.id) }, format: 'JSONEachRow' })
    ).json<{ id: string; n: string }>();
    expect(counts.map((c) => Number(c.n))).toEqual([1, 1]);
  });

  it('applies migrations once: a restart applies nothing and records each version', async () => {
    const rows = await (await server.store.client.query({ query: 'SELECT version, name FROM schema_migrations ORDER BY version', format: 'JSONEachRow' })).json<{ version: number; name: string }>();
    expect(rows.map((r) => r.name)).toEqual(readMigrations().map((m) => m.name));
  });

  it('reports ready, and counts ingest in Prometheus metrics', async () => {
    expect(await (await fetch(`${server.url}/readyz`)).json()).toEqual({ status: 'ready' });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    await postEvents(server.url, [sampleEvent('order.invoiced'), { ...sampleEvent('order.invoiced'), ts: 'x' }]);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^ct_events_accepted_total [1-9]\d*$/m);
    expect(metrics).toMatch(/^ct_events_rejected_total [1-9]\d*$/m);
    expect(metrics).toMatch(/^ct_events_duplicates_total \d+$/m);
    expect(metrics).toMatch(/^ct_batch_insert_seconds_count [1-9]\d*$/m);
    expect(metrics).toMatch(/^ct_ingest_queue_depth 0$/m);
    // the in-process engine's own accounting, next to Node's heap, to tell where RSS goes
    expect(Number(/^ct_engine_memory_tracked_bytes (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThan(1024 * 1024);
  });

  it('sets the retention TTL from configuration', async () => {
    const [row] = await (await server.store.client.query({ query: "SELECT create_table_query AS q FROM system.tables WHERE database = currentDatabase() AND name = 'events'", format: 'JSONEachRow' })).json<{ q: string }>();
    expect(row.q).toContain('TTL toDateTime(ingested_at) + toIntervalDay(90)');
  });
});
