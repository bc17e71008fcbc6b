// Filters and orders the exception queue: highest priority first, then oldest first.
import type { QueueRow } from '../../../server/contracts/queueRow.ts';
import type { Filters } from './urlState.svelte.ts';

export function matchesFilters(r: QueueRow, f: Filters): boolean {
  if (f.type && r.type !== f.type) return false;
  if (f.team && r.team !== f.team) return false;
  if (f.severity && r.severity !== f.severity) return false;
  if (f.tier && r.customerTier !== f.tier) return false;
  if (f.warehouse && r.warehouse !== f.warehouse) return false;
  if (f.customer && r.customerId !== f.customer) return false;
  if (f.carrier && r.carrier !== f.carrier) return false;
  if (f.interface && r.interface !== f.interface) return false;
  if (f.dfrom && r.detectedAt < f.dfrom) return false;
  if (f.dto && r.detectedAt >= f.dto) return false;
  if (f.q) {
    const q = f.q.toLowerCase();
    const hay = `${r.id} ${r.title} ${r.correlationKey} ${r.orderIds.slice(0, 20).join(' ')} ${r.customerId ?? ''} ${r.sku ?? ''}`.toLowerCase();
    if (!hay.includes(q)) return false;
  }
  return true;
}

export const byPriority = (a: QueueRow, b: QueueRow) => b.priority - a.priority || (a.detectedAt < b.detectedAt ? -1 : a.detectedAt > b.detectedAt ? 1 : a.id < b.id ? -1 : 1);

export function queueRows(rows: readonly QueueRow[], f: Filters): QueueRow[] {
  // The filters usually come from reactive (proxied) state: read each key once, not once per
  // row — 10,000 rows × 10 proxied reads was most of a live update's cost.
  const plain: Filters = { ...f };
  const any = Object.values(plain).some((v) => v !== undefined && v !== '');
  return (any ? rows.filter((r) => matchesFilters(r, plain)) : rows.slice()).sort(byPriority);
}

/** Distinct values of a field, for the filter menus. */
export function distinct(rows: readonly QueueRow[], pick: (r: QueueRow) => string | undefined): string[] {
  const s = new Set<string>();
  for (const r of rows) {
    const v = pick(r);
    if (v) s.add(v);
  }
  return [...s].sort();
}
