// A full disk during a background merge left a committed but unreadable part of the dedupe
// index (event_ids) in a clean-clone CI run of the disk-full chaos test: every look-up failed
// with the engine message below and intake refused writes after the disk was free again.
// The engine cannot be made to write such a part on demand (a part truncated while the
// engine is stopped is detached by the engine itself at start-up), so this proves the two
// halves: the message is recognised, and detaching a part of event_ids and indexing again
// leaves every stored id indexed, so a producer's retry is still a duplicate.
import { afterAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/server.ts';
import { postEvents, startTestServer, toNdjson } from '../helpers/testServer.ts';
import { sampleEvent } from '../fixtures/events.ts';
import { brokenIndexPart, recoverBrokenIndexPart } from '../../server/store/recoverBrokenIndexPart.ts';

// As chDB 26.x wrote it (trimmed only after the part's table).
const SEEN = "Empty marks file '/tmp/ct-chaos-ro-sT8oOF/data/clickhouse/store/786/786ae1bf-89fa-4d9f-8136-b7de7ede1425/all_1_6_1/data.cmrk4': 0, must be: 224: (while reading from part /tmp/ct-chaos-ro-sT8oOF/data/clickhouse/store/786/786ae1bf-89fa-4d9f-8136-b7de7ede1425/all_1_6_1/ in table control_tower.event_ids (786ae1bf-89fa-4d9f-8136-b7de7ede1425) located on disk default of type local, from mark 0 with max_rows_to_read = 17000, offset = 0)";

let server: RunningServer | undefined;
afterAll(async () => {
  await server?.close();
});

describe('an unreadable part of the dedupe index', () => {
  it('is recognised from the engine error, and only for event_ids', () => {
    expect(brokenIndexPart(new Error(SEEN))).toBe('all_1_6_1');
    expect(brokenIndexPart(new Error(SEEN.replaceAll('control_tower.event_ids', 'control_tower.events')))).toBeUndefined();
    expect(brokenIndexPart(new Error('Timeout error.'))).toBeUndefined();
  });

  it('is detached and its ids indexed again from events, so a retry is still a duplicate', async () => {
    server = await startTestServer();
    const events = [sampleEvent('order.invoiced'), sampleEvent('pick.short'), sampleEvent('order.held')];
    expect((await postEvents(server.url, toNdjson(events), 'application/x-ndjson')).status).toBe(202);
    const client = server.store.client;
    const parts = await (await client.query({ query: "SELECT name FROM system.parts WHERE database = currentDatabase() AND table = 'event_ids' AND active", format: 'JSONEachRow' })).json<{ name: string }>();
    expect(parts.length).toBeGreaterThan(0);
    let reindexed = 0;
    for (const { name } of parts) reindexed += await recoverBrokenIndexPart(client, name);
    expect(reindexed).toBeGreaterThanOrEqual(events.length);
    const detached = await (await client.query({ query: "SELECT name FROM system.detached_parts WHERE database = currentDatabase() AND table = 'event_ids'", format: 'JSONEachRow' })).json<{ name: string }>();
    expect(detached.map((d) => d.name).sort()).toEqual(parts.map((p) => p.name).sort());
    const retry = await postEvents(server.url, toNdjson(events), 'application/x-ndjson');
    expect(retry.body).toEqual({ accepted: 0, duplicates: 3, rejected: [] });
    await expect(recoverBrokenIndexPart(client, "x'; DROP TABLE events; --")).rejects.toThrow('not a part name');
  });
});
