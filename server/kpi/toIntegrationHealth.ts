// Rollup rows of interface health → the integrations[] entries of the KPI set.
import type { IntegrationHealth } from './kpiTypes.ts';
import type { IntegrationHealthRow } from '../store/kpi/integrationHealth.ts';
import { num, ratio } from '../store/kpi/runKpiQuery.ts';

const round = (v: number | null, digits: number) => (v === null ? null : Math.round(v * 10 ** digits) / 10 ** digits);

export function toIntegrationHealth(r: IntegrationHealthRow, windowMs: number): IntegrationHealth {
  const messages = num(r.messages) ?? 0;
  return {
    interface: r.interface,
    messages,
    messagesPerMinute: round(messages / (windowMs / 60_000), 3) ?? 0,
    failureRate: ratio(num(r.failures) ?? 0, messages),
    p95LatencyMs: round(num(r.p95), 3),
    retries: num(r.retries) ?? 0,
    duplicatesSuppressed: num(r.duplicates) ?? 0,
    deadLetters: num(r.dead_letters) ?? 0,
  };
}
