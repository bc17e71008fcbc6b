// Splits a batch into events to store and duplicates: repeats inside the batch, and ids
// already stored within the dedupe window (one look-up per batch, not per event).
import type { PendingEvent } from './ticket.ts';

export type DedupedBatch = { fresh: PendingEvent[]; duplicates: PendingEvent[] };

export type StoredIdLookup = (ids: string[]) => Promise<Set<string>>;

export async function dedupeBatch(batch: PendingEvent[], lookup: StoredIdLookup): Promise<DedupedBatch> {
  const firstById = new Map<string, PendingEvent>();
  const duplicates: PendingEvent[] = [];
  for (const item of batch) {
    if (firstById.has(item.event.id)) duplicates.push(item);
    else firstById.set(item.event.id, item);
  }
  const stored = await lookup([...firstById.keys()]);
  const fresh: PendingEvent[] = [];
  for (const [id, item] of firstById) (stored.has(id) ? duplicates : fresh).push(item);
  return { fresh, duplicates };
}
