import { afterAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../server/contracts/socket.ts';
import type { ExceptionRecord } from '../../server/contracts/exception.ts';
import type { QueueRow } from '../../server/contracts/queueRow.ts';
import type { Triage } from '../../server/contracts/triage.ts';
import type { RunningServer } from '../../server/server.ts';
import { adminToken, postEvents, startTestServer } from '../helpers/testServer.ts';
import { HOUR, MIN, T0 } from '../fixtures/detectEvents.ts';

const triage: Triage = (input) => ({ priority: 60, severity: 'high', team: input.type === 'backorder' ? 'warehouse' : 'master_data', formulaVersion: 'test-1', parts: {} });

let server: RunningServer | undefined;
let client: Socket<ServerToClientEvents, ClientToServerEvents> | undefined;
afterAll(async () => {
  client?.close();
  await server?.close();
});

const iso = (ms: number) => new Date(ms).toISOString();
const created = (orderId: string, at: number, qty: number, taxJurisdiction?: string) => ({
  id: `c-${orderId}`,
  ts: iso(at),
  source: 'erp',
  type: 'order.created',
  orderId,
  customerId: 'C-1',
  attrs: { poNumber: `PO-${orderId}`, lines: [{ lineId: `${orderId}-1`, sku: 'SKU-9', qty, unitPrice: 7 }], shipTo: { city: 'Reno', ...(taxJurisdiction ? { taxJurisdiction } : {}) }, customerTier: 'B' },
});
const allocated = (id: string, orderId: string, at: number, qtyAllocated: number, qtyBackordered: number) => ({
  id,
  ts: iso(at),
  source: 'erp',
  type: 'inventory.allocated',
  orderId,
  lineId: `${orderId}-1`,
  sku: 'SKU-9',
  warehouse: 'DC-ATL',
  attrs: { qtyAllocated, qtyBackordered },
});

async function exceptionLogRows(s: RunningServer): Promise<{ exception_id: string; version: number; type: string; status: string }[]> {
  const rs = await s.store.client.query({ query: 'SELECT exception_id, version, type, status FROM exception_log ORDER BY exception_id, version', format: 'JSONEachRow' });
  return rs.json();
}

describe('detection in the running server', () => {
  it('detects from ingested events, stores each version, pushes a snapshot and batched changes over socket.io, and serves its config', async () => {
    server = await startTestServer({}, { triage });
    client = connect(server.url, { transports: ['websocket'], reconnection: false, auth: { token: await adminToken(server.url) } });
    const snapshot = await new Promise<QueueRow[]>((resolve) => client!.once('exceptions:snapshot', (s) => resolve(s.exceptions)));
    expect(snapshot).toEqual([]);
    const changed = new Promise<QueueRow[]>((resolve) => client!.on('exceptions:changed', ({ exceptions }) => exceptions.some((x) => x.type === 'backorder') && resolve(exceptions)));

    const res = await postEvents(server.url, [created('O-1', T0, 10, 'US-NV'), allocated('a-1', 'O-1', T0 + MIN, 4, 6), created('O-2', T0 + 2 * MIN, 3), { id: 'h-2', ts: iso(T0 + 3 * MIN), source: 'erp', type: 'order.held', orderId: 'O-2', attrs: { holdCode: 'tax' } }, { id: 'r-2', ts: iso(T0 + HOUR), source: 'erp', type: 'order.released', orderId: 'O-2', attrs: { holdCode: 'tax' } }]);
    expect(res.status).toBe(202);
    const batch = await changed;
    const backorder = batch.find((x) => x.type === 'backorder')!;
    expect(backorder).toMatchObject({ correlationKey: 'backorder:SKU-9@DC-ATL', orderIds: ['O-1'], orderCount: 1, revenueAtRisk: 70, customerTier: 'B', team: 'warehouse', priority: 60 });
    // The feed sends queue rows; evidence and details come with the full record (GET /exceptions/:id).
    expect(backorder).not.toHaveProperty('evidence');
    expect(backorder).not.toHaveProperty('details');

    await server.book.flush();
    const rows = await exceptionLogRows(server);
    expect(rows.map((r) => `${r.type} v${r.version} ${r.status}`).sort()).toEqual(['backorder v1 open', 'missing_master_data v1 open', 'missing_master_data v2 open', 'missing_master_data v3 resolved']);

    const auth = { headers: { authorization: `Bearer ${await adminToken(server.url)}` } };
    expect((await fetch(`${server.url}/api/v1/detectors/config`)).status).toBe(401);
    const cfg = await (await fetch(`${server.url}/api/v1/detectors/config`, auth)).json();
    expect(cfg.version).toBeTruthy();
    expect(cfg.detectors).toHaveLength(11);
    expect(cfg.config.shipment_delay.graceMinutes).toBe(0);
    const state = await (await fetch(`${server.url}/api/v1/detectors/state`, auth)).json();
    expect(state.state.backorder.stockouts).toBe(1);
    // The book's size on /metrics: the open backorder; the resolved master-data exception is
    // no longer active, only kept among the recently closed.
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics.match(/^ct_exceptions_active\{.*$/gm)).toEqual(['ct_exceptions_active{type="backorder"} 1']);
    expect(metrics).toMatch(/^ct_exceptions_closed_in_memory 1$/m);
  });

  it('after a restart on the same data dir neither loses the open detection nor raises anything twice, and its rebuilt state still resolves it', async () => {
    client?.close();
    client = undefined;
    const before = await exceptionLogRows(server!);
    await server!.close();
    server = await startTestServer({}, { triage });
    const active = server.book.listActive();
    expect(active.map((x) => `${x.type} v${x.version}`)).toEqual(['backorder v1']);
    await server.book.flush();
    expect(await exceptionLogRows(server)).toEqual(before);

    // The detector remembers which line waits: its re-allocation resolves the exception.
    const res = await postEvents(server.url, [allocated('a-2', 'O-1', T0 + 2 * HOUR, 6, 0)]);
    expect(res.status).toBe(202);
    await expect.poll(() => server!.book.listActive().length, { timeout: 5000 }).toBe(0);
    await server.book.flush();
    const rows = await exceptionLogRows(server);
    expect(rows.filter((r) => r.type === 'backorder').map((r) => `v${r.version} ${r.status}`)).toEqual(['v1 open', 'v2 resolved']);
  });
});
