// The live exception feed for the web app's queue: every (re)connecting client gets the
// active set as one snapshot, then the book's committed versions batched every 100 ms (only
// the newest version of each exception in a batch), to room `exceptions` — as lean queue rows
// (contracts/queueRow.ts); the drawer fetches the full record.
import { bufferTime, filter, map, type SchedulerLike, asyncScheduler } from 'rxjs';
import type { Server, Socket } from 'socket.io';
import type { ExceptionRecord } from '../contracts/exception.ts';
import type { ClientToServerEvents, ServerToClientEvents } from '../contracts/socket.ts';
import { ROOMS } from '../contracts/socket.ts';
import { toQueueRow } from '../contracts/queueRow.ts';
import type { ExceptionBook } from '../exceptions/book.ts';

export type ExceptionFeed = { close(): void };

export function newestPerId(batch: readonly ExceptionRecord[]): ExceptionRecord[] {
  const byId = new Map<string, ExceptionRecord>();
  for (const r of batch) if ((byId.get(r.id)?.version ?? 0) < r.version) byId.set(r.id, r);
  return [...byId.values()];
}

export function startExceptionFeed(deps: { io: Server<ClientToServerEvents, ServerToClientEvents>; book: ExceptionBook; now: () => number; batchMs?: number; scheduler?: SchedulerLike }): ExceptionFeed {
  const snapshot = () => ({ at: new Date(deps.now()).toISOString(), exceptions: deps.book.listActive().map(toQueueRow) });
  const onConnection = (socket: Socket<ClientToServerEvents, ServerToClientEvents>) => {
    void socket.join(ROOMS.exceptions);
    socket.emit('exceptions:snapshot', snapshot());
  };
  deps.io.on('connection', onConnection);
  const sub = deps.book.changes$
    .pipe(
      bufferTime(deps.batchMs ?? 100, null, 2000, deps.scheduler ?? asyncScheduler),
      filter((b) => b.length > 0),
      map((batch) => newestPerId(batch).map(toQueueRow)),
    )
    .subscribe((exceptions) => deps.io.to(ROOMS.exceptions).emit('exceptions:changed', { at: new Date(deps.now()).toISOString(), exceptions }));
  return {
    close: () => {
      sub.unsubscribe();
      deps.io.off('connection', onConnection);
    },
  };
}
