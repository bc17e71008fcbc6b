// One socket.io connection for the whole app, typed with the server's event maps.
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../../server/contracts/socket.ts';

export type TowerSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

// Not connected until someone is signed in: the server authenticates the socket with the
// session cookie and refuses anonymous connections (App.svelte connects after sign-in).
export const socket: TowerSocket = io({ transports: ['websocket', 'polling'], autoConnect: false });
socket.once('connect', () => performance.mark('ct:socket-connected'));
