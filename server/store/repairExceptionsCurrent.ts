// exceptions_current is filled from exception_log by a materialized view in the same INSERT,
// but not atomically with it: a process killed between the two leaves versions that are in
// the log and missing from the current state, and the book would restore a stale version at
// the next start (found by the kill -9 test: 34 of 535 exceptions after 20 cycles). The log
// is the record; this copies the latest logged version of every exception whose current
// state is behind it. Run at start-up, before the book is restored.
import type { ClickHouseClient } from '@clickhouse/client';

export async function repairExceptionsCurrent(client: ClickHouseClient): Promise<number> {
  const behind = `
    SELECT l.exception_id, l.v FROM
      (SELECT exception_id, max(version) AS v FROM exception_log GROUP BY exception_id) AS l
      LEFT JOIN (SELECT exception_id, max(version) AS v FROM exceptions_current GROUP BY exception_id) AS c
      USING exception_id
    WHERE l.v > c.v`;
  const [row] = await (await client.query({ query: `SELECT count() AS n FROM (${behind})`, format: 'JSONEachRow' })).json<{ n: string }>();
  const n = Number(row?.n ?? 0);
  if (n > 0) {
    await client.command({
      query: `INSERT INTO exceptions_current SELECT * FROM exception_log WHERE (exception_id, version) IN (${behind})`,
    });
  }
  return n;
}
