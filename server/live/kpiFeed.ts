// Pushes the dashboard's KPI snapshot to room `kpis`: computed once per tick for all
// clients (never per client), at most once a tick, only while someone is in the room, only
// when something may have changed (events stored, exceptions changed, or the rolling window
// moved on — every refreshMs), and sent only when it differs from the last one sent.
// exhaustMap skips ticks while a computation runs, so a slow engine is never queued up.
import { Subscription, asyncScheduler, exhaustMap, filter, from, interval, merge, catchError, EMPTY, type Observable, type SchedulerLike } from 'rxjs';
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
        filter(() => watched() && (dirty || deps.now() - computedAt >= refreshMs)),
        exhaustMap(() => {
          dirty = false;
          const nowMs = deps.now();
          computedAt = nowMs;
          return from(deps.compute(nowMs)).pipe(
            catchError((err: Error) => {
              dirty = true; // try again next tick
              deps.logger.warn({ err: err.message }, 'KPI snapshot failed');
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
