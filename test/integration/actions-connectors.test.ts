import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/server.ts';
import { ADMIN_PASSWORD, api, login, startTestServer, tempDataDir, userWithRoles } from '../fixtures/towerServer.ts';
import { makeException } from '../fixtures/exceptions.ts';
import { FakeErp } from '../fixtures/fakeErp.ts';
import { waitFor } from '../fixtures/waitFor.ts';
import { exceptionTimeline } from '../../server/store/exceptionTimeline.ts';

const dir = tempDataDir('connectors');
let server: RunningServer;
let erp: FakeErp;
let ops = '';
let n = 0;

beforeAll(async () => {
  erp = await new FakeErp().start();
  server = await startTestServer(dir, { connectorErpUrl: erp.url, connectorTmsUrl: erp.url, connectorTimeoutMs: 300, connectorBackoffMs: 5, connectorMaxAttempts: 3 });
  ops = await userWithRoles(server, await login(server, 'admin', ADMIN_PASSWORD), 'ida', ['it', 'operations']);
});
afterAll(async () => {
  await server?.close();
  await erp?.stop();
});

/** Replays messages on a fresh integration failure and returns its id and delivery id. */
async function replayMessages() {
  const x = makeException({ type: 'integration_failure', team: 'it', interface: 'edi-850', details: {} });
  await server.book.commit(x);
  const r = await api(server, 'POST', `/exceptions/${x.id}/actions`, { token: ops, body: { action: 'replay_messages' }, headers: { 'idempotency-key': `c-${++n}` } });
  expect(r.status).toBe(202);
  return { id: x.id, deliveryId: r.json.deliveryId as string };
}
const callsFor = (id: string) => erp.calls.filter((c) => c.body.exceptionId === id);

