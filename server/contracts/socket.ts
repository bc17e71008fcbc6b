// Socket.io event maps shared by the server and the web app: one interface per
// direction, used by `new Server<C2S, S2C>()` and the client's `Socket<S2C, C2S>` alike.
import type { KpiSet, KpiWindow } from '../kpi/kpiTypes.ts';
import type { QueueRow } from './queueRow.ts';

export type EventStatsSnapshot = {
  /** Server time of this snapshot (ISO). */
  at: string;
  /** Stored events per second over the last minute, oldest first, one point a second. */
  rate: { t: string; perSecond: number }[];
  totals: { total: number; byType: Record<string, number>; bySource: Record<string, number> };
  lastEventTs: string | null;
};

/** A once-a-second update: the newest rate point and the totals that changed. */
export type EventStatsDelta = {
  at: string;
  point: { t: string; perSecond: number };
  totals: EventStatsSnapshot['totals'];
  lastEventTs: string | null;
};

/** The dashboard's KPI set (last 24 h and the 24 h before), pushed to room `kpis` when it changes. */
export type KpiSnapshot = { at: string; window: KpiWindow; current: KpiSet; previous: KpiSet };

/** The active exceptions on (re)connect, then batches of changed ones (newest version each), as queue rows (full record: GET /exceptions/:id). */
export type ExceptionsSnapshot = { at: string; exceptions: QueueRow[] };
export type ExceptionsChanged = { at: string; exceptions: QueueRow[] };

export type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

export interface ServerToClientEvents {
  'events:snapshot': (snapshot: EventStatsSnapshot) => void;
  'events:delta': (delta: EventStatsDelta) => void;
  'kpis:snapshot': (snapshot: KpiSnapshot) => void;
  'exceptions:snapshot': (snapshot: ExceptionsSnapshot) => void;
  'exceptions:changed': (changed: ExceptionsChanged) => void;
}

export interface ClientToServerEvents {
  /** Asks for a fresh snapshot (the server also sends one on every (re)connect). */
  'events:snapshot': (ack: (answer: Ack<EventStatsSnapshot>) => void) => void;
  /** Joins room `kpis`; the ack carries the latest KPI snapshot (null until the first is computed). */
  'kpis:subscribe': (ack: (answer: Ack<KpiSnapshot | null>) => void) => void;
  'kpis:unsubscribe': () => void;
}

export const ROOMS = { events: 'events', kpis: 'kpis', exceptions: 'exceptions' } as const;
