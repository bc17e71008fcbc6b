import type { ClickHouseClient } from '@clickhouse/client';
import { toChTime, type EventRow } from './eventRow.ts';

/**
 * One page of stored events in event-time order from `fromIso`, after the (ts, id) cursor when
 * given: keyset paging, so a long replay never re-reads what it has seen.
 */
export async function loadEventsPage(client: ClickHouseClient, opts: { fromIso: string; after?: { ts: string; id: string }; limit: number }): Promise<EventRow[]> {
  const rs = await client.query({
    query: `SELECT * FROM events
            WHERE ts >= {from:DateTime64(3, 'UTC')}
              AND (ts, id) > ({afterTs:DateTime64(3, 'UTC')}, {afterId:String})
            ORDER BY ts, id
            LIMIT {limit:UInt32}`,
    query_params: {
      from: toChTime(opts.fromIso),
      afterTs: opts.after ? opts.after.ts : toChTime(opts.fromIso),
      afterId: opts.after ? opts.after.id : '',
      limit: opts.limit,
    },
    format: 'JSONEachRow',
  });
  return rs.json<EventRow>();
}