describe('webhook connector', () => {
  it('retries 500s with the same idempotency key and resolves once the ERP accepts', async () => {
    erp.script = ['fail500', 'fail500', 'ok'];
    const { id } = await replayMessages();
    await waitFor(() => server.book.get(id)?.status === 'resolved', 'resolution after retries');
    const calls = callsFor(id);
    expect(calls.map((c) => c.answered)).toEqual(['fail500', 'fail500', 'ok']);
    expect(new Set(calls.map((c) => c.key)).size).toBe(1);
    expect(calls[0].body).toMatchObject({ kind: 'replay_messages', interface: 'edi-850', idempotencyKey: calls[0].key });
  });

  it('an answer that comes too late is retried, and the ERP applies the command once', async () => {
    erp.script = ['slow', 'ok'];
    const { id } = await replayMessages();
    await waitFor(() => server.book.get(id)?.status === 'resolved', 'resolution after a timeout');
    const calls = callsFor(id);
    expect(calls).toHaveLength(2);
    expect(calls[0].key).toBe(calls[1].key);
    expect([...erp.applied.values()].filter((b) => b.exceptionId === id)).toHaveLength(1);
    await server.book.flush();
    const timeline = await exceptionTimeline(server.store.client, id);
    expect(timeline.filter((v) => v.status === 'resolved')).toHaveLength(1);
  });

  it('a failure that persists is a dead letter, leaves the exception open with the error, and replays once fixed', async () => {
    erp.fallback = 'fail500';
    const { id, deliveryId } = await replayMessages();
    await waitFor(() => (server.book.get(id)?.details.execution as { status?: string } | undefined)?.status === 'failed', 'dead letter');
    await server.governance.executor.idle(); // the exception learns the outcome first; the dead letter follows
    const failed = server.book.get(id)!;
    expect(failed.status).toBe('in_progress');
    expect(failed.details.execution).toMatchObject({ status: 'failed', attempts: 3, error: expect.stringContaining('HTTP 500') });
    expect(callsFor(id)).toHaveLength(3);

    const letters = await api(server, 'GET', '/connectors/dead-letters', { token: ops });
    expect(letters.json.items.map((d: { id: string }) => d.id)).toContain(deliveryId);

    erp.fallback = 'ok';
    const replay = await api(server, 'POST', `/connectors/dead-letters/${deliveryId}/replay`, { token: ops, headers: { 'idempotency-key': `replay-${deliveryId}` } });
    expect(replay.status).toBe(202);
    await waitFor(() => server.book.get(id)?.status === 'resolved', 'resolution after replay');
    const calls = callsFor(id);
    expect(calls).toHaveLength(4);
    expect(new Set(calls.map((c) => c.key)).size).toBe(1);
    expect((await api(server, 'GET', '/connectors/dead-letters', { token: ops })).json.items.map((d: { id: string }) => d.id)).not.toContain(deliveryId);
    const again = await api(server, 'POST', `/connectors/dead-letters/${deliveryId}/replay`, { token: ops, headers: { 'idempotency-key': `replay-${deliveryId}` } });
    expect(again.json).toEqual(replay.json);
    expect(callsFor(id)).toHaveLength(4);
  });

  it('an order-level action on an incident over several orders leaves it in progress for its resolving events', async () => {
    const x = makeException({ type: 'backorder', team: 'warehouse', sku: 'SKU-1', warehouse: 'DC-EAST', orderIds: ['O-a', 'O-b', 'O-c'], details: { qtyShort: 5, alternatives: [{ warehouse: 'DC-WEST', available: 50, freightCost: 12 }] } });
    await server.book.commit(x);
    erp.fallback = 'ok';
    const r = await api(server, 'POST', `/exceptions/${x.id}/actions`, { token: ops, body: { action: 'reallocate', params: { orderId: 'O-b' } }, headers: { 'idempotency-key': `c-${++n}` } });
    expect(r.status).toBe(202);
    await waitFor(() => (server.book.get(x.id)?.details.execution as { status?: string } | undefined)?.status === 'succeeded', 'execution');
    expect(server.book.get(x.id)!.status).toBe('in_progress');
    // The suggested source warehouse is the default parameter; the requester's order id wins.
    expect(callsFor(x.id)[0].body).toMatchObject({ kind: 'reallocate', orderId: 'O-b', warehouse: 'DC-WEST' });
  });

  it('a delivery cut off by a crash is sent again at the next start, with the same key', async () => {
    const x = makeException({ type: 'integration_failure', team: 'it', interface: 'edi-856', details: {} });
    await server.book.commit(x);
    // What a crash leaves behind: the delivery recorded as sending, and no outcome.
    const def = { action: 'replay_messages', connector: 'erp', command: 'replay_messages' } as const;
    const delivery = server.governance.executor.newDelivery({ ...def, label: '', risk: 'low', policy: { mode: 'auto' }, requestRoles: ['it'], resolves: true }, x, {}, 'crashed-key');
    await server.governance.deliveries.save({ ...delivery, version: 1 });
    await server.book.commit({ ...x, version: 2, status: 'in_progress', actor: 'usr_x', change: 'action_started', details: { execution: { status: 'sending', deliveryId: delivery.id } } });
    erp.fallback = 'ok';
    await server.close();
    server = await startTestServer(dir, { connectorErpUrl: erp.url, connectorTmsUrl: erp.url, connectorTimeoutMs: 300, connectorBackoffMs: 5, connectorMaxAttempts: 3 });
    await waitFor(() => server.book.get(x.id)?.status === 'resolved', 'resolution after restart');
    expect(callsFor(x.id).map((c) => c.key)).toEqual(['crashed-key']);
  });

  it('a delivery stored but never committed on its exception (killed between the two) is withdrawn at the next start, and the next request acts once', async () => {
    const x = makeException({ type: 'integration_failure', team: 'it', interface: 'edi-997', details: {} });
    await server.book.commit(x);
    // What a kill between ActionService.execute's two writes leaves: the delivery recorded as
    // sending, the exception still open and knowing nothing of it. Its request was never
    // answered 202, so nothing is owed; sending it would act beside the next request.
    const def = { action: 'replay_messages', connector: 'erp', command: 'replay_messages' } as const;
    const orphan = server.governance.executor.newDelivery({ ...def, label: '', risk: 'low', policy: { mode: 'auto' }, requestRoles: ['it'], resolves: true }, x, {}, 'orphan-key');
    await server.governance.deliveries.save({ ...orphan, version: 1 });
    erp.fallback = 'ok';
    await server.close();
    server = await startTestServer(dir, { connectorErpUrl: erp.url, connectorTmsUrl: erp.url, connectorTimeoutMs: 300, connectorBackoffMs: 5, connectorMaxAttempts: 3 });
    const storedStatus = async () => {
      const rs = await server.store.client.query({ query: 'SELECT status FROM connector_deliveries FINAL WHERE id = {id:String}', query_params: { id: orphan.id }, format: 'JSONEachRow' });
      return (await rs.json<{ status: string }>())[0]?.status;
    };
    await waitFor(async () => (await storedStatus()) === 'cancelled', 'the orphan delivery stored as cancelled');
    expect(server.book.get(x.id)!.status).toBe('open');
    const requestKey = `c-${++n}`;
    const r = await api(server, 'POST', `/exceptions/${x.id}/actions`, { token: ops, body: { action: 'replay_messages' }, headers: { 'idempotency-key': requestKey } });
    expect(r.status).toBe(202);
    await waitFor(() => server.book.get(x.id)?.status === 'resolved', 'resolution by the new request');
    await server.governance.executor.idle();
    // One call, under the new request's key; the orphan's key never reached the ERP.
    expect(callsFor(x.id).map((c) => c.key)).toEqual([`${x.id}:replay_messages:${requestKey}`]);
  });

  it('a refusal (4xx) is not retried and goes straight to the dead letters', async () => {
    erp.script = ['reject422'];
    const { id } = await replayMessages();
    await waitFor(() => (server.book.get(id)?.details.execution as { status?: string } | undefined)?.status === 'failed', 'refusal');
    expect(callsFor(id)).toHaveLength(1);
    expect(server.book.get(id)!.status).toBe('in_progress');
  });
});
