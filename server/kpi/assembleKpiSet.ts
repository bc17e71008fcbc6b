// Turns the rows of the KPI queries into one KpiSet for a group key ('' = all).
import type { GroupBy, KpiSet } from './kpiTypes.ts';
import { num, ratio } from '../store/kpi/runKpiQuery.ts';
import type { ExceptionKpiRow } from '../store/kpi/exceptionKpis.ts';
import type { OpenExceptionRow } from '../store/kpi/openExceptions.ts';
import type { RevenueAtRiskRow } from '../store/kpi/revenueAtRisk.ts';
import type { ManualActionRow } from '../store/kpi/manualActions.ts';
import type { OrderKpiRow } from '../store/kpi/orderKpis.ts';
import type { IntegrationHealthRow } from '../store/kpi/integrationHealth.ts';
import type { DetectionRow } from '../store/kpi/detectionQuality.ts';
import { toIntegrationHealth } from './toIntegrationHealth.ts';

export type KpiRows = {
  exceptions: ExceptionKpiRow[];
  open: OpenExceptionRow[];
  revenue: RevenueAtRiskRow[];
  manual: ManualActionRow[];
  orders: OrderKpiRow[];
  integrations: IntegrationHealthRow[];
  detection: DetectionRow[];
};

const round = (v: number | null, digits = 6) => (v === null ? null : Math.round(v * 10 ** digits) / 10 ** digits);

export function assembleKpiSet(rows: KpiRows, key: string, windowMs: number, groupBy?: GroupBy): KpiSet {
  const ex = rows.exceptions.find((r) => r.g === key);
  const ord = rows.orders.find((r) => r.g === key);
  const n = (v: unknown) => num(v) ?? 0;

  const open: KpiSet['openExceptions'] = { total: 0, byType: {}, bySeverity: {}, byTypeAndSeverity: {} };
  for (const r of rows.open.filter((o) => o.g === key)) {
    const c = n(r.n);
    open.total += c;
    open.byType[r.type] = (open.byType[r.type] ?? 0) + c;
    open.bySeverity[r.severity] = (open.bySeverity[r.severity] ?? 0) + c;
    (open.byTypeAndSeverity[r.type] ??= {})[r.severity] = c;
  }

  const resolved = n(ex?.resolved);
  const withEx = num(ord?.cycle_with_exception);
  const withoutEx = num(ord?.cycle_without_exception);
  const integrations = rows.integrations
    .filter((r) => !key || groupBy !== 'interface' || r.interface === key)
    .filter((r) => !key || groupBy !== 'carrier' || r.interface === `carrier:${key}`)
    .map((r) => toIntegrationHealth(r, windowMs));
  const detection = rows.detection
    .filter((r) => !key || r.type === key)
    .map((r) => ({
      type: r.type,
      detected: n(r.detected),
      truePositives: n(r.true_positives),
      precision: ratio(n(r.true_positives), n(r.detected)),
      faults: n(r.faults),
      faultsDetected: n(r.faults_detected),
      recall: ratio(n(r.faults_detected), n(r.faults)),
      feedbackPrecision: n(r.closed) > 0 ? 1 - n(r.false_positives) / n(r.closed) : null,
    }));

  return {
    openExceptions: open,
    mttaSeconds: round(num(ex?.mtta), 3),
    resolutionSeconds: resolved ? { p50: round(num(ex?.p50), 3), p90: round(num(ex?.p90), 3), mean: round(num(ex?.mean), 3) } : { p50: null, p90: null, mean: null },
    slaAdherence: ratio(n(ex?.within_sla), resolved),
    revenueAtRisk: round(n(rows.revenue.find((r) => r.g === key)?.revenue), 2) ?? 0,
    lineFillRate: ratio(n(ord?.lines_ok), n(ord?.lines_considered)),
    unitFillRate: ratio(n(ord?.units_shipped), n(ord?.units_due)),
    orderFillRate: ratio(n(ord?.orders_filled), n(ord?.orders_due)),
    orderCycleSeconds: {
      p50: round(num(ord?.cycle_p50), 3),
      p90: round(num(ord?.cycle_p90), 3),
      exceptionDelay: withEx !== null && withoutEx !== null ? round(withEx - withoutEx, 3) : null,
    },
    perfectOrderRate: ratio(n(ord?.perfect), n(ord?.delivered)),
    manualTouchesPerOrder: ratio(n(rows.manual.find((r) => r.g === key)?.actions), n(ord?.orders_created)),
    autoResolutionRate: ratio(n(ex?.auto_resolved), resolved),
    falsePositiveRate: ratio(n(ex?.false_positives), n(ex?.closed)),
    integrations,
    detection,
  };
}
