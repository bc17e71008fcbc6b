// The baseline a distributor measures before and after adopting the tower: exception
// volume by type, resolution time, order cycle delay, manual touches per order, revenue at
// risk and fill rates for one period — as JSON, CSV or a Markdown table.
import type { ClickHouseClient } from '@clickhouse/client';
import { computeWindow } from './computeKpis.ts';
import type { SlaTargets } from './slaTargets.ts';
import { exceptionVolume } from '../store/kpi/exceptionVolume.ts';
import { chTime, num } from '../store/kpi/runKpiQuery.ts';

export type Baseline = {
  from: string;
  to: string;
  exceptionVolume: Record<string, number>;
  exceptionsTotal: number;
  averageResolutionSeconds: number | null;
  orderCycleP50Seconds: number | null;
  orderCycleExceptionDelaySeconds: number | null;
  manualTouchesPerOrder: number | null;
  revenueAtRisk: number;
  lineFillRate: number | null;
  unitFillRate: number | null;
  orderFillRate: number | null;
  perfectOrderRate: number | null;
};

export async function baseline(client: ClickHouseClient, fromMs: number, toMs: number, sla: SlaTargets): Promise<Baseline> {
  const volume = await exceptionVolume(client, { from: chTime(fromMs), to: chTime(toMs) });
  const { total: k } = await computeWindow(client, { fromMs, toMs, sla });
  const byType = Object.fromEntries(volume.map((r) => [r.type, num(r.detected) ?? 0]));
  return {
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    exceptionVolume: byType,
    exceptionsTotal: Object.values(byType).reduce((a, b) => a + b, 0),
    averageResolutionSeconds: k.resolutionSeconds.mean,
    orderCycleP50Seconds: k.orderCycleSeconds.p50,
    orderCycleExceptionDelaySeconds: k.orderCycleSeconds.exceptionDelay,
    manualTouchesPerOrder: k.manualTouchesPerOrder,
    revenueAtRisk: k.revenueAtRisk,
    lineFillRate: k.lineFillRate,
    unitFillRate: k.unitFillRate,
    orderFillRate: k.orderFillRate,
    perfectOrderRate: k.perfectOrderRate,
  };
}

/** Flat metric/value rows: exception volume as `exceptions.<type>`. */
function rows(b: Baseline): [string, string][] {
  const out: [string, string][] = [['period.from', b.from], ['period.to', b.to], ['exceptions.total', String(b.exceptionsTotal)]];
  for (const [type, n] of Object.entries(b.exceptionVolume)) out.push([`exceptions.${type}`, String(n)]);
  for (const key of ['averageResolutionSeconds', 'orderCycleP50Seconds', 'orderCycleExceptionDelaySeconds', 'manualTouchesPerOrder', 'revenueAtRisk', 'lineFillRate', 'unitFillRate', 'orderFillRate', 'perfectOrderRate'] as const) {
    out.push([key, b[key] === null ? '' : String(b[key])]);
  }
  return out;
}

export type BaselineFormat = 'json' | 'csv' | 'md';

export function formatBaseline(b: Baseline, format: BaselineFormat): string {
  if (format === 'json') return JSON.stringify(b, null, 2);
  if (format === 'csv') return ['metric,value', ...rows(b).map(([k, v]) => `${k},${/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v}`)].join('\n');
  return ['| metric | value |', '|---|---|', ...rows(b).map(([k, v]) => `| ${k} | ${v === '' ? '—' : v} |`)].join('\n');
}
