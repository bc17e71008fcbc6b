// Fuzzes POST /api/v1/edi with hostile X12: valid interchanges with segments dropped,
// duplicated, truncated or filled with hostile elements, and raw garbage. Every answer is
// a 202 naming each transaction set's fate or a 4xx with a message; never a 5xx; and the
// events stored by a request are exactly the ones it reports as accepted.
//   CHAOS_FUZZ_RUNS=2000 npm run test:chaos -- fuzzEdi
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { RunningServer } from '../../server/server.ts';
import { startTestServer, TEST_INGEST_KEY } from '../helpers/testServer.ts';
import { hostileString } from './helpers/hostile.ts';
import { REPO_ROOT } from './helpers/tower.ts';

const RUNS = Number(process.env.CHAOS_FUZZ_RUNS ?? 250);
const SAMPLES = ['x12-850.edi', 'x12-855.edi', 'x12-856.edi', 'x12-810.edi', 'x12-997.edi'].map((f) => readFileSync(join(REPO_ROOT, 'test/fixtures/import', f), 'utf8'));
let server: RunningServer;
const tally: Record<string, number> = {};

beforeAll(async () => {
  server = await startTestServer({ maxBodyBytes: 1024 * 1024 });
});
afterAll(async () => {
  console.log(JSON.stringify({ ediRuns: RUNS, answers: tally }));
  await server?.close();
});

async function storedCount(): Promise<number> {
  const rs = await server.store.client.query({ query: 'SELECT count() AS n FROM events', format: 'JSONEachRow' });
  return Number((await rs.json<{ n: string }>())[0].n);
}

/** A sample interchange with fresh control numbers, so each run's events are new. */
let serial = 0;
function freshSample(i: number): string[] {
  const n = String(++serial + process.pid * 1000).padStart(9, '0').slice(-9);
  const segs = SAMPLES[i % SAMPLES.length].trim().split('~').map((s) => s.trim()).filter(Boolean);
  return segs.map((s) => (s.startsWith('ISA*') ? s.replace(/\*\d{9}\*/, `*${n}*`) : s.startsWith('IEA*') ? s.replace(/\*\d{9}$/, `*${n}`) : s.replace(/PO-4501/g, `PO-${n}`)));
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('dup' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('element' as const), at: fc.nat(), el: fc.nat({ max: 12 }), value: hostileString }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('repeatSegment' as const), at: fc.nat(), times: fc.integer({ min: 100, max: 3000 }) }),
);

function mutate(segs: string[], ms: { kind: string; at: number; el?: number; value?: string; times?: number }[]): string {
  let out = [...segs];
  for (const m of ms) {
    const at = m.at % out.length;
    if (m.kind === 'drop') out.splice(at, 1);
    else if (m.kind === 'dup') out.splice(at, 0, out[at]);
    else if (m.kind === 'truncate') out = out.slice(0, at);
    else if (m.kind === 'repeatSegment') {
      // Many segments, but at most ≈4 MiB of them: past the 1 MiB cap is enough to prove the
      // 413, and a 900 MiB body per case would make the suite take many minutes.
      const times = Math.min(m.times!, Math.floor((4 * 1024 * 1024) / (out[at].length + 2)));
      out.splice(at, 0, ...Array(times).fill(out[at]));
    }
    else {
      const els = out[at].split('*');
      els[1 + (m.el! % Math.max(1, els.length - 1))] = m.value!;
      out[at] = els.join('*');
    }
    if (out.length === 0) break;
  }
  return out.join('~\n') + '~\n';
}

describe('fuzz: POST /api/v1/edi', () => {
  it('answers hostile X12 with 202 per transaction set or a precise 4xx, and stores exactly what it reports accepted', async () => {
    let accepted = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 3 }), async (i, ms) => {
        const body = mutate(freshSample(i), ms);
        const before = await storedCount();
        const res = await fetch(`${server.url}/api/v1/edi`, { method: 'POST', headers: { 'content-type': 'application/edi-x12', authorization: `Bearer ${TEST_INGEST_KEY}` }, body });
        const json = (await res.json()) as any;
        tally[res.status] = (tally[res.status] ?? 0) + 1;
        expect(res.status, JSON.stringify(json).slice(0, 300)).toBeLessThan(500);
        expect(({} as any).polluted).toBeUndefined();
        const delta = (await storedCount()) - before;
        if (res.status === 202) {
          accepted++;
          expect(delta).toBe(json.accepted);
          for (const t of json.transactions) expect(t.ok ? t.eventIds.length > 0 : typeof t.error === 'string' && t.error.length > 3).toBe(true);
        } else {
          refused++;
          expect(res.status).toBeGreaterThanOrEqual(400);
          expect(json.error.message).toMatch(/\S{3}/);
          expect(delta).toBe(0);
        }
      }),
      { numRuns: RUNS },
    );
    expect(accepted).toBeGreaterThan(RUNS / 20);
    expect(refused).toBeGreaterThan(RUNS / 20);
  });

  it('refuses raw garbage and binary with a 4xx and stores nothing', async () => {
    const before = await storedCount();
    await fc.assert(
      fc.asyncProperty(fc.oneof(hostileString, fc.uint8Array({ minLength: 1, maxLength: 3000 }).map((b) => Buffer.from(b).toString('latin1')), fc.constant('ISA*00*'.repeat(5000))), async (body) => {
        const res = await fetch(`${server.url}/api/v1/edi`, { method: 'POST', headers: { 'content-type': 'text/plain', authorization: `Bearer ${TEST_INGEST_KEY}` }, body });
        tally[res.status] = (tally[res.status] ?? 0) + 1;
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(((await res.json()) as any).error.message).toMatch(/\S{3}/);
      }),
      { numRuns: RUNS },
    );
    expect(await storedCount()).toBe(before);
  });
});
