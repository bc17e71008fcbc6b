// How actions turned out on similar exceptions: per action, how many exceptions it was used
// on, how many it resolved without reopening and how fast (021_actions.sql action_outcomes).
import type { ClickHouseClient } from '@clickhouse/client';

export type SimilarityKey = { type: string; customerTier: string; team: string; valueBand: string };
export type ActionStat = { action: string; n: number; good: number; meanSeconds: number | null };

/** Revenue bands used to compare exceptions of a similar size. */
export function valueBand(revenueAtRisk: number): string {
  if (revenueAtRisk < 1_000) return 'lt_1k';
  if (revenueAtRisk < 10_000) return '1k_10k';
  if (revenueAtRisk < 100_000) return '10k_100k';
  return 'ge_100k';
}

/** `exact` compares on type, tier, team and value band; otherwise on type only. */
export async function outcomeStats(client: ClickHouseClient, key: SimilarityKey, exact: boolean): Promise<ActionStat[]> {
  const rs = await client.query({
    query: `SELECT action, count() AS n, countIf(resolved AND reopened = 0) AS good, avgIf(secs, resolved AND reopened = 0) AS mean_seconds
      FROM (
        SELECT exception_id, action, max(reopened) AS reopened, min(resolution_seconds) AS secs, countIf(resolution_seconds IS NOT NULL) > 0 AS resolved
        FROM action_outcomes
        WHERE type = {type:String}
          AND ({exact:UInt8} = 0 OR (customer_tier = {tier:String} AND team = {team:String} AND value_band = {band:String}))
        GROUP BY exception_id, action
      )
      GROUP BY action`,
    query_params: { type: key.type, exact: exact ? 1 : 0, tier: key.customerTier, team: key.team, band: key.valueBand },
    format: 'JSONEachRow',
  });
  return (await rs.json<{ action: string; n: string | number; good: string | number; mean_seconds: number | null }>()).map((r) => ({
    action: r.action,
    n: Number(r.n),
    good: Number(r.good),
    meanSeconds: r.mean_seconds === null || Number.isNaN(Number(r.mean_seconds)) ? null : Number(r.mean_seconds),
  }));
}
