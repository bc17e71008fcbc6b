// The dedupe index (event_ids) is filled by a materialized view in the same INSERT as the
// events, but not atomically with them: a process killed (or an insert failing) between
// the two parts leaves events whose ids are not indexed, and a producer's retry of them
// would be stored a second time. Only the latest insert can be torn (one is in flight at a
// time), so the repair looks at the newest rows only and indexes what is missing.
import type { ClickHouseClient } from '@clickhouse/client';

const RECENT = 'ingested_at >= (SELECT max(ingested_at) FROM events) - toIntervalMinute(5)';

/** Indexes the ids of recently stored events that event_ids lacks; returns how many. */
export async function repairEventIds(client: ClickHouseClient): Promise<number> {
  const missing = await (
    await client.query({
      query: `SELECT id, ingested_at FROM events
              WHERE ${RECENT} AND id NOT IN (SELECT id FROM event_ids WHERE ${RECENT})`,
      format: 'JSONEachRow',
    })
  ).json<{ id: string; ingested_at: string }>();
  if (missing.length > 0) await client.insert({ table: 'event_ids', values: missing, format: 'JSONEachRow' });
  return missing.length;
}
