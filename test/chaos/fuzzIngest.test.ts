// Fuzzes POST /api/v1/events with hostile bodies and hostile fields of otherwise valid
// events. The server runs in THIS process, so a prototype pollution would show here.
// Every answer is a 4xx with a message or a 202 whose events are stored verbatim; a
// rejected event is never stored; nothing answers 5xx.
//   CHAOS_FUZZ_RUNS=2000 npm run test:chaos -- fuzzIngest   (CI: 250 per property)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { RunningServer } from '../../server/server.ts';
import { startTestServer, TEST_INGEST_KEY } from '../helpers/testServer.ts';
import { EVENT_TYPES, type CtEvent } from '../../server/events/schema.ts';
import { sampleEvent } from '../fixtures/events.ts';
import { hostileJsonValue, hostileString, PROTO_KEYS } from './helpers/hostile.ts';

const RUNS = Number(process.env.CHAOS_FUZZ_RUNS ?? 250);
let server: RunningServer;
const tally: Record<string, number> = {};

beforeAll(async () => {
  server = await startTestServer({ maxBodyBytes: 1024 * 1024 });
});
afterAll(async () => {
  console.log(JSON.stringify({ runsPerProperty: RUNS, answers: tally }));
  await server?.close();
});

async function post(body: string | Uint8Array, contentType: string) {
  const payload = typeof body === 'string' ? body : new Uint8Array(body);
  const res = await fetch(`${server.url}/api/v1/events`, { method: 'POST', headers: { 'content-type': contentType, authorization: `Bearer ${TEST_INGEST_KEY}` }, body: payload as BodyInit });
  const text = await res.text();
  tally[res.status] = (tally[res.status] ?? 0) + 1;
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`answer ${res.status} is not JSON: ${text.slice(0, 200)}`);
  }
  return { status: res.status, json };
}

async function storedCount(): Promise<number> {
  const rs = await server.store.client.query({ query: 'SELECT count() AS n FROM events', format: 'JSONEachRow' });
  return Number((await rs.json<{ n: string }>())[0].n);
}

async function storedRow(id: string) {
  const rs = await server.store.client.query({
    query: 'SELECT id, order_id, customer_id, sku, attrs FROM events WHERE id = {id:String}',
    query_params: { id },
    format: 'JSONEachRow',
  });
  return rs.json<{ id: string; order_id: string; customer_id: string; sku: string; attrs: string }>();
}

function expectPreciseRefusal(status: number, json: any) {
  expect(status).toBeGreaterThanOrEqual(400);
  expect(status).toBeLessThan(500);
  expect(typeof json.error?.code).toBe('string');
  expect(json.error.message.length).toBeGreaterThan(5);
}

let fuzzId = 0;
const freshEvent = (type: (typeof EVENT_TYPES)[number]): CtEvent & Record<string, any> => ({ ...sampleEvent(type), id: `fuzz-${process.pid}-${++fuzzId}` }) as any;

