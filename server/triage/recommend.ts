// Ranks an exception's next-best actions. Model `outcome-rank-v1`: for similar exceptions
// (type, customer tier, team, value band), an action scores by how often it resolved the
// exception without a reopen (Laplace-smoothed) and how fast; unseen actions sit at the
// prior, so proven actions rise above them and actions that failed or reopened sink.
// With too little evidence it widens to the type, and with none it keeps catalogue order
// and says so.
import type { ExceptionRecord } from '../contracts/exception.ts';
import { hasAnyRole, type Principal } from '../auth/roles.ts';
import { CATALOGUE, type Policy, type Risk } from './catalogue.ts';
import { suggestConditions, type Suggestion } from './conditions.ts';
import type { ActionStat } from './outcomeStats.ts';

export const MODEL_VERSION = 'outcome-rank-v1';
/** Fewer similar exceptions than this and the ranking widens to all exceptions of the type. */
export const MIN_EXACT_EVIDENCE = 3;
/** Hours at which the speed factor halves. */
export const SPEED_HALF_HOURS = 4;
/** Evidence at which an action's confidence reaches one half. */
export const CONFIDENCE_HALF_N = 10;

export type Basis = 'similar_outcomes' | 'type_outcomes' | 'catalogue';

export type RankedAction = {
  action: string;
  label: string;
  risk: Risk;
  policy: Policy;
  score: number;
  confidence: number;
  evidence: { n: number; resolvedWithoutReopen: number; meanResolutionSeconds: number | null };
  suggested?: Suggestion;
  /** Whether the caller may ask for it (role check only; state and preconditions are checked when asked). */
  allowed?: boolean;
  unmet?: string;
};

export type Recommendation = {
  exceptionId: string;
  exceptionVersion: number;
  modelVersion: string;
  basis: Basis;
  note: string;
  evidenceCount: number;
  confidence: number;
  actions: RankedAction[];
};

export function scoreAction(stat: ActionStat | undefined): number {
  if (!stat || stat.n === 0) return 0.5 * 0.75; // prior: even odds, average speed
  const success = (stat.good + 1) / (stat.n + 2);
  const speed = stat.meanSeconds === null ? 0.5 : 1 / (1 + stat.meanSeconds / 3600 / SPEED_HALF_HOURS);
  return success * (0.5 + 0.5 * speed);
}

export function rankActions(x: ExceptionRecord, stats: { exact: ActionStat[]; byType: ActionStat[] }, nowMs: number, principal?: Principal): Recommendation {
  const total = (s: ActionStat[]) => s.reduce((sum, a) => sum + a.n, 0);
  const exactN = total(stats.exact);
  const typeN = total(stats.byType);
  const basis: Basis = exactN >= MIN_EXACT_EVIDENCE ? 'similar_outcomes' : typeN > 0 ? 'type_outcomes' : 'catalogue';
  const used = basis === 'similar_outcomes' ? stats.exact : basis === 'type_outcomes' ? stats.byType : [];
  const byAction = new Map(used.map((s) => [s.action, s]));
  const actions = CATALOGUE[x.type].map((def, index) => {
    const stat = byAction.get(def.action);
    const n = stat?.n ?? 0;
    const ranked: RankedAction = {
      action: def.action,
      label: def.label,
      risk: def.risk,
      policy: def.policy,
      // A hair of catalogue order breaks ties so equal scores keep the catalogue's order.
      score: Math.round((scoreAction(stat) - index * 1e-6) * 10_000) / 10_000,
      confidence: Math.round((n / (n + CONFIDENCE_HALF_N)) * 1000) / 1000,
      evidence: { n, resolvedWithoutReopen: stat?.good ?? 0, meanResolutionSeconds: stat?.meanSeconds === null || stat === undefined ? null : Math.round(stat.meanSeconds) },
    };
    const suggested = suggestConditions(x, def.action, nowMs);
    if (suggested) ranked.suggested = suggested;
    if (principal) ranked.allowed = hasAnyRole(principal, def.requestRoles);
    const unmet = def.precondition?.(x);
    if (unmet) ranked.unmet = unmet;
    return ranked;
  });
  if (basis !== 'catalogue') actions.sort((a, b) => b.score - a.score);
  const evidenceCount = basis === 'similar_outcomes' ? exactN : basis === 'type_outcomes' ? typeN : 0;
  const note =
    basis === 'similar_outcomes'
      ? `ranked by outcomes of ${exactN} similar exceptions (same type, tier, team, value band)`
      : basis === 'type_outcomes'
        ? `fewer than ${MIN_EXACT_EVIDENCE} similar exceptions; ranked by outcomes of ${typeN} ${x.type} exceptions`
        : 'no outcome history yet: catalogue order';
  return {
    exceptionId: x.id,
    exceptionVersion: x.version,
    modelVersion: MODEL_VERSION,
    basis,
    note,
    evidenceCount,
    confidence: actions[0]?.confidence ?? 0,
    actions,
  };
}
