// The detection stage of the pipeline: every stored batch goes through the engine in ingest
// order, and a scheduler tick moves the event-time watermark on while live traffic is idle.
// Emits the engine's counters after each batch or tick (for metrics and tests).
import { interval, map, merge, type Observable, type SchedulerLike, asyncScheduler } from 'rxjs';
import type { CtEvent } from '../events/schema.ts';
import type { DetectionEngine } from './engine.ts';

export function detectStage(engine: DetectionEngine, tickMs: number, scheduler: SchedulerLike = asyncScheduler) {
  return (stored$: Observable<{ stored: CtEvent[] }>): Observable<DetectionEngine['stats']> =>
    merge(
      stored$.pipe(map((batch) => engine.process(batch.stored))),
      interval(tickMs, scheduler).pipe(map(() => engine.advanceClock(scheduler.now()))),
    ).pipe(map(() => engine.stats));
}
