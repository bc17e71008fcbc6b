// Admins change detector thresholds at run time: the edit is validated with the detector
// schema (400 naming the key), stored as a revision in ClickHouse (kept across a restart),
// applied to the running engine (an event that only the new threshold flags raises an
// exception) and audited; other roles may read but not write (403).
import { afterAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/server.ts';
import { DETECTOR_CONFIG_VERSION } from '../../server/detect/config.ts';
import { adminToken, loginToken, postEvents, startTestServer } from '../helpers/testServer.ts';

let server: RunningServer;
afterAll(() => server?.close());

async function call(method: string, path: string, token: string, body?: unknown) {
  const res = await fetch(`${server.url}/api/v1${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  return { status: res.status, body: await res.json() };
}

const priced = (orderId: string, unitPrice: number) => ({
  id: `p-${orderId}`,
  ts: new Date().toISOString(),
  source: 'erp',
  type: 'order.priced',
  orderId,
  lineId: `${orderId}-1`,
  sku: 'SKU-1',
  attrs: { unitPrice, contractPrice: 100 },
});

async function pricingExceptionFor(orderId: string) {
  await server.book.flush();
  return server.book.listActive().find((x) => x.type === 'pricing_discrepancy' && x.orderIds.includes(orderId));
}

describe('detector settings edited by an admin', () => {
  it('validates, stores, applies and audits a threshold change, and keeps it across a restart', async () => {
    server = await startTestServer();
    const admin = await adminToken(server.url);
    const before = await call('GET', '/detectors/config', admin);
    expect(before.body).toMatchObject({ revision: 0, config: { pricing_discrepancy: { contractTolerance: 0.02 } } });
    expect(before.body.restartKeys).toContain('shipment_delay.graceMinutes');

    // 1 % off contract: inside the default 2 % tolerance, so nothing is raised.
    expect((await postEvents(server.url, [priced('O-1', 101)])).status).toBe(202);
    await expect.poll(() => server.detection.stats.events, { timeout: 5000 }).toBe(1);
    expect(await pricingExceptionFor('O-1')).toBeUndefined();

    const bad = await call('PATCH', '/detectors/config', admin, { baseRevision: 0, config: { pricing_discrepancy: { contractTolerance: -1 } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/pricing_discrepancy\.contractTolerance: /);
    expect(bad.body.error.details.issues[0].path).toBe('pricing_discrepancy.contractTolerance');
    const typo = await call('PATCH', '/detectors/config', admin, { baseRevision: 0, config: { pricing_discrepancy: { contractTolerence: 0.01 } } });
    expect(typo.body.error.message).toBe('invalid detector configuration: pricing_discrepancy.contractTolerence: unknown key');

    const saved = await call('PATCH', '/detectors/config', admin, { baseRevision: 0, config: { pricing_discrepancy: { contractTolerance: 0.005 } }, comment: 'tighter contract pricing' });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ revision: 1, version: `${DETECTOR_CONFIG_VERSION}+r1`, changes: [{ path: 'pricing_discrepancy.contractTolerance', from: 0.02, to: 0.005 }], appliesAtRestart: [] });
    const stale = await call('PATCH', '/detectors/config', admin, { baseRevision: 0, config: { pricing_discrepancy: { marginFloor: 0.1 } } });
    expect(stale.status).toBe(409);

    // The same 1 % now breaks the tolerance: the running engine judges with the new value.
    expect((await postEvents(server.url, [priced('O-2', 101)])).status).toBe(202);
    await expect.poll(() => pricingExceptionFor('O-2'), { timeout: 5000 }).toBeDefined();
    expect(await pricingExceptionFor('O-2')).toMatchObject({ thresholds: { contractTolerance: 0.005 } });

    const ops = await createUserToken(admin, 'olga.ops', ['operations']);
    expect((await call('GET', '/detectors/config', ops)).body.revision).toBe(1);
    const denied = await call('PATCH', '/detectors/config', ops, { baseRevision: 1, config: { pricing_discrepancy: { contractTolerance: 0.5 } } });
    expect(denied.status).toBe(403);

    // A key the detectors read only when they build state is stored and flagged for the next restart.
    const sized = await call('PATCH', '/detectors/config', admin, { baseRevision: 1, config: { backorder: { maxKeys: 50_000 } } });
    expect(sized.body).toMatchObject({ revision: 2, appliesAtRestart: ['backorder.maxKeys'] });
    expect((await call('GET', '/detectors/config', admin)).body.pendingRestart).toEqual(['backorder.maxKeys']);

    await server.governance.audit.flush();
    const audit = await call('GET', '/audit?kind=config.changed', admin);
    expect(audit.body.items.map((i: { reason: string; actorName: string; data: { revision: number } }) => [i.data.revision, i.reason, i.actorName])).toEqual([
      [2, '', 'admin'],
      [1, 'tighter contract pricing', 'admin'],
    ]);

    await server.close();
    server = await startTestServer();
    const after = await call('GET', '/detectors/config', await adminToken(server.url));
    expect(after.body).toMatchObject({ revision: 2, version: sized.body.version, pendingRestart: [], config: { pricing_discrepancy: { contractTolerance: 0.005 }, backorder: { maxKeys: 50_000 } } });
    const history = await call('GET', '/detectors/config/versions', await adminToken(server.url));
    expect(history.body.items.map((v: { revision: number; changedByName: string; comment: string }) => [v.revision, v.changedByName, v.comment])).toEqual([
      [2, 'admin', ''],
      [1, 'admin', 'tighter contract pricing'],
    ]);
  });
});

async function createUserToken(admin: string, username: string, roles: string[]): Promise<string> {
  const password = `${username}-password-123`;
  const r = await call('POST', '/users', admin, { username, password, roles });
  expect(r.status).toBe(201);
  return loginToken(server.url, username, password);
}
