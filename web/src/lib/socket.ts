// One socket.io connection for the whole app, typed with the server's event maps.
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../../server/contracts/socket.ts';

export type TowerSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export const socket: TowerSocket = io({ transports: ['websocket', 'polling'] });
