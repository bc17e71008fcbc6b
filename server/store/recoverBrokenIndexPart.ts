// A disk that fills up during a background merge can leave a merged part of the dedupe index
// (event_ids) that the engine committed but cannot read ("Empty marks file … while reading
// from part …", seen in the disk-full chaos test). Every look-up then fails, and intake would
// refuse writes forever although the disk is free again. event_ids is derived data — each id
// is also in events — so such a part is detached (kept under detached/ for inspection) and
// the ids it held are indexed again from events. A broken part of any other table is left
// alone: those hold what was acknowledged, and dropping a part would lose it.
import type { ClickHouseClient } from '@clickhouse/client';
import { repairEventIds } from './repairEventIds.ts';

const BROKEN_PART = /while reading from part \S+\/([^/\s]+)\/ in table \w+\.(\w+)/;

/** The broken part an engine read error names, when it is one of the dedupe index's. */
export function brokenIndexPart(err: unknown): string | undefined {
  const m = BROKEN_PART.exec(String((err as Error)?.message ?? ''));
  return m && m[2] === 'event_ids' ? m[1] : undefined;
}

/** Detaches the broken part and indexes again every stored id the index lacks; returns how many. */
export async function recoverBrokenIndexPart(client: ClickHouseClient, part: string): Promise<number> {
  // a part name as the engine writes it (all_1_6_1); it is spliced in, so nothing else passes
  if (!/^[A-Za-z0-9_-]+$/.test(part)) throw new Error(`not a part name: ${part.slice(0, 64)}`);
  await client.command({ query: `ALTER TABLE event_ids DETACH PART '${part}'` });
  return repairEventIds(client, 'all');
}
