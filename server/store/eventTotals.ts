import type { ClickHouseClient } from '@clickhouse/client';

export type EventTotals = { byType: Record<string, number>; bySource: Record<string, number>; lastEventTs: string | null; total: number };

/** Totals of stored events, read once at start-up; the live hub keeps them current after. */
export async function eventTotals(client: ClickHouseClient): Promise<EventTotals> {
  const rows = await (
    await client.query({
      query: `SELECT type, source, count() AS n, max(ts) AS last FROM events GROUP BY type, source`,
      format: 'JSONEachRow',
    })
  ).json<{ type: string; source: string; n: string; last: string }>();
  const totals: EventTotals = { byType: {}, bySource: {}, lastEventTs: null, total: 0 };
  for (const r of rows) {
    const n = Number(r.n);
    totals.byType[r.type] = (totals.byType[r.type] ?? 0) + n;
    totals.bySource[r.source] = (totals.bySource[r.source] ?? 0) + n;
    totals.total += n;
    const last = `${r.last.replace(' ', 'T')}Z`;
    if (!totals.lastEventTs || last > totals.lastEventTs) totals.lastEventTs = last;
  }
  return totals;
}
