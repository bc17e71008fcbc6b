// Socket.io event maps shared by the server and the web app: one interface per
// direction, used by `new Server<C2S, S2C>()` and the client's `Socket<S2C, C2S>` alike.
import type { ExceptionRecord } from './exception.ts';

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

export type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

export interface ServerToClientEvents {
  'events:snapshot': (snapshot: EventStatsSnapshot) => void;
  'events:delta': (delta: EventStatsDelta) => void;
  /** Every active exception, on (re)connect. */
  'exceptions:snapshot': (active: ExceptionRecord[]) => void;
  /** New versions of exceptions as they are committed, batched (at most ~10 messages a second). */
  'exceptions:changed': (changed: ExceptionRecord[]) => void;
}

export interface ClientToServerEvents {
  /** Asks for a fresh snapshot (the server also sends one on every (re)connect). */
  'events:snapshot': (ack: (answer: Ack<EventStatsSnapshot>) => void) => void;
  /** Asks for the active exceptions again (also sent on every (re)connect). */
  'exceptions:snapshot': (ack: (answer: Ack<ExceptionRecord[]>) => void) => void;
}

export const ROOMS = { events: 'events', exceptions: 'exceptions' } as const;
