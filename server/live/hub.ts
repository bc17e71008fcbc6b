// The socket.io hub: a full snapshot on every (re)connect, then deltas to the room.
import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { Subscription } from 'rxjs';
import type { ClientToServerEvents, ServerToClientEvents } from '../contracts/socket.ts';
import { ROOMS } from '../contracts/socket.ts';
import type { EventStats } from './eventStats.ts';
import type { Logger } from '../logger.ts';
import type { AuthStore } from '../auth/authStore.ts';
import { socketAuth } from './socketAuth.ts';

export type LiveHub = { io: Server<ClientToServerEvents, ServerToClientEvents>; close(): Promise<void> };

/** How often connected sockets have their credential checked again. */
export const SOCKET_RECHECK_MS = 5000;

export function startLiveHub(http: HttpServer, deps: { stats: EventStats; logger: Logger; auth: AuthStore; allowedOrigins: readonly string[]; maxPayloadBytes?: number; recheckMs?: number }): LiveHub {
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(http, {
    maxHttpBufferSize: deps.maxPayloadBytes ?? 64 * 1024,
    serveClient: false,
  });
  io.use(socketAuth(deps.auth, { allowedOrigins: deps.allowedOrigins }));
  io.on('connection', (socket: Socket<ClientToServerEvents, ServerToClientEvents>) => {
    void socket.join(ROOMS.events);
    socket.emit('events:snapshot', deps.stats.snapshot());
    socket.on('events:snapshot', (ack) => {
      if (typeof ack !== 'function') return; // never trust a client's callback
      ack({ ok: true, data: deps.stats.snapshot() });
    });
  });
  const ticks: Subscription = deps.stats.deltas().subscribe((delta) => io.to(ROOMS.events).emit('events:delta', delta));
  // The handshake checks the credential once; a session that expires (or a key revoked, a
  // user disabled) while the socket stays open must not keep receiving the live feed.
  const recheck = setInterval(() => {
    for (const socket of io.sockets.sockets.values()) {
      const token = socket.data.token as string | undefined;
      if (!token || !deps.auth.resolveToken(token)) socket.disconnect(true);
    }
  }, deps.recheckMs ?? SOCKET_RECHECK_MS);
  recheck.unref();
  return {
    io,
    close: async () => {
      clearInterval(recheck);
      ticks.unsubscribe();
      await io.close();
    },
  };
}
