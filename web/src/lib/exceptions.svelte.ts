// The live set of open exceptions, keyed by id and version-aware: a full snapshot on every
// (re)connect replaces the set (so nothing is duplicated or left stale), changes apply only
// when their version is newer. Socket bursts are coalesced and published at most every
// FLUSH_MS as one new array, which keeps 100 changes/s cheap for the queue and the charts.
import type { QueueRow } from '../../../server/contracts/queueRow.ts';
import { FINAL_STATUSES } from '../../../server/contracts/exception.ts';
import type { TowerSocket } from './socket.ts';
import { throttle } from './throttle.ts';

const FLUSH_MS = 150;
/** How long a newly arrived exception stays highlighted. */
export const FRESH_MS = 10_000;

export type FeedState = 'waiting' | 'live' | 'unavailable';

export class ExceptionFeed {
  #byId = new Map<string, QueueRow>();
  #arrivedAt = new Map<string, number>();
  #rows = $state.raw<QueueRow[]>([]);
  #state = $state<FeedState>('waiting');
  #snapshots = $state(0);
  #publish = throttle(() => (this.#rows = [...this.#byId.values()]), FLUSH_MS);

  constructor(
    socket: TowerSocket,
    private readonly now: () => number,
    waitMs = 4000,
  ) {
    socket.on('exceptions:snapshot', (p) => this.#snapshot(p.exceptions));
    socket.on('exceptions:changed', (p) => this.#change(p.exceptions));
    const timer = setTimeout(() => this.#state === 'waiting' && (this.#state = 'unavailable'), waitMs);
    socket.on('disconnect', () => clearTimeout(timer));
  }

  #snapshot(list: QueueRow[]) {
    // A mark for the speed test and for anyone profiling the first view.
    if (this.#snapshots === 0) performance.mark('ct:first-exception-snapshot');
    const next = new Map<string, QueueRow>();
    for (const r of list) {
      if (FINAL_STATUSES.includes(r.status)) continue;
      const prev = this.#byId.get(r.id);
      // A change that overtook the snapshot on the wire wins over the older snapshot row.
      next.set(r.id, prev && prev.version > r.version ? prev : r);
    }
    this.#byId = next;
    this.#state = 'live';
    this.#snapshots++;
    this.#rows = [...next.values()];
  }

  #change(list: QueueRow[]) {
    for (const r of list) {
      const prev = this.#byId.get(r.id);
      if (prev && prev.version >= r.version) continue;
      if (FINAL_STATUSES.includes(r.status)) {
        this.#byId.delete(r.id);
        this.#arrivedAt.delete(r.id);
        continue;
      }
      if (!prev) this.#arrivedAt.set(r.id, this.now());
      this.#byId.set(r.id, r);
    }
    this.#publish();
  }

  /** Open exceptions (not resolved or dismissed), in arrival order. */
  get rows() {
    return this.#rows;
  }
  get state() {
    return this.#state;
  }
  get snapshots() {
    return this.#snapshots;
  }
  get(id: string) {
    return this.#byId.get(id);
  }
  /** True while an exception that arrived live (not in a snapshot) should stay highlighted. */
  isFresh(id: string, nowMs: number) {
    const t = this.#arrivedAt.get(id);
    return t !== undefined && nowMs - t < FRESH_MS;
  }
}
