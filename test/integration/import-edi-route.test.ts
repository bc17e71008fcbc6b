// POST /api/v1/edi over real HTTP into the real ingest pipeline and embedded store (chDB).
import express from 'express';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ediRouter } from '../../server/api/edi.ts';
import { errorMiddleware } from '../../server/api/errorMiddleware.ts';
import { loadConfig } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';
import { IngestPipeline } from '../../server/pipeline/pipeline.ts';
import { openStore, type Store } from '../../server/store/client.ts';
import { toEventRow } from '../../server/store/eventRow.ts';
import { findStoredIds } from '../../server/store/findStoredIds.ts';
import { insertEvents } from '../../server/store/insertEvents.ts';
import { migrate } from '../../server/store/migrate.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/import/${name}`, import.meta.url), 'utf8');
const dataDir = mkdtempSync(join(tmpdir(), 'ct-edi-route-'));

describe('POST /api/v1/edi', () => {
  let store: Store;
  let pipeline: IngestPipeline;
  let server: Server;
  let url: string;
  beforeAll(async () => {
    store = await openStore(loadConfig({}, { dataDir, database: 'edi_route' }));
    await migrate(store.client);
    pipeline = new IngestPipeline({ maxRows: 1000, maxWaitMs: 10, maxQueueEvents: 10_000 }, {
      lookup: (ids) => findStoredIds(store.client, ids, 48),
      insert: (events) => insertEvents(store.client, events.map((event) => toEventRow(event, new Date().toISOString()))),
    });
    const app = express();
    app.use('/api/v1', ediRouter({ maxBodyBytes: 1 << 20, submit: (events) => pipeline.submit(events) }));
    app.use(errorMiddleware(createLogger('silent')));
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/edi`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await pipeline.drain();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const post = (body: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/edi-x12' }, body });
  const storedOrders = async () => (await (await store.client.query({ query: "SELECT order_id FROM events WHERE type = 'order.created' ORDER BY order_id", format: 'JSONEachRow' })).json<{ order_id: string }>()).map((row) => row.order_id);

  it('refuses a body that is not valid UTF-8 with 400, naming it, and stores nothing', async () => {
    const before = await storedOrders();
    const bytes = Buffer.concat([Buffer.from(fixture('x12-unknown-set.edi').slice(0, 200)), Buffer.from([0xff, 0xfe]), Buffer.from(fixture('x12-unknown-set.edi').slice(200))]);
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/edi-x12' }, body: new Uint8Array(bytes) });
    expect(response.status).toBe(400);
    expect((await response.json()).error.message).toBe('body is not valid UTF-8');
    expect(await storedOrders()).toEqual(before);
  });

  it('answers per transaction set: taken ones with their event ids, refused ones with the reason', async () => {
    const response = await post(fixture('x12-unknown-set.edi'));
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({
      accepted: 1,
      duplicates: 0,
      transactions: [
        { where: 'line 1 ISA 000000601 / GS 61 / ST 0001', ok: true, eventIds: [expect.stringMatching(/^x12:ACMEBUYER:000000601:61:0001:850:/)] },
        { where: 'line 1 ISA 000000601 / GS 61 / ST 0002', ok: false, error: "unsupported transaction set '940' (supported: 810, 850, 855, 856, 997)" },
      ],
    });
    expect(await storedOrders()).toEqual(['PO-4601']);
  });

  it('groups the events of one transaction (an 856 with two orders) and stores a resubmission once', async () => {
    const first = await (await post(fixture('x12-856.edi'))).json();
    expect(first.transactions).toHaveLength(1);
    expect(first.transactions[0].eventIds).toHaveLength(2);
    const again = await (await post(fixture('x12-856.edi'))).json();
    expect([again.accepted, again.duplicates]).toEqual([0, 2]);
    const shipments = await (await store.client.query({ query: "SELECT count() AS n FROM events WHERE type = 'shipment.created'", format: 'JSONEachRow' })).json<{ n: string }>();
    expect(Number(shipments[0].n)).toBe(2);
  });

  it('refuses a body with nothing usable with 400 and the envelope error', async () => {
    const response = await post(fixture('x12-wrong-terminator.edi').split('ISA*').slice(0, 2).join('ISA*'));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: {
        code: 'invalid_x12',
        message: 'no transaction set in the body could be taken',
        details: { transactions: [{ where: 'line 1 ISA 000000901', ok: false, error: "segments after the ISA are not terminated by '~' (the segment terminator declared at ISA position 106); interchange skipped" }] },
      },
    });
  });
});
