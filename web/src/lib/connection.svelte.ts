// Connection state for the indicator: connected, reconnecting (with attempt count), offline.
import type { TowerSocket } from './socket.ts';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting';

export class ConnectionManager {
  #state = $state<ConnectionState>('connecting');
  #attempt = $state(0);

  constructor(socket: TowerSocket) {
    socket.on('connect', () => {
      this.#state = 'connected';
      this.#attempt = 0;
    });
    socket.on('disconnect', () => (this.#state = 'reconnecting'));
    socket.io.on('reconnect_attempt', (n) => {
      this.#state = 'reconnecting';
      this.#attempt = n;
    });
  }

  get state() {
    return this.#state;
  }
  get attempt() {
    return this.#attempt;
  }
}
