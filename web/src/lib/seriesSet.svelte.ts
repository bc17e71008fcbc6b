// Several KPI series over one range and step, loaded together; each metric keeps its own
// state so one that the server cannot serve does not hide the others.
import { api } from './api.ts';
import type { KpiSeries } from './apiTypes.ts';

export class SeriesSet {
  #series = $state.raw<Record<string, KpiSeries>>({});
  #errors = $state.raw<Record<string, string>>({});
  #loading = $state(false);
  #seq = 0;

  async load(metrics: readonly string[], from: string, to: string, stepSeconds: number) {
    const seq = ++this.#seq;
    this.#loading = true;
    const answers = await Promise.allSettled(metrics.map((m) => api.kpiSeries(m, from, to, stepSeconds)));
    if (seq !== this.#seq) return;
    const series: Record<string, KpiSeries> = {};
    const errors: Record<string, string> = {};
    answers.forEach((a, i) => (a.status === 'fulfilled' ? (series[metrics[i]] = a.value) : (errors[metrics[i]] = (a.reason as Error).message)));
    this.#series = series;
    this.#errors = errors;
    this.#loading = false;
  }

  get(metric: string) {
    return this.#series[metric];
  }
  error(metric: string) {
    return this.#errors[metric];
  }
  get loading() {
    return this.#loading;
  }
}
