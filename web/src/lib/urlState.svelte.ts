// The whole UI state lives in the URL query string so that a link can be shared and a reload
// restores it: view, time range, queue filters and the selected exception.
import { parseRange, type TimeRange } from './timeRange.ts';

export const VIEWS = ['operations', 'integrations', 'executive', 'approvals', 'settings', 'login'] as const;
export type View = (typeof VIEWS)[number];

export const FILTER_KEYS = ['type', 'team', 'severity', 'tier', 'warehouse', 'customer', 'carrier', 'interface', 'q', 'dfrom', 'dto'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export type Filters = Partial<Record<FilterKey, string>>;

export type UiState = { view: View; range: TimeRange; filters: Filters; selected: string | null };

export function parseUrl(search: string): UiState {
  const p = new URLSearchParams(search);
  const v = p.get('view');
  const filters: Filters = {};
  for (const k of FILTER_KEYS) {
    const val = p.get(k);
    if (val) filters[k] = val;
  }
  return { view: (VIEWS as readonly string[]).includes(v ?? '') ? (v as View) : 'operations', range: parseRange(p), filters, selected: p.get('exception') };
}

export function toSearch(s: UiState): string {
  const p = new URLSearchParams();
  if (s.view !== 'operations') p.set('view', s.view);
  if (s.range.preset !== '24h') p.set('range', s.range.preset);
  if (s.range.preset === 'custom') {
    p.set('from', s.range.from);
    p.set('to', s.range.to);
  }
  for (const k of FILTER_KEYS) if (s.filters[k]) p.set(k, s.filters[k]!);
  if (s.selected) p.set('exception', s.selected);
  const q = p.toString();
  return q ? `?${q}` : '';
}

export class UrlState {
  #state = $state<UiState>(parseUrl(location.search));

  constructor() {
    window.addEventListener('popstate', () => (this.#state = parseUrl(location.search)));
  }

  get view() {
    return this.#state.view;
  }
  get range() {
    return this.#state.range;
  }
  get filters() {
    return this.#state.filters;
  }
  get selected() {
    return this.#state.selected;
  }

  /** Navigation (view, drill-down, opening an exception) makes a history entry; typing in a filter does not. */
  update(change: Partial<UiState>, mode: 'push' | 'replace' = 'push') {
    this.#state = { ...this.#state, ...change };
    const url = `${location.pathname}${toSearch(this.#state)}`;
    if (url !== `${location.pathname}${location.search}`) history[mode === 'push' ? 'pushState' : 'replaceState'](null, '', url);
  }

  setFilter(key: FilterKey, value: string | undefined, mode: 'push' | 'replace' = 'replace') {
    const filters = { ...this.#state.filters };
    if (value) filters[key] = value;
    else delete filters[key];
    this.update({ filters }, mode);
  }

  /** A drill-down: go to the operations queue with exactly these filters. */
  drill(filters: Filters) {
    this.update({ view: 'operations', filters, selected: null });
  }
}
