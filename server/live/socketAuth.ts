// Authenticates every socket.io connection before it joins any room: the browser's session
// cookie (same origin) or `auth: { token }` (scripts), and a role allowed to read the
// queue. A cross-site page cannot ride the user's cookie: the Origin, when sent, must be
// this server's own or one configured as allowed.
import type { Socket } from 'socket.io';
import type { AuthStore } from '../auth/authStore.ts';
import { readCookie, SESSION_COOKIE } from '../auth/authenticate.ts';
import { hasAnyRole, READ_ROLES } from '../auth/roles.ts';

export type SocketAuthOptions = { allowedOrigins: readonly string[] };

function sameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

export function socketAuth(store: AuthStore, opts: SocketAuthOptions) {
  return (socket: Socket, next: (err?: Error) => void) => {
    const { headers, auth } = socket.handshake;
    const origin = headers.origin;
    if (origin && !sameOrigin(origin, headers.host) && !opts.allowedOrigins.includes(origin)) {
      return next(new Error(`origin ${origin.slice(0, 200)} is not allowed`));
    }
    const token = typeof auth?.token === 'string' ? auth.token : readCookie(headers.cookie, SESSION_COOKIE);
    const principal = token ? store.resolveToken(token) : undefined;
    if (!principal) return next(new Error('unauthenticated: sign in, or pass auth.token'));
    if (!hasAnyRole(principal, READ_ROLES)) return next(new Error('forbidden: this credential cannot read the live feed'));
    socket.data.principal = principal;
    socket.data.token = token; // checked again while connected (server/live/hub.ts)
    next();
  };
}
