// The KPI HTTP endpoints and the live KPI feed, on a real server with the fixture loaded.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { loadConfig } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';
import { startServer, type RunningServer } from '../../server/server.ts';
import type { ClientToServerEvents, KpiSnapshot, ServerToClientEvents } from '../../server/contracts/socket.ts';
import { loadKpiFixture } from '../fixtures/kpi/loadFixture.ts';
import { adminToken, TEST_ADMIN_PASSWORD } from '../helpers/testServer.ts';

let server: RunningServer;
let token: string;
const NOW = Date.parse('2026-03-03T00:00:00Z');

beforeAll(async () => {
  const config = loadConfig({}, { dataDir: mkdtempSync(join(tmpdir(), 'kpi-api-')), port: 0, host: '127.0.0.1', logLevel: 'silent', adminPassword: TEST_ADMIN_PASSWORD });
  server = await startServer(config, { logger: createLogger('silent'), now: () => NOW });
  await loadKpiFixture(server.store.client);
  token = await adminToken(server.url);
});
afterAll(async () => server?.close());

const get = async (path: string) => {
  const res = await fetch(`${server.url}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as any };
};

describe('GET /api/v1/kpis', () => {
  it('answers every KPI for the window and the previous one', async () => {
    const { status, body } = await get('/kpis?from=2026-03-02T00:00:00Z&to=2026-03-03T00:00:00Z');
    expect(status).toBe(200);
    expect(body.window.previousFrom).toBe('2026-03-01T00:00:00.000Z');
    expect(Object.keys(body.current).sort()).toEqual(
      ['autoResolutionRate', 'detection', 'falsePositiveRate', 'integrations', 'lineFillRate', 'manualTouchesPerOrder', 'mttaSeconds', 'openExceptions',
        'orderCycleSeconds', 'orderFillRate', 'perfectOrderRate', 'resolutionSeconds', 'revenueAtRisk', 'slaAdherence', 'unitFillRate'].sort(),
    );
    expect(body.current.revenueAtRisk).toBe(330); // see kpi-engine.test.ts
    expect(body.previous.resolutionSeconds).toEqual({ p50: 3600, p90: 3600, mean: 3600 });
  });

  it('defaults to the 24 hours before now and groups on request', async () => {
    const { body } = await get('/kpis?groupBy=type');
    expect(body.window.from).toBe('2026-03-02T00:00:00.000Z');
    const credit = body.groups.find((g: { key: string }) => g.key === 'credit_hold');
    expect(credit.current.revenueAtRisk).toBe(200);
  });

  it('rejects a bad range, an unknown group and an unknown parameter by name', async () => {
    const reversed = await get('/kpis?from=2026-03-03T00:00:00Z&to=2026-03-02T00:00:00Z');
    expect(reversed.status).toBe(400);
    expect(reversed.body.error.message).toMatch(/from .* must be before to/);
    expect((await get('/kpis?from=yesterday')).body.error.message).toMatch(/^from: /);
    const group = await get('/kpis?groupBy=planet');
    expect(group.status).toBe(400);
    expect(group.body.error.message).toMatch(/groupBy 'planet'/);
    expect((await get('/kpis?colour=red')).body.error.message).toMatch(/unknown query parameter 'colour'/);
  });
});

describe('GET /api/v1/kpis/series', () => {
  it('returns a filled series from the rollups', async () => {
    const { status, body } = await get('/kpis/series?metric=ordersCreated&from=2026-03-02T00:00:00Z&to=2026-03-02T06:00:00Z&step=1h');
    expect(status).toBe(200);
    // O1 01:00Z, O2 02:00Z, O3 05:00Z (O5 06:00Z is outside)
    expect(body.points.map((p: { v: number }) => p.v)).toEqual([0, 1, 1, 0, 0, 1]);
    const resolved = await get('/kpis/series?metric=exceptionsResolved&from=2026-03-02T00:00:00Z&to=2026-03-03T00:00:00Z&step=1d');
    expect(resolved.body.points).toEqual([{ t: '2026-03-02T00:00:00.000Z', v: 3 }]); // E1, E2, E4
  });

  it('rejects an unknown metric, a bad step and a filter the metric cannot take', async () => {
    expect((await get('/kpis/series?metric=happiness')).body.error.message).toMatch(/unknown metric 'happiness'/);
    expect((await get('/kpis/series?metric=events&step=7s')).body.error.message).toMatch(/step '7s'/);
    expect((await get('/kpis/series?metric=events&step=1m&from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z')).body.error.message).toMatch(/at most 2000/);
    expect((await get('/kpis/series?metric=ordersCreated&tier=A')).body.error.message).toMatch(/filter 'tier' does not apply to metric 'ordersCreated'/);
  });
});

describe('GET /api/v1/integrations', () => {
  it('reports per-interface health', async () => {
    const { body } = await get('/integrations?from=2026-03-02T12:00:00Z&to=2026-03-02T12:10:00Z');
    expect(body.interfaces).toEqual([
      // 4 messages in 10 minutes = 0.4/min
      expect.objectContaining({ interface: 'edi-850', messages: 4, messagesPerMinute: 0.4, failureRate: 0.5, retries: 1, duplicatesSuppressed: 1, deadLetters: 1 }),
    ]);
  });

  it('lists each interface\'s most frequent error codes, carriers included, within the window and filters', async () => {
    const { body } = await get('/integrations?from=2026-03-02T00:00:00Z&to=2026-03-03T00:00:00Z');
    const codes = Object.fromEntries(body.interfaces.map((i: { interface: string; topErrorCodes: unknown }) => [i.interface, i.topErrorCodes]));
    expect(codes['edi-850']).toEqual([
      { code: 'dead_letter', count: 1, lastSeen: '2026-03-02T12:00:20.000Z' },
      { code: 'duplicate', count: 1, lastSeen: '2026-03-02T12:02:00.000Z' },
    ]);
    expect(codes['carrier:UPS']).toEqual([{ code: '503', count: 1, lastSeen: '2026-03-02T04:00:00.000Z' }]);
    // The 10-minute window of the edi-850 traffic holds no carrier call; a carrier filter keeps only that carrier.
    expect((await get('/integrations?from=2026-03-02T12:00:00Z&to=2026-03-02T12:10:00Z')).body.interfaces.map((i: { interface: string }) => i.interface)).toEqual(['edi-850']);
    const ups = (await get('/integrations?from=2026-03-02T00:00:00Z&to=2026-03-03T00:00:00Z&carrier=UPS')).body.interfaces;
    expect(ups.map((i: { interface: string; topErrorCodes: { code: string }[] }) => [i.interface, i.topErrorCodes.map((c) => c.code)])).toEqual([['carrier:UPS', ['503']]]);
  });
});

describe('live KPI feed', () => {
  it('pushes a snapshot to subscribers of room kpis', async () => {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = connect(server.url, { transports: ['websocket'], forceNew: true, auth: { token } });
    try {
      const pushed = new Promise<KpiSnapshot>((resolve) => socket.on('kpis:snapshot', resolve));
      const ack = await new Promise<unknown>((resolve) => socket.emit('kpis:subscribe', resolve));
      expect(ack).toMatchObject({ ok: true });
      const snapshot = await pushed;
      expect(snapshot.window.to).toBe('2026-03-03T00:00:00.000Z');
      expect(snapshot.current.revenueAtRisk).toBe(330);
      expect(snapshot.current.openExceptions.total).toBe(3);
    } finally {
      socket.close();
    }
  });
});
