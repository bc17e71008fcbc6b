// Socket.io event maps shared by the server and the web app: one interface per
// direction, used by `new Server<C2S, S2C>()` and the client's `Socket<S2C, C2S>` alike.
import type { ExceptionRecord } from './exception.ts';
import type { KpiSet, KpiWindow } from '../kpi/kpiTypes.ts';

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

export type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

export interface ServerToClientEvents {
  'events:snapshot': (snapshot: EventStatsSnapshot) => void;
  'events:delta': (delta: EventStatsDelta) => void;
  /** Every active exception, on (re)connect. */
  'exceptions:snapshot': (active: ExceptionRecord[]) => void;
  /** New versions of exceptions as they are committed, batched (at most ~10 messages a second). */
  'exceptions:changed': (changed: ExceptionRecord[]) => void;
  'kpis:snapshot': (snapshot: KpiSnapshot) => void;
}

export interface ClientToServerEvents {
  /** Asks for a fresh snapshot (the server also sends one on every (re)connect). */
  'events:snapshot': (ack: (answer: Ack<EventStatsSnapshot>) => void) => void;
  'exceptions:snapshot': (ack: (answer: Ack<ExceptionRecord[]>) => void) => void;
  /** Joins room `kpis`; the ack carries the latest KPI snapshot (null until the first is computed). */
  'kpis:subscribe': (ack: (answer: Ack<KpiSnapshot | null>) => void) => void;
  'kpis:unsubscribe': () => void;
}

export const ROOMS = { events: 'events', exceptions: 'exceptions', kpis: 'kpis' } as const;