describe('fuzz: POST /api/v1/events', () => {
  it('refuses any malformed body with a precise 4xx and stores nothing', async () => {
    const before = await storedCount();
    const body = fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 2000 }).map((b) => ({ bytes: b as Uint8Array, text: undefined as string | undefined })),
      hostileJsonValue.map((t) => ({ bytes: undefined, text: t })),
      fc.array(hostileJsonValue, { minLength: 1, maxLength: 5 }).map((lines) => ({ bytes: undefined, text: lines.join('\n') })),
      // Invalid UTF-8: overlong encodings, lone continuation bytes, truncated sequences.
      fc.constantFrom([0xc0, 0xaf], [0x80], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xff, 0xfe]).map((bad) => ({ bytes: new Uint8Array([0x7b, 0x22, 0x69, 0x64, 0x22, 0x3a, 0x22, ...bad, 0x22, 0x7d]), text: undefined })),
    );
    const contentType = fc.constantFrom('application/json', 'application/x-ndjson', 'text/plain', 'application/octet-stream', 'application/json; charset=latin1', '');
    await fc.assert(
      fc.asyncProperty(body, contentType, async (b, ct) => {
        const { status, json } = await post(b.bytes ?? b.text!, ct);
        expectPreciseRefusal(status, json);
        expect(({} as any).polluted).toBeUndefined();
      }),
      { numRuns: RUNS },
    );
    expect(await storedCount()).toBe(before);
  });

  it('takes a hostile field verbatim when the schema allows it, refuses it by name when not, never stores a refused event', async () => {
    const mutation = fc.record({
      type: fc.constantFrom(...EVENT_TYPES),
      // Where the hostile value goes: a top-level field, a named attr, an extra attr, or a new key.
      where: fc.constantFrom('top', 'attrs', 'attrsExtra', 'proto'),
      key: fc.oneof(fc.constantFrom('id', 'ts', 'source', 'type', 'orderId', 'customerId', 'sku', 'amount', 'qty', 'attrs', 'poNumber', 'lines', 'qtyShort', 'status'), hostileString.filter((s) => s.length < 100)),
      value: hostileJsonValue,
    });
    let accepted = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        const event = freshEvent(m.type);
        const id = event.id;
        // Built as text so that __proto__ arrives as a real JSON key, as an attacker sends it.
        const base = JSON.stringify({ ...event, attrs: { ...event.attrs, [m.where === 'attrsExtra' ? `x_${m.key}` : '__placeholder']: 0 } });
        let text: string;
        if (m.where === 'top') text = base.replace(/^\{/, `{${JSON.stringify(m.key)}:${m.value},`);
        else if (m.where === 'proto') text = base.replace(/^\{/, `{${JSON.stringify(PROTO_KEYS[m.value.length % 3])}:${m.value},`);
        else text = base.replace(m.where === 'attrs' ? '"__placeholder":0' : `${JSON.stringify(`x_${m.key}`)}:0`, `${JSON.stringify(m.where === 'attrs' ? m.key : `x_${m.key}`)}:${m.value}`);
        text = text.replace(',"__placeholder":0', '').replace('"__placeholder":0,', '').replace('{"__placeholder":0}', '{}');
        // A duplicate key keeps the last value in JSON.parse; put the id last so the row is findable.
        if (m.key === 'id' && m.where === 'top') text = text.replace(/\}$/, `,"id":${JSON.stringify(id)}}`);

        const { status, json } = await post(text, 'application/json');
        expect(({} as any).polluted).toBeUndefined();
        expect(Object.prototype).not.toHaveProperty('polluted');
        const rows = await storedRow(id);
        if (status === 202) {
          accepted++;
          expect(json).toMatchObject({ accepted: 1, rejected: [] });
          expect(rows).toHaveLength(1);
          // Stored exactly as sent: no injection was interpreted, no text was mangled.
          const sent = JSON.parse(text);
          expect(rows[0].order_id).toBe(sent.orderId ?? '');
          expect(rows[0].customer_id).toBe(sent.customerId ?? '');
          expect(Object.getPrototypeOf(JSON.parse(rows[0].attrs))).toBe(Object.prototype);
        } else {
          refused++;
          expectPreciseRefusal(status, json);
          expect(rows).toEqual([]);
          if (json.error.code === 'invalid_events') expect(json.error.details.rejected[0].error).toMatch(/\S/);
        }
      }),
      { numRuns: RUNS },
    );
    // Both outcomes must really have been exercised, or the property proves little.
    expect(accepted).toBeGreaterThan(RUNS / 20);
    expect(refused).toBeGreaterThan(RUNS / 20);
  });

  it('refuses an id with a lone surrogate escape by name (stored mangled, it escaped dedupe and was stored twice)', async () => {
    const event = { ...freshEvent('order.invoiced'), id: `dup-${fuzzId}-\udfff` };
    for (let i = 0; i < 2; i++) {
      const { status, json } = await post(JSON.stringify(event), 'application/json');
      expect(status).toBe(400);
      expect(json.error.details.rejected).toEqual([{ index: 0, error: 'id: text is not valid Unicode (lone surrogate escape)' }]);
    }
    const rs = await server.store.client.query({ query: "SELECT count() AS n FROM events WHERE startsWith(id, {p:String})", query_params: { p: `dup-${fuzzId}-` }, format: 'JSONEachRow' });
    expect(Number((await rs.json<{ n: string }>())[0].n)).toBe(0);
    // A proper surrogate pair (an emoji, escaped) is fine and round-trips.
    const emoji = { ...freshEvent('order.invoiced'), orderId: 'O-\ud83d\ude00' };
    expect((await post(JSON.stringify(emoji), 'application/json')).status).toBe(202);
    expect((await storedRow(emoji.id))[0].order_id).toBe('O-😀');
  });

  it('stores injection strings in free-text fields byte for byte', async () => {
    await fc.assert(
      fc.asyncProperty(hostileString.filter((s) => s.length > 0 && s.length <= 256), async (s) => {
        const event = freshEvent('order.created');
        event.orderId = s;
        (event.attrs as Record<string, unknown>).poNumber = s;
        const { status, json } = await post(JSON.stringify(event), 'application/json');
        if (status !== 202) {
          // The only reason to refuse a 1–256 character key is text that cannot be stored faithfully.
          expectPreciseRefusal(status, json);
          expect(json.error.details.rejected[0].error).toMatch(/^(orderId|attrs\.poNumber): text is not valid Unicode/);
          expect(await storedRow(event.id)).toEqual([]);
          return;
        }
        const [row] = await storedRow(event.id);
        expect(row.order_id).toBe(s);
        expect(JSON.parse(row.attrs).poNumber).toBe(s);
      }),
      { numRuns: RUNS },
    );
    // The tables are intact after all those DROP/DELETE strings.
    expect(await storedCount()).toBeGreaterThan(0);
  });
});
