// Live counts of stored events: a per-second rate for the last minute and running totals.
// Computed once per tick for all clients (never per client) from the pipeline's output,
// so no dashboard ever queries ClickHouse in the ingest path.
import { interval, map, type Observable, type SchedulerLike, asyncScheduler, filter } from 'rxjs';
import type { CtEvent } from '../events/schema.ts';
import type { EventTotals } from '../store/eventTotals.ts';
import type { EventStatsDelta, EventStatsSnapshot } from '../contracts/socket.ts';

const WINDOW_SECONDS = 60;

export class EventStats {
  private readonly totals: EventStatsSnapshot['totals'];
  private lastEventTs: string | null;
  private readonly rate: { t: string; perSecond: number }[] = [];
  private sinceTick = 0;
  private changed = false;

  constructor(
    initial: EventTotals,
    private readonly scheduler: SchedulerLike = asyncScheduler,
  ) {
    this.totals = { total: initial.total, byType: { ...initial.byType }, bySource: { ...initial.bySource } };
    this.lastEventTs = initial.lastEventTs;
  }

  record(events: readonly CtEvent[]): void {
    for (const e of events) {
      this.totals.byType[e.type] = (this.totals.byType[e.type] ?? 0) + 1;
      this.totals.bySource[e.source] = (this.totals.bySource[e.source] ?? 0) + 1;
      if (!this.lastEventTs || e.ts > this.lastEventTs) this.lastEventTs = e.ts;
    }
    this.totals.total += events.length;
    this.sinceTick += events.length;
    this.changed = true;
  }

  snapshot(): EventStatsSnapshot {
    return {
      at: new Date(this.scheduler.now()).toISOString(),
      rate: [...this.rate],
      totals: structuredClone(this.totals),
      lastEventTs: this.lastEventTs,
    };
  }

  /** Closes the current second; returns a delta, or null when nothing changed (idle seconds still advance the chart once). */
  tick(): EventStatsDelta | null {
    const point = { t: new Date(this.scheduler.now()).toISOString(), perSecond: this.sinceTick };
    const idleAgain = !this.changed && this.rate.at(-1)?.perSecond === 0;
    this.rate.push(point);
    if (this.rate.length > WINDOW_SECONDS) this.rate.shift();
    this.sinceTick = 0;
    this.changed = false;
    if (idleAgain) return null;
    return { at: point.t, point, totals: structuredClone(this.totals), lastEventTs: this.lastEventTs };
  }

  /** One delta a second at most, driven by the injected scheduler. */
  deltas(periodMs = 1000): Observable<EventStatsDelta> {
    return interval(periodMs, this.scheduler).pipe(
      map(() => this.tick()),
      filter((d): d is EventStatsDelta => d !== null),
    );
  }
}
