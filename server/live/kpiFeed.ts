// Pushes the dashboard's KPI snapshot to room `kpis`: computed once per tick for all
// clients (never per client), at most once a tick, only while someone is in the room, only
// when something may have changed (events stored, exceptions changed, or the rolling window
// moved on — every refreshMs), and sent only when it differs from the last one sent.
// exhaustMap skips ticks while a computation runs, and the next one waits at least twice as
// long as the last took (and refreshMs after a failure), so that KPI snapshots never take
// more than half of the engine's time from ingest (the embedded engine has one session per
// core, store/sessionPool.ts, and a snapshot's statements use them all).
import { Subscription, asyncScheduler, exhaustMap, filter, from, interval, merge, catchError, tap, EMPTY, type Observable, type SchedulerLike } from 'rxjs';
import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, KpiSnapshot, ServerToClientEvents } from '../contracts/socket.ts';
import { ROOMS } from '../contracts/socket.ts';
import type { Logger } from '../logger.ts';

export type KpiFeedDeps = {
  io: Server<ClientToServerEvents, ServerToClientEvents>;
  /** Computes the snapshot for the window ending at nowMs. */
  compute: (nowMs: number) => Promise<KpiSnapshot>;
  /** Emits whenever the inputs of the KPIs may have changed. */
  changes$: Observable<unknown>;
  now: () => number;
  logger: Logger;
  scheduler?: SchedulerLike;
  tickMs?: number;
  refreshMs?: number;
};

export type KpiFeed = { latest(): KpiSnapshot | null; close(): void };

export function startKpiFeed(deps: KpiFeedDeps): KpiFeed {
  const tickMs = deps.tickMs ?? 1000;
  const refreshMs = deps.refreshMs ?? 60_000;
  let latest: KpiSnapshot | null = null;
  let latestJson = '';
  let dirty = true;
  let computedAt = -Infinity;
  let gapMs = tickMs;
  const subscription = new Subscription();

  const onConnection = (socket: Socket<ClientToServerEvents, ServerToClientEvents>) => {
    socket.on('kpis:subscribe', (ack) => {
      void socket.join(ROOMS.kpis);
      if (typeof ack === 'function') ack({ ok: true, data: latest });
    });
    socket.on('kpis:unsubscribe', () => void socket.leave(ROOMS.kpis));
  };
  deps.io.on('connection', onConnection);

  subscription.add(deps.changes$.subscribe(() => (dirty = true)));
  const watched = () => (deps.io.sockets.adapter.rooms.get(ROOMS.kpis)?.size ?? 0) > 0;
  subscription.add(
    interval(tickMs, deps.scheduler ?? asyncScheduler)
      .pipe(
        filter(() => watched() && deps.now() - computedAt >= gapMs && (dirty || deps.now() - computedAt >= refreshMs)),
        exhaustMap(() => {
          dirty = false;
          const nowMs = deps.now();
          computedAt = nowMs;
          return from(deps.compute(nowMs)).pipe(
            tap(() => (gapMs = Math.max(tickMs, 2 * (deps.now() - nowMs)))),
            catchError((err: Error) => {
              dirty = true;
              gapMs = refreshMs;
              deps.logger.warn({ err: err.message }, 'KPI snapshot failed; next try after the refresh interval');
              return EMPTY;
            }),
          );
        }),
      )
      .subscribe((snapshot) => {
        // The window rolls with the clock; only the figures decide whether anything changed.
        const json = JSON.stringify([snapshot.current, snapshot.previous]);
        if (json === latestJson) return;
        latestJson = json;
        latest = snapshot;
        deps.io.to(ROOMS.kpis).emit('kpis:snapshot', snapshot);
      }),
  );

  return {
    latest: () => latest,
    close: () => {
      subscription.unsubscribe();
      deps.io.off('connection', onConnection);
    },
  };
}

/** Changes that may move a KPI: stored events and exception versions. */
export const kpiInputs = (...sources: Observable<unknown>[]) => merge(...sources);
