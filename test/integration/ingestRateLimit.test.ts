import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/server.ts';
import { startTestServer } from '../helpers/testServer.ts';
import { sampleEvent } from '../fixtures/events.ts';

const KEY_A = 'rate-limit-key-a-0123456789abcdef';
const KEY_B = 'rate-limit-key-b-0123456789abcdef';
let server: RunningServer;

beforeAll(async () => {
  server = await startTestServer({ ingestKeys: [KEY_A, KEY_B], ingestRequestsPerKeyPerMinute: 3, ingestRequestsPerIpPerMinute: 5 });
});
afterAll(async () => server?.close());

const post = (key: string) =>
  fetch(`${server.url}/api/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(sampleEvent('order.invoiced')) });

describe('ingest rate limits', () => {
  it('limits each producer key, then the client address, with 429 and Retry-After, storing nothing refused', async () => {
    for (let i = 0; i < 3; i++) expect((await post(KEY_A)).status).toBe(202);
    const overKey = await post(KEY_A);
    expect(overKey.status).toBe(429);
    expect(Number(overKey.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await overKey.json()).error).toEqual({ code: 'rate_limited', message: 'too many ingest requests for this key; retry after the Retry-After seconds' });

    // Another key from the same address still gets through until the address's own limit (5 a minute, 4 used).
    expect((await post(KEY_B)).status).toBe(202);
    const overIp = await post(KEY_B);
    expect(overIp.status).toBe(429);
    expect((await overIp.json()).error.message).toBe('too many ingest requests for this address; retry after the Retry-After seconds');

    const [row] = await (await server.store.client.query({ query: "SELECT count() AS n FROM events WHERE type = 'order.invoiced'", format: 'JSONEachRow' })).json<{ n: string }>();
    expect(Number(row.n)).toBe(4);
  });
});
