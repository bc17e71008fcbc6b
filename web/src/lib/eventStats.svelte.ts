// Live event counts: replaced by the snapshot on every (re)connect, then advanced by deltas.
import type { EventStatsDelta, EventStatsSnapshot } from '../../../server/contracts/socket.ts';
import type { TowerSocket } from './socket.ts';

const WINDOW = 60;

export class EventStatsManager {
  #rate = $state<EventStatsSnapshot['rate']>([]);
  #totals = $state<EventStatsSnapshot['totals']>({ total: 0, byType: {}, bySource: {} });
  #lastEventTs = $state<string | null>(null);

  constructor(socket: TowerSocket) {
    socket.on('events:snapshot', (s) => this.#apply(s));
    socket.on('events:delta', (d) => this.#advance(d));
  }

  #apply(s: EventStatsSnapshot) {
    this.#rate = s.rate;
    this.#totals = s.totals;
    this.#lastEventTs = s.lastEventTs;
  }

  #advance(d: EventStatsDelta) {
    this.#rate = [...this.#rate, d.point].slice(-WINDOW);
    this.#totals = d.totals;
    this.#lastEventTs = d.lastEventTs;
  }

  get rate() {
    return this.#rate;
  }
  get totals() {
    return this.#totals;
  }
  get lastEventTs() {
    return this.#lastEventTs;
  }
  get currentRate() {
    return this.#rate.at(-1)?.perSecond ?? 0;
  }
}
