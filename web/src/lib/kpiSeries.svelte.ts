// Sparkline series for a set of KPI metrics over the selected range; a metric the server
// cannot serve yet simply has no sparkline.
import { api } from './api.ts';
import type { ResolvedRange } from './timeRange.ts';

export class KpiSparks {
  #values = $state.raw<Record<string, (number | null)[]>>({});
  #seq = 0;

  async load(metrics: readonly string[], range: ResolvedRange) {
    const seq = ++this.#seq;
    const step = Math.max(range.stepS, Math.ceil((range.toMs - range.fromMs) / 1000 / 30));
    const answers = await Promise.allSettled(metrics.map((m) => api.kpiSeries(m, range.from, range.to, step)));
    if (seq !== this.#seq) return;
    const next: Record<string, (number | null)[]> = {};
    answers.forEach((a, i) => a.status === 'fulfilled' && a.value?.points && (next[metrics[i]] = a.value.points.map((p) => p.v)));
    this.#values = next;
  }

  get(metric: string) {
    return this.#values[metric];
  }
}
