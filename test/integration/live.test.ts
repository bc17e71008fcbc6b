import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, EventStatsDelta, EventStatsSnapshot, ServerToClientEvents } from '../../server/contracts/socket.ts';
import type { RunningServer } from '../../server/server.ts';
import { adminToken, postEvents, startTestServer, TEST_INGEST_KEY } from '../helpers/testServer.ts';
import { sampleEvent } from '../fixtures/events.ts';

let server: RunningServer;
let client: Socket<ServerToClientEvents, ClientToServerEvents>;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  client?.close();
  await server?.close();
});

const next = <T>(event: 'events:snapshot' | 'events:delta', match: (v: any) => boolean = () => true) =>
  new Promise<T>((resolve) => {
    const handler = (v: any) => {
      if (!match(v)) return;
      client.off(event, handler);
      resolve(v);
    };
    client.on(event, handler);
  });

describe('live event stats over socket.io', () => {
  it('sends a snapshot on connect, then a delta within a second of new events', async () => {
    await postEvents(server.url, [sampleEvent('order.invoiced')]);
    client = connect(server.url, { transports: ['websocket'], reconnection: false, auth: { token: await adminToken(server.url) } });
    const snapshot = await next<EventStatsSnapshot>('events:snapshot');
    expect(snapshot.totals.byType['order.invoiced']).toBe(1);
    expect(snapshot.totals.total).toBe(1);

    const sentAt = Date.now();
    const delta = next<EventStatsDelta>('events:delta', (d) => d.totals.total === 3);
    await postEvents(server.url, [sampleEvent('pick.short'), sampleEvent('pick.short')]);
    const d = await delta;
    expect(Date.now() - sentAt).toBeLessThan(1500);
    expect(d.totals.byType['pick.short']).toBe(2);
    expect(d.totals.bySource.wms).toBe(2);
    expect(d.lastEventTs).toBe('2026-11-26T10:00:00.000Z');
  });

  it('answers a snapshot request through the ack', async () => {
    const answer = await client.timeout(2000).emitWithAck('events:snapshot');
    expect(answer).toMatchObject({ ok: true, data: { totals: { total: 3 } } });
  });

  it('sends at most one delta a second', async () => {
    const seen: number[] = [];
    const record = () => seen.push(Date.now());
    client.on('events:delta', record);
    const started = Date.now();
    for (let i = 0; i < 10; i++) {
      await postEvents(server.url, [sampleEvent('order.invoiced')]);
      await new Promise((r) => setTimeout(r, 200));
    }
    const elapsed = Date.now() - started;
    client.off('events:delta', record);
    expect(seen.length).toBeGreaterThanOrEqual(1);
    expect(seen.length).toBeLessThanOrEqual(Math.ceil(elapsed / 1000) + 1);
    for (let i = 1; i < seen.length; i++) expect(seen[i] - seen[i - 1]).toBeGreaterThan(800);
  });

  it('refuses a socket without credentials, with a producer key, or from a foreign page', async () => {
    const refusal = (opts: Parameters<typeof connect>[1]) =>
      new Promise<string>((resolve, reject) => {
        const s = connect(server.url, { transports: ['websocket'], reconnection: false, forceNew: true, ...opts });
        s.on('connect', () => reject(new Error('connected')));
        s.on('connect_error', (err) => {
          s.close();
          resolve(err.message);
        });
      });
    expect(await refusal({})).toBe('unauthenticated: sign in, or pass auth.token');
    expect(await refusal({ auth: { token: 'not-a-session' } })).toBe('unauthenticated: sign in, or pass auth.token');
    expect(await refusal({ auth: { token: TEST_INGEST_KEY } })).toBe('forbidden: this credential cannot read the live feed');
    const token = await adminToken(server.url);
    expect(await refusal({ auth: { token }, extraHeaders: { origin: 'https://evil.example' } })).toBe('origin https://evil.example is not allowed');
  });
});
