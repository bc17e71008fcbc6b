// The embedded engine's sessions (server/store/sessionPool.ts) and the parameters written
// into statements for them (server/store/inlineQueryParams.ts), on the real engine: the
// sessions run statements side by side, USE reaches each of them, and a statement with
// parameters gives exactly what the engine's own parameter binding gives.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { openStore, type Store } from '../../server/store/client.ts';
import { inlineParams } from '../../server/store/inlineQueryParams.ts';
import type { Conn } from '../../server/store/restartingConnection.ts';

const dir = mkdtempSync(join(tmpdir(), 'ct-sessions-'));
let store: Store;
beforeAll(async () => {
  store = await openStore(loadConfig({}, { dataDir: dir, database: 'sessions_test', engineSessions: 2 }));
});
afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const rows = async <T>(query: string, query_params?: Record<string, unknown>) =>
  (await store.client.query({ query, query_params, format: 'JSONEachRow', clickhouse_settings: { output_format_json_quote_64bit_integers: 0 } })).json<T>();

describe('the embedded engine sessions', () => {
  it('run two statements side by side, each in the store database', async () => {
    // While the first statement sleeps, the second one finds it among the running queries —
    // on one session it would only start once the first had ended. Both carry parameters,
    // which chdb-node alone would run one at a time.
    const marker = `sessions-${Date.now()}`;
    const sleeping = rows<{ db: string }>(`SELECT currentDatabase() AS db, sleepEachRow({s:Float64}) AS slept, {m:String} AS m`, { s: 1.5, m: marker });
    await new Promise((r) => setTimeout(r, 300));
    const seen = await rows<{ db: string; n: number }>(
      `SELECT currentDatabase() AS db, count() AS n FROM system.processes WHERE query LIKE {like:String} AND query NOT LIKE '%system.processes%'`,
      { like: `%${marker}%` },
    );
    expect(seen).toEqual([{ db: 'sessions_test', n: 1 }]);
    expect((await sleeping)[0].db).toBe('sessions_test');
  });

  it("hold a call's settings for that call only, as a server does", async () => {
    // chdb-node SETs them on the session, where they would stay for whatever ran there next
    const maxThreads = `SELECT value, changed FROM system.settings WHERE name = 'max_threads'`;
    const setOnce = await (await store.client.query({ query: maxThreads, format: 'JSONEachRow', clickhouse_settings: { max_threads: 1 } })).json();
    expect(setOnce).toEqual([{ value: '1', changed: 1 }]);
    // every session in turn (each call takes the session that has been idle longest)
    for (let i = 0; i < 4; i++) expect(await rows(maxThreads)).toEqual([{ value: expect.stringMatching(/^auto/), changed: 0 }]);
  });
});

describe('parameters written as literals', () => {
  // The engine's own binding, on a session of its own with the store's input settings, is the reference.
  const bound = createClient({ connection: createChdbConnection({ path: join(dir, 'clickhouse') }) as unknown as Conn, clickhouse_settings: { date_time_input_format: 'best_effort' } });
  afterAll(() => bound.close());

  const odd = ["it's", 'back\\slash', 'tab\there', 'line\nbreak', 'nul\0byte', "'); DROP TABLE x; --", '{not:Param}', 'ünï ☃'];
  const query = `SELECT {s:String} AS s, {a:Array(String)} AS a, {t:DateTime64(3, 'UTC')} AS t,
      {local:DateTime64(3)} AS local, {u8:UInt8} AS u8, {u32:UInt32} AS u32, {u64:UInt64} AS u64, {f:Float64} AS f,
      'x' IN {a:Array(String)} AS found, {n:UInt32} + 1 AS n1`;

  it('give what the engine binding gives, for every kind of value the tower sends', async () => {
    for (const s of odd) {
      const params = { s, a: odd, t: '2026-03-02 00:00:00.123', local: '2026-03-02 01:02:03.004', u8: 7, u32: '4000000000', u64: 18_000_000_000_000, f: 0.1 + 0.2, n: 41 };
      const expected = await (await bound.query({ query, query_params: params, format: 'JSONEachRow', clickhouse_settings: { output_format_json_quote_64bit_integers: 0 } })).json();
      expect(await rows(query, params)).toEqual(expected);
      expect((expected as { s: string }[])[0].s).toBe(s);
    }
  });

  it('name the parameter that has no value or cannot be written', () => {
    expect(() => inlineParams('SELECT {from:DateTime64(3)}', {})).toThrow(/query parameter from \(DateTime64\(3\)\) has no value/);
    expect(() => inlineParams('SELECT {f:Float64}', { f: Number.NaN })).toThrow(/query parameter f: NaN is not a finite number/);
    expect(() => inlineParams('SELECT {o:String}', { o: { a: 1 } })).toThrow(/query parameter o: a object cannot be written/);
  });
});
