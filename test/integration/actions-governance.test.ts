import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/server.ts';
import { ADMIN_PASSWORD, api, login, startTestServer, tempDataDir, userWithRoles } from '../fixtures/towerServer.ts';
import { makeException } from '../fixtures/exceptions.ts';
import { FakeErp } from '../fixtures/fakeErp.ts';
import { waitFor } from '../fixtures/waitFor.ts';

const dir = tempDataDir('governance');
let server: RunningServer;
let erp: FakeErp;
const tokens: Record<string, string> = {};
let keyN = 0;
const key = () => `k-${++keyN}`;
const config = () => ({ connectorErpUrl: erp.url, connectorTmsUrl: erp.url, connectorServiceDeskUrl: erp.url, connectorTimeoutMs: 300, connectorBackoffMs: 1, connectorMaxAttempts: 3 });

async function seed(over: Parameters<typeof makeException>[0] = {}) {
  const x = makeException(over);
  await server.book.commit(x);
  return x;
}
const act = (token: string, id: string, body: unknown, idem = key()) => api(server, 'POST', `/exceptions/${id}/actions`, { token, body, headers: { 'idempotency-key': idem } });

beforeAll(async () => {
  erp = await new FakeErp().start();
  server = await startTestServer(dir, config());
  const admin = await login(server, 'admin', ADMIN_PASSWORD);
  tokens.admin = admin;
  for (const [name, roles] of Object.entries({ fiona: ['finance'], fred: ['finance'], pia: ['pricing'], otto: ['operations'], vic: ['viewer'] })) tokens[name] = await userWithRoles(server, admin, name, roles);
});
afterAll(async () => {
  await server?.close();
  await erp?.stop();
});

describe('lifecycle over the API', () => {
  it('answers an illegal transition with 409 and the allowed states', async () => {
    const x = await seed({ status: 'resolved', resolvedAt: '2025-03-03T09:30:00.000Z' });
    const r = await api(server, 'POST', `/exceptions/${x.id}/transitions`, { token: tokens.fiona, body: { to: 'acknowledged' }, headers: { 'idempotency-key': key() } });
    expect(r.status).toBe(409);
    expect(r.json.error.details).toEqual({ from: 'resolved', to: 'acknowledged', allowed: ['open'] });
  });

  it('acknowledges through ExceptionBook.commit (version + 1) and requires a reason to dismiss', async () => {
    const x = await seed();
    const ack = await api(server, 'POST', `/exceptions/${x.id}/transitions`, { token: tokens.fiona, body: { to: 'acknowledged' }, headers: { 'idempotency-key': key() } });
    expect(ack.status).toBe(200);
    expect(server.book.get(x.id)).toMatchObject({ version: 2, status: 'acknowledged' });
    const noReason = await api(server, 'POST', `/exceptions/${x.id}/transitions`, { token: tokens.fiona, body: { to: 'dismissed' }, headers: { 'idempotency-key': key() } });
    expect(noReason.status).toBe(400);
  });

  it('refuses state changes from a role that does not work the owning team', async () => {
    const x = await seed();
    const r = await api(server, 'POST', `/exceptions/${x.id}/transitions`, { token: tokens.pia, body: { to: 'acknowledged' }, headers: { 'idempotency-key': key() } });
    expect(r.status).toBe(403);
  });
});

