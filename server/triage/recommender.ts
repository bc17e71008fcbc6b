// Serves recommendations: reads outcome statistics (cached briefly per similarity group so a
// busy queue does not query on every view), ranks, and audits what was shown.
import type { ClickHouseClient } from '@clickhouse/client';
import type { ExceptionRecord } from '../contracts/exception.ts';
import type { Principal } from '../auth/roles.ts';
import type { AuditLog } from '../actions/audit.ts';
import { outcomeStats, valueBand, type ActionStat, type SimilarityKey } from './outcomeStats.ts';
import { rankActions, type Recommendation } from './recommend.ts';

export class Recommender {
  private readonly cache = new Map<string, { at: number; stats: ActionStat[] }>();
  constructor(
    private readonly d: { client: ClickHouseClient; audit?: AuditLog; now: () => number; cacheMs?: number },
  ) {}

  private async stats(key: SimilarityKey, exact: boolean): Promise<ActionStat[]> {
    const id = exact ? `${key.type}|${key.customerTier}|${key.team}|${key.valueBand}` : key.type;
    const hit = this.cache.get(id);
    if (hit && this.d.now() - hit.at < (this.d.cacheMs ?? 30_000)) return hit.stats;
    const stats = await outcomeStats(this.d.client, key, exact);
    this.cache.set(id, { at: this.d.now(), stats });
    if (this.cache.size > 5000) this.cache.delete(this.cache.keys().next().value!);
    return stats;
  }

  async recommend(x: ExceptionRecord, viewer?: Principal): Promise<Recommendation> {
    const key: SimilarityKey = { type: x.type, customerTier: x.customerTier ?? '', team: x.team, valueBand: valueBand(x.revenueAtRisk) };
    const [exact, byType] = [await this.stats(key, true), await this.stats(key, false)];
    const rec = rankActions(x, { exact, byType }, this.d.now(), viewer);
    if (this.d.audit && viewer) {
      await this.d.audit.record({
        kind: 'recommendation.shown',
        actor: viewer.id,
        exceptionId: x.id,
        orderIds: x.orderIds,
        exceptionVersion: x.version,
        action: rec.actions[0]?.action,
        modelVersion: rec.modelVersion,
        confidence: rec.confidence,
        outcome: rec.basis,
        data: { evidenceCount: rec.evidenceCount, ranked: rec.actions.map((a) => ({ action: a.action, score: a.score, confidence: a.confidence })) },
      });
    }
    return rec;
  }
}
