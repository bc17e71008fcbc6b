// Restart without losing or doubling detections: the book is restored from exceptions_current
// first; then the events of the last `replayHours` (before the newest stored event) are
// replayed in event-time order through the engine. Detector state comes back; signals already
// reflected in an active exception (by correlation key and last signal time) and exceptions
// already raised in that window (by their deterministic id) are not committed again.
import type { ClickHouseClient } from '@clickhouse/client';
import { fromEventRow } from '../store/eventRow.ts';
import { latestEventTs } from '../store/latestEventTs.ts';
import { loadEventsPage } from '../store/loadEventsPage.ts';
import { loadExceptionIdsSince } from '../store/loadExceptionIdsSince.ts';
import type { DetectionEngine } from './engine.ts';

export async function rebuildDetectorState(engine: DetectionEngine, client: ClickHouseClient, replayHours: number, pageSize = 20_000): Promise<{ events: number; fromIso?: string }> {
  const latest = await latestEventTs(client);
  if (latest === undefined || replayHours <= 0) return { events: 0 };
  const fromIso = new Date(latest - replayHours * 3_600_000).toISOString();
  const known = await loadExceptionIdsSince(client, fromIso);
  let after: { ts: string; id: string } | undefined;
  let events = 0;
  for (;;) {
    const rows = await loadEventsPage(client, { fromIso, after, limit: pageSize });
    if (rows.length === 0) break;
    engine.replayStored(rows.map(fromEventRow), known);
    events += rows.length;
    const last = rows[rows.length - 1];
    after = { ts: last.ts, id: last.id };
    if (rows.length < pageSize) break;
  }
  engine.flushAll();
  return { events, fromIso };
}