describe('policies and segregation of duties', () => {
  it('pricing cannot release credit; a viewer cannot act at all', async () => {
    const x = await seed();
    expect((await act(tokens.pia, x.id, { action: 'release_hold' })).status).toBe(403);
    expect((await act(tokens.vic, x.id, { action: 'release_hold' })).status).toBe(403);
    expect((await act(tokens.fiona, x.id, { action: 'apply_contract_price' })).status).toBe(400);
    expect(server.book.get(x.id)!.version).toBe(1);
  });

  it('a credit release waits for approval by another finance user, then executes once and resolves', async () => {
    const x = await seed();
    const req = await act(tokens.fiona, x.id, { action: 'release_hold', comment: 'customer paid yesterday' });
    expect(req.status).toBe(202);
    expect(req.json).toMatchObject({ outcome: 'pending_approval', requiredRole: 'finance' });
    expect(server.book.get(x.id)!.status).toBe('pending_approval');
    const approvalId = req.json.approvalId;

    const own = await api(server, 'POST', `/approvals/${approvalId}/approve`, { token: tokens.fiona, body: {}, headers: { 'idempotency-key': key() } });
    expect(own.status).toBe(403);
    expect(own.json.error.code).toBe('segregation_of_duties');
    const wrongRole = await api(server, 'POST', `/approvals/${approvalId}/approve`, { token: tokens.otto, body: {}, headers: { 'idempotency-key': key() } });
    expect(wrongRole.status).toBe(403);

    const inbox = await api(server, 'GET', '/approvals', { token: tokens.fred });
    expect(inbox.json.items.map((a: { id: string }) => a.id)).toContain(approvalId);
    expect((await api(server, 'GET', '/approvals', { token: tokens.fiona })).json.items.map((a: { id: string }) => a.id)).not.toContain(approvalId);

    const callsBefore = erp.calls.length;
    const ok = await api(server, 'POST', `/approvals/${approvalId}/approve`, { token: tokens.fred, body: { comment: 'ok' }, headers: { 'idempotency-key': key() } });
    expect(ok.status).toBe(202);
    await waitFor(() => server.book.get(x.id)?.status === 'resolved', 'resolution');
    await server.governance.executor.idle(); // the exception learns the outcome first; the delivery and audit follow
    expect(erp.calls.length - callsBefore).toBe(1);
    const sent = erp.calls[erp.calls.length - 1].body;
    expect(sent).toMatchObject({ kind: 'release_hold', exceptionId: x.id, orderId: x.orderIds[0] });
    expect((await api(server, 'POST', `/approvals/${approvalId}/approve`, { token: tokens.admin, body: {}, headers: { 'idempotency-key': key() } })).status).toBe(409);

    await server.governance.audit.flush();
    const audit = await api(server, 'GET', `/audit?exceptionId=${x.id}&limit=50`, { token: tokens.otto });
    const kinds = audit.json.items.map((e: { kind: string }) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['detection', 'approval.requested', 'approval.approved', 'action.requested', 'connector.call', 'connector.succeeded']));
    const byOrder = await api(server, 'GET', `/audit?orderId=${x.orderIds[0]}&actor=${ok.json.approval.decidedBy}`, { token: tokens.otto });
    expect(byOrder.json.items.every((e: { actor: string }) => e.actor === ok.json.approval.decidedBy)).toBe(true);
    expect(byOrder.json.items.length).toBeGreaterThan(0);
  });

  it('a rejection needs a reason, is audited with it and sends nothing', async () => {
    const x = await seed();
    const req = await act(tokens.fiona, x.id, { action: 'partial_release' });
    const calls = erp.calls.length;
    const noReason = await api(server, 'POST', `/approvals/${req.json.approvalId}/reject`, { token: tokens.fred, body: {}, headers: { 'idempotency-key': key() } });
    expect(noReason.status).toBe(400);
    const r = await api(server, 'POST', `/approvals/${req.json.approvalId}/reject`, { token: tokens.fred, body: { reason: 'overdue balance unpaid' }, headers: { 'idempotency-key': key() } });
    expect(r.status).toBe(200);
    expect(server.book.get(x.id)).toMatchObject({ status: 'in_progress' });
    expect(erp.calls.length).toBe(calls);
    await server.governance.audit.flush();
    const audit = await api(server, 'GET', `/audit?exceptionId=${x.id}&kind=approval.rejected`, { token: tokens.otto });
    expect(audit.json.items[0]).toMatchObject({ actor: expect.stringMatching(/^usr_/), reason: 'overdue balance unpaid' });
  });

  it('an exception resolved by its resolving event cancels its pending approval', async () => {
    const x = await seed();
    const req = await act(tokens.fiona, x.id, { action: 'release_hold' });
    const pending = server.book.get(x.id)!;
    // The detector sees order.released and resolves the exception itself.
    await server.book.commit({ ...pending, version: pending.version + 1, status: 'resolved', resolvedAt: '2025-03-03T11:00:00.000Z', resolutionReason: 'auto', actor: 'credit_hold', change: 'resolved' });
    await waitFor(() => server.governance.approvals.get(req.json.approvalId)?.status === 'cancelled', 'cancelled approval');
    expect((await api(server, 'GET', '/approvals', { token: tokens.fred })).json.items.map((a: { id: string }) => a.id)).not.toContain(req.json.approvalId);
    const late = await api(server, 'POST', `/approvals/${req.json.approvalId}/approve`, { token: tokens.fred, body: {}, headers: { 'idempotency-key': key() } });
    expect(late.status).toBe(409);
  });

  it('of two concurrent requests on one exception, only one acts', async () => {
    const x = await seed({ type: 'shipment_delay', team: 'transportation', details: {} });
    const [a, b] = await Promise.all([act(tokens.otto, x.id, { action: 'expedite' }), act(tokens.otto, x.id, { action: 'expedite' })]);
    expect([a.status, b.status].sort()).toEqual([202, 409]);
    await waitFor(() => server.book.get(x.id)?.status === 'resolved', 'expedite');
    expect(erp.calls.filter((c) => c.body.exceptionId === x.id)).toHaveLength(1);
  });
});

describe('Idempotency-Key', () => {
  it('is required on action requests', async () => {
    const x = await seed();
    const r = await api(server, 'POST', `/exceptions/${x.id}/actions`, { token: tokens.fiona, body: { action: 'keep_hold' } });
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('idempotency_key_required');
  });

  it('a retry returns the first outcome and executes nothing again, also after a restart', async () => {
    const x = await seed({ type: 'carrier_failure', team: 'transportation', carrier: 'UPS', details: {} });
    const first = await act(tokens.otto, x.id, { action: 'reroute', params: { toCarrier: 'FDX' } }, 'reroute-once');
    expect(first.status).toBe(202);
    await waitFor(() => server.book.get(x.id)?.status === 'resolved', 'reroute');
    const second = await act(tokens.otto, x.id, { action: 'reroute', params: { toCarrier: 'FDX' } }, 'reroute-once');
    expect(second.status).toBe(202);
    expect(second.json).toEqual(first.json);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    const different = await act(tokens.otto, x.id, { action: 'open_incident' }, 'reroute-once');
    expect(different.status).toBe(422);

    await server.close();
    server = await startTestServer(dir, config());
    tokens.otto = await login(server, 'otto', 'otto-password-123');
    const afterRestart = await act(tokens.otto, x.id, { action: 'reroute', params: { toCarrier: 'FDX' } }, 'reroute-once');
    expect(afterRestart.status).toBe(202);
    expect(afterRestart.json).toEqual(first.json);
    expect(erp.calls.filter((c) => c.body.exceptionId === x.id)).toHaveLength(1);
  });

  it('a refused request stays refused on retry', async () => {
    const x = await seed();
    const a = await act(tokens.pia, x.id, { action: 'release_hold' }, 'refused-once');
    const b = await act(tokens.pia, x.id, { action: 'release_hold' }, 'refused-once');
    expect(a.status).toBe(403);
    expect(b).toMatchObject({ status: 403, json: a.json });
  });
});
