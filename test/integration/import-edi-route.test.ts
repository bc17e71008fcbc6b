// POST /api/v1/edi over real HTTP; the pipeline's submit is a recorder until the foundation's
// pipeline is mounted by the lead (then this test gets the real one).
import express from 'express';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ediRouter } from '../../server/api/edi.ts';
import type { CtEvent } from '../../server/events/schema.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/import/${name}`, import.meta.url), 'utf8');

describe('POST /api/v1/edi', () => {
  const seen = new Set<string>();
  const submitted: CtEvent[][] = [];
  let server: Server;
  let url: string;
  beforeAll(async () => {
    const app = express();
    app.use('/api/v1', ediRouter({
      maxBodyBytes: 1 << 20,
      submit: async (events) => {
        submitted.push(events);
        const fresh = events.filter((event) => !seen.has(event.id));
        for (const event of fresh) seen.add(event.id);
        return { accepted: fresh.length, duplicates: events.length - fresh.length };
      },
    }));
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/edi`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const post = (body: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/edi-x12' }, body });

  it('answers per transaction set: taken ones with their event ids, refused ones with the reason', async () => {
    const response = await post(fixture('x12-unknown-set.edi'));
    expect(response.status).toBe(202);
    const body = await response.json();
    expect(body).toEqual({
      accepted: 1,
      duplicates: 0,
      transactions: [
        { where: 'line 1 ISA 000000601 / GS 61 / ST 0001', ok: true, eventIds: [expect.stringMatching(/^x12:ACMEBUYER:000000601:61:0001:850:/)] },
        { where: 'line 1 ISA 000000601 / GS 61 / ST 0002', ok: false, error: "unsupported transaction set '940' (supported: 810, 850, 855, 856, 997)" },
      ],
    });
    expect(submitted.at(-1)?.map((event) => event.orderId)).toEqual(['PO-4601']);
  });

  it('groups the events of one transaction (an 856 with two orders) and reports a resubmission as duplicates', async () => {
    const first = await (await post(fixture('x12-856.edi'))).json();
    expect(first.transactions).toHaveLength(1);
    expect(first.transactions[0].eventIds).toHaveLength(2);
    const again = await (await post(fixture('x12-856.edi'))).json();
    expect([again.accepted, again.duplicates]).toEqual([0, 2]);
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
