// A full disk during a background merge left committed but unreadable parts ("Empty marks
// file … while reading from part …") in clean-clone CI runs of the disk-full chaos test — of
// the dedupe index once, of events another time — and intake refused writes for as long as
// the process lived. Here the same damage is made on purpose on the running engine: rows are
// inserted as several parts, merged, and the merged parts' marks files emptied. Intake must
// refuse (never acknowledge) while reads fail, restart the engine by itself, and then store
// the new events once, recognise the retried ones as duplicates, and have lost no row.
import { readdirSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/server.ts';
import { damagedPart } from '../../server/store/restartingConnection.ts';
import { postEvents, startTestServer, toNdjson } from '../helpers/testServer.ts';
import { sampleEvent } from '../fixtures/events.ts';

let server: RunningServer | undefined;
afterAll(async () => {
  await server?.close();
});

// As chDB 26.x wrote it in the disk-full chaos test (trimmed after the part's table).
const SEEN =
  "Empty marks file '/tmp/ct-chaos-ro-9dYP6L/data/clickhouse/store/1a7/1a710591-b359-48b6-b382-aceab43ae478/202611_1_11_2/data.cmrk4': 0, must be: 3080: (while reading from part /tmp/ct-chaos-ro-9dYP6L/data/clickhouse/store/1a7/1a710591-b359-48b6-b382-aceab43ae478/202611_1_11_2/ in table control_tower.events (1a710591-b359-48b6-b382-aceab43ae478) located on disk default of type local, from mark 0 with max_rows_to_read = 30000, offset = 0)";

const batch = (n: number, size = 50) => Array.from({ length: size }, (_, i) => ({ ...sampleEvent('order.invoiced'), orderId: `DP-${n}-${i}` }));

describe('a damaged part of the embedded engine', () => {
  it('is recognised from the engine message, and only when the part itself is damaged', () => {
    expect(damagedPart(new Error(SEEN))).toEqual({ table: 'events', part: '202611_1_11_2' });
    expect(damagedPart(new Error('Memory limit (total) exceeded: (while reading from part /x/y/all_1_1_0/ in table d.events (u) located on disk default)'))).toBeUndefined();
    expect(damagedPart(new Error('Timeout error.'))).toBeUndefined();
  });

  it('restarts the engine by itself: intake resumes, nothing stored is lost, a retry is still a duplicate', async () => {
    server = await startTestServer();
    const client = server.store.client;
    const rows = async <T>(query: string) => (await client.query({ query, format: 'JSONEachRow', clickhouse_settings: { output_format_json_quote_64bit_integers: 0 } })).json<T>();
    const stored = [batch(1), batch(2), batch(3)];
    for (const events of stored) expect((await postEvents(server.url, toNdjson(events), 'application/x-ndjson')).status).toBe(202);
    for (const table of ['events', 'event_ids']) await client.command({ query: `OPTIMIZE TABLE ${table} FINAL` });
    const merged = await rows<{ table: string; name: string; path: string }>(
      "SELECT table, name, path FROM system.parts WHERE database = currentDatabase() AND table IN ('events', 'event_ids') AND active",
    );
    expect(merged.map((p) => p.table).sort()).toEqual(['event_ids', 'events']); // one merged part each
    for (const part of merged) for (const file of readdirSync(part.path).filter((f) => /\.c?mrk\d?$/.test(f))) truncateSync(join(part.path, file), 0);

    const retried = stored[0];
    const fresh = batch(4);
    const body = toNdjson([...retried, ...fresh]);
    const answers: number[] = [];
    let answer = await postEvents(server.url, body, 'application/x-ndjson');
    for (const until = performance.now() + 20_000; answer.status !== 202 && performance.now() < until; ) {
      answers.push(answer.status);
      expect(answer.status).toBe(503); // refused with nothing acknowledged, never a 500
      await new Promise((r) => setTimeout(r, 200));
      answer = await postEvents(server.url, body, 'application/x-ndjson');
    }
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({ accepted: fresh.length, duplicates: retried.length, rejected: [] });
    expect(server.store.engine?.count()).toBeGreaterThanOrEqual(1);

    const detached = await rows<{ table: string; name: string; reason: string }>("SELECT table, name, reason FROM system.detached_parts WHERE database = currentDatabase() AND table IN ('events', 'event_ids')");
    expect(detached.map((d) => `${d.table}:${d.reason}`).sort()).toEqual(['event_ids:broken-on-start', 'events:broken-on-start']);
    const [totals] = await rows<{ rows: number; ids: number; indexed: number }>('SELECT count() AS rows, uniqExact(id) AS ids, (SELECT uniqExact(id) FROM event_ids) AS indexed FROM events');
    const all = stored.length * 50 + fresh.length;
    expect(totals).toEqual({ rows: all, ids: all, indexed: all });
    // the rest of the server reads through the same (restarted) engine
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    console.log(JSON.stringify({ refusedFirst: answers.length, restarts: server.store.engine?.count(), detached: detached.map((d) => d.name) }));
  });
});
