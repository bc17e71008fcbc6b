// Connection state for the indicator: connected, reconnecting (with attempt count), offline.
import type { TowerSocket } from './socket.ts';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'signed_out';

export class ConnectionManager {
  #state = $state<ConnectionState>('connecting');
  #attempt = $state(0);

  constructor(socket: TowerSocket) {
    socket.on('connect', () => {
      this.#state = 'connected';
      this.#attempt = 0;
    });
    // A disconnect we asked for (sign-out) is not a connection problem.
    socket.on('disconnect', (reason) => (this.#state = reason === 'io client disconnect' ? 'signed_out' : 'reconnecting'));
    // The server refused the handshake (session expired or revoked): no retry helps until sign-in.
    socket.on('connect_error', (err) => {
      if (/^(unauthenticated|forbidden)/.test(err.message)) this.#state = 'signed_out';
    });
    socket.io.on('reconnect_attempt', (n) => {
      this.#state = 'reconnecting';
      this.#attempt = n;
    });
  }

  /** Nobody signed in: the socket stays closed. */
  signedOut() {
    this.#state = 'signed_out';
  }

  get state() {
    return this.#state;
  }
  get attempt() {
    return this.#attempt;
  }
}
