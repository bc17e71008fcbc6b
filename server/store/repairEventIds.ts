// The dedupe index (event_ids) is filled by a materialized view in the same INSERT as the
// events, but not atomically with them: a process killed (or an insert failing) between
// the two parts leaves events whose ids are not indexed, and a producer's retry of them
// would be stored a second time. The repair indexes what is missing.
import type { ClickHouseClient } from '@clickhouse/client';

// Only the latest insert can be torn (one is in flight at a time), so the repair after one
// looks at the newest rows; an index part lost as a whole (an engine restart after a damaged part) needs
// every stored id looked at.
const SCOPES = {
  recent: 'ingested_at >= (SELECT max(ingested_at) FROM events) - toIntervalMinute(5)',
  all: '1',
};

/**
 * Indexes the ids of stored events that event_ids lacks, within the scope; returns how many.
 * One INSERT … SELECT inside the engine, so no id passes through this process, whatever
 * the scope holds; with one insert at a time, the count's difference is the repair's.
 */
export async function repairEventIds(client: ClickHouseClient, scope: keyof typeof SCOPES = 'recent'): Promise<number> {
  const where = SCOPES[scope];
  const before = await indexedIds(client);
  await client.command({
    query: `INSERT INTO event_ids (id, ingested_at)
            SELECT id, ingested_at FROM events
            WHERE ${where} AND id NOT IN (SELECT id FROM event_ids WHERE ${where})`,
  });
  return (await indexedIds(client)) - before;
}

async function indexedIds(client: ClickHouseClient): Promise<number> {
  const [row] = await (await client.query({ query: 'SELECT count() AS n FROM event_ids', format: 'JSONEachRow', clickhouse_settings: { output_format_json_quote_64bit_integers: 0 } })).json<{ n: number }>();
  return Number(row.n);
}
