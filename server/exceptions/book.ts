// The exception book: the current state of every active exception, in memory, with each
// change appended to the exception log in ClickHouse. Detectors and people (through the
// API) both change exceptions here, so every change goes through one gate — `commit` —
// which enforces increasing versions: two writers that read the same version cannot both
// win, so no exception is acted on twice.
import { Subject, asyncScheduler, type SchedulerLike } from 'rxjs';
import type { ExceptionRecord } from '../contracts/exception.ts';
import { FINAL_STATUSES } from '../contracts/exception.ts';
import { AppError } from '../errors.ts';
import { toExceptionRow, type ExceptionRow } from './exceptionRow.ts';

export class VersionConflictError extends AppError {
  constructor(id: string, expected: number, got: number) {
    super(409, 'version_conflict', `exception ${id} changed meanwhile (now version ${expected - 1}, this change was made from version ${got - 1}); reload and retry`);
  }
}

export type BookOptions = {
  persist: (rows: ExceptionRow[]) => Promise<void>;
  scheduler?: SchedulerLike;
  /** How long commits gather before one insert (the live feed does not wait for it). */
  flushMs?: number;
  maxBatch?: number;
  /** How many closed exceptions stay readable in memory (for reopen and quick detail). */
  recentClosed?: number;
};

type Waiting = { row: ExceptionRow; resolve: () => void; reject: (e: Error) => void };

export class ExceptionBook {
  private readonly active = new Map<string, ExceptionRecord>();
  private readonly activeByKey = new Map<string, string>();
  private readonly closed = new Map<string, ExceptionRecord>();
  private readonly changesSubject = new Subject<ExceptionRecord>();
  /** Every committed version, in commit order (live push, KPIs, audit). */
  readonly changes$ = this.changesSubject.asObservable();
  private queue: Waiting[] = [];
  private flushing: Promise<void> | null = null;
  private timerArmed = false;
  private readonly scheduler: SchedulerLike;

  constructor(private readonly opts: BookOptions) {
    this.scheduler = opts.scheduler ?? asyncScheduler;
  }

  /** Loads the active exceptions found in storage at start-up. */
  restore(records: ExceptionRecord[]): void {
    for (const r of records) this.place(r);
  }

  get(id: string): ExceptionRecord | undefined {
    return this.active.get(id) ?? this.closed.get(id);
  }

  /** The active exception of a root cause, if one is open. */
  byCorrelationKey(key: string): ExceptionRecord | undefined {
    const id = this.activeByKey.get(key);
    return id ? this.active.get(id) : undefined;
  }

  listActive(): ExceptionRecord[] {
    return [...this.active.values()];
  }

  get activeCount(): number {
    return this.active.size;
  }

  activeCountByType(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const r of this.active.values()) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    return counts;
  }

  get closedInMemory(): number {
    return this.closed.size;
  }

  /**
   * Records a new version. `next.version` must be the current version + 1 (1 for a new
   * exception). Resolves once the version is stored in ClickHouse.
   */
  commit(next: ExceptionRecord): Promise<void> {
    const current = this.get(next.id);
    const expected = (current?.version ?? 0) + 1;
    if (next.version !== expected) return Promise.reject(new VersionConflictError(next.id, expected, next.version));
    this.place(next);
    this.changesSubject.next(next);
    return new Promise((resolve, reject) => {
      this.queue.push({ row: toExceptionRow(next), resolve, reject });
      this.armFlush();
    });
  }

  /** Waits until everything committed so far is stored. */
  async flush(): Promise<void> {
    while (this.queue.length || this.flushing) {
      if (this.flushing) await this.flushing;
      else await this.flushNow();
    }
  }

  private place(r: ExceptionRecord): void {
    const previous = this.active.get(r.id);
    if (previous && previous.correlationKey !== r.correlationKey) this.activeByKey.delete(previous.correlationKey);
    if (FINAL_STATUSES.includes(r.status)) {
      this.active.delete(r.id);
      if (this.activeByKey.get(r.correlationKey) === r.id) this.activeByKey.delete(r.correlationKey);
      this.closed.delete(r.id);
      this.closed.set(r.id, r);
      const limit = this.opts.recentClosed ?? 10_000;
      while (this.closed.size > limit) this.closed.delete(this.closed.keys().next().value!);
    } else {
      this.closed.delete(r.id);
      this.active.set(r.id, r);
      this.activeByKey.set(r.correlationKey, r.id);
    }
  }

  private armFlush(): void {
    if (this.queue.length >= (this.opts.maxBatch ?? 1000)) {
      void this.flushNow();
      return;
    }
    if (this.timerArmed) return;
    this.timerArmed = true;
    this.scheduler.schedule(() => {
      this.timerArmed = false;
      void this.flushNow();
    }, this.opts.flushMs ?? 250);
  }

  /** One insert in flight; what arrives meanwhile goes in the next one. */
  private flushNow(): Promise<void> {
    if (this.flushing || this.queue.length === 0) return this.flushing ?? Promise.resolve();
    const batch = this.queue;
    this.queue = [];
    this.flushing = this.opts
      .persist(batch.map((w) => w.row))
      .then(
        () => batch.forEach((w) => w.resolve()),
        (err: Error) => batch.forEach((w) => w.reject(err)),
      )
      .finally(() => {
        this.flushing = null;
        if (this.queue.length) this.armFlush();
      });
    return this.flushing;
  }
}
