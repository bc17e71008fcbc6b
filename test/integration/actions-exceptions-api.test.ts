import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/server.ts';
import type { ExceptionRecord } from '../../server/contracts/exception.ts';
import { ADMIN_PASSWORD, api, INGEST_KEY, login, startTestServer, tempDataDir, userWithRoles } from '../fixtures/towerServer.ts';
import { makeException } from '../fixtures/exceptions.ts';

let server: RunningServer;
let viewer = '';
let finance = '';
const seeded: ExceptionRecord[] = [];

beforeAll(async () => {
  server = await startTestServer(tempDataDir('exceptions-api'));
  const admin = await login(server, 'admin', ADMIN_PASSWORD);
  viewer = await userWithRoles(server, admin, 'val', ['viewer']);
  finance = await userWithRoles(server, admin, 'fin', ['finance']);
  const evidence = { id: 'E-hold-1', ts: '2025-03-03T08:59:00.000Z', source: 'erp', type: 'order.held', orderId: 'O-777', attrs: { holdCode: 'credit' } };
  expect((await api(server, 'POST', '/events', { token: INGEST_KEY, body: evidence })).status).toBe(202);
  const specs: Partial<ExceptionRecord>[] = [
    { priority: 90, type: 'backorder', team: 'warehouse', warehouse: 'DC-EAST', customerTier: 'strategic', detectedAt: '2025-03-03T09:05:00.000Z' },
    { priority: 40, type: 'backorder', team: 'warehouse', warehouse: 'DC-WEST', detectedAt: '2025-03-03T09:01:00.000Z' },
    { priority: 75, orderIds: ['O-777'], title: 'Order O-777 on credit hold', evidence: ['E-hold-1'], detectedAt: '2025-03-03T09:02:00.000Z' },
    { priority: 75, detectedAt: '2025-03-03T09:03:00.000Z', customerTier: 'C' },
    { priority: 10, status: 'resolved', resolvedAt: '2025-03-03T10:00:00.000Z', detectedAt: '2025-03-03T08:00:00.000Z' },
    { priority: 60, type: 'shipment_delay', team: 'transportation', detectedAt: '2025-03-03T09:04:00.000Z' },
    { priority: 55, type: 'integration_failure', team: 'it', severity: 'medium', detectedAt: '2025-03-03T09:06:00.000Z' },
  ];
  for (const s of specs) {
    const x = makeException(s);
    seeded.push(x);
    await server.book.commit(x);
  }
  await server.book.flush();
});
afterAll(async () => {
  await server?.close();
});

const list = async (query: string) => api(server, 'GET', `/exceptions?${query}`, { token: viewer });

describe('GET /exceptions', () => {
  it('pages through the queue by priority with a cursor, each exception once', async () => {
    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await list(`sort=priority&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.status).toBe(200);
      ids.push(...r.json.items.map((x: ExceptionRecord) => x.id));
      cursor = r.json.nextCursor;
      pages++;
    } while (cursor);
    const expectedOrder = [...seeded].sort((a, b) => b.priority - a.priority || a.detectedAt.localeCompare(b.detectedAt)).map((x) => x.id);
    expect(ids).toEqual(expectedOrder);
    expect(pages).toBe(3);
  });

  it('sorts by age, oldest first', async () => {
    const r = await list('sort=age&status=open');
    const times = r.json.items.map((x: ExceptionRecord) => x.detectedAt);
    expect(times).toEqual([...times].sort());
    expect(r.json.items).toHaveLength(6);
  });

  it('filters by status, type, team, tier, warehouse, customer and text', async () => {
    expect((await list('type=backorder')).json.items).toHaveLength(2);
    expect((await list('type=backorder&warehouse=DC-WEST')).json.items.map((x: ExceptionRecord) => x.id)).toEqual([seeded[1].id]);
    expect((await list('tier=strategic')).json.items.map((x: ExceptionRecord) => x.id)).toEqual([seeded[0].id]);
    expect((await list('status=resolved')).json.items.map((x: ExceptionRecord) => x.id)).toEqual([seeded[4].id]);
    expect((await list('team=it,transportation')).json.items).toHaveLength(2);
    expect((await list('severity=medium')).json.items.map((x: ExceptionRecord) => x.id)).toEqual([seeded[6].id]);
    expect((await list('text=O-777')).json.items.map((x: ExceptionRecord) => x.id)).toEqual([seeded[2].id]);
    expect((await list('text=credit%20HOLD')).json.items.length).toBeGreaterThanOrEqual(1);
    expect((await list('customer=C-1')).json.items).toHaveLength(7);
  });

  it('names the filter value it does not know', async () => {
    const r = await list('status=opne');
    expect(r.status).toBe(400);
    expect(r.json.error.message).toMatch(/status: unknown value opne/);
    expect((await list('cursor=garbage')).status).toBe(400);
  });
});

describe('GET /exceptions/:id', () => {
  it('shows timeline, evidence, recommendations (audited) and allowed moves', async () => {
    const x = seeded[2];
    await api(server, 'POST', `/exceptions/${x.id}/transitions`, { token: finance, body: { to: 'acknowledged' }, headers: { 'idempotency-key': 'ack-1' } });
    await server.book.flush();
    const r = await api(server, 'GET', `/exceptions/${x.id}`, { token: viewer });
    expect(r.status).toBe(200);
    expect(r.json.exception).toMatchObject({ id: x.id, status: 'acknowledged', version: 2 });
    expect(r.json.timeline.map((v: ExceptionRecord) => [v.version, v.status])).toEqual([
      [1, 'open'],
      [2, 'acknowledged'],
    ]);
    expect(r.json.evidence.map((e: { id: string }) => e.id)).toEqual(['E-hold-1']);
    expect(r.json.recommendations).toMatchObject({ basis: 'catalogue', modelVersion: 'outcome-rank-v1' });
    expect(r.json.recommendations.actions.map((a: { action: string; allowed: boolean }) => [a.action, a.allowed])).toEqual([
      ['release_hold', false],
      ['partial_release', false],
      ['keep_hold', false],
    ]);
    expect(r.json.allowedMoves).toContain('in_progress');
    await server.governance.audit.flush();
    const audit = await api(server, 'GET', `/audit?exceptionId=${x.id}&kind=recommendation.shown`, { token: finance });
    expect(audit.json.items[0]).toMatchObject({ modelVersion: 'outcome-rank-v1', action: 'release_hold' });
  });

  it('answers 404 for an unknown exception', async () => {
    expect((await api(server, 'GET', '/exceptions/nope', { token: viewer })).status).toBe(404);
  });
});
