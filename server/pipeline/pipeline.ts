// Composes the ingest pipeline: submit → batch (time, size) → dedupe + insert (one in
// flight) → stored$. Requests are answered only after their events are stored; when
// more than `maxQueueEvents` wait, submit refuses with 429 instead of growing memory.
import { Subject, type SchedulerLike, type Subscription } from 'rxjs';
import type { CtEvent } from '../events/schema.ts';
import { SaturatedError, StorageUnavailableError } from '../errors.ts';
import { batchEvents } from './batchEvents.ts';
import { storeBatch, type StoredBatch } from './storeBatch.ts';
import type { StoredIdLookup } from './dedupeBatch.ts';
import { IngestTicket, type IngestOutcome, type PendingEvent } from './ticket.ts';

export type PipelineOptions = {
  maxRows: number;
  maxWaitMs: number;
  maxQueueEvents: number;
  insertAttempts?: number;
};

export type PipelineDeps = {
  lookup: StoredIdLookup;
  insert: (events: CtEvent[]) => Promise<void>;
  now?: () => number;
  scheduler?: SchedulerLike;
  sleep?: (ms: number) => Promise<void>;
};

export type PipelineStats = { queueDepth: number; accepted: number; duplicates: number; failedBatches: number };

/** Why storage is not taking writes, as the pipeline last saw it (undefined: it is). */
export type WriteTrouble = { since: number; lastAt: number; error: string };

/**
 * A failure older than this no longer keeps the tower "not ready": with no traffic nothing
 * would ever test storage again, and a load balancer that takes the tower out would never
 * send the batch that shows it recovered. Past it, the next batch decides (half-open).
 */
export const WRITE_TROUBLE_HOLD_MS = 30_000;

export class IngestPipeline {
  private readonly input = new Subject<PendingEvent>();
  private readonly storedSubject = new Subject<StoredBatch>();
  /** Every batch once stored: downstream stages (live counts, detectors) subscribe here. */
  readonly stored$ = this.storedSubject.asObservable();
  private readonly subscription: Subscription;
  private readonly finished: Promise<void>;
  private closed = false;
  private depth = 0;
  private readonly totals = { accepted: 0, duplicates: 0, failedBatches: 0 };
  private trouble?: WriteTrouble;
  private readonly now: () => number;

  constructor(
    private readonly opts: PipelineOptions,
    deps: PipelineDeps,
  ) {
    const now = (this.now = deps.now ?? Date.now);
    let finish!: () => void;
    this.finished = new Promise((resolve) => (finish = resolve));
    this.subscription = this.input
      .pipe(
        batchEvents({ maxRows: opts.maxRows, maxWaitMs: opts.maxWaitMs }, deps.scheduler),
        storeBatch({
          lookup: deps.lookup,
          insert: async (events) => {
            await deps.insert(events);
            this.trouble = undefined; // an insert went through: storage takes writes
          },
          attempts: opts.insertAttempts ?? 3,
          backoffMs: (attempt) => 100 * 4 ** (attempt - 1),
          sleep: deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
          onFailure: (error) => {
            this.trouble = { since: this.trouble?.since ?? now(), lastAt: now(), error: error.message };
            return new StorageUnavailableError(`events could not be stored, nothing was acknowledged: ${error.message}`);
          },
          now,
          maxRows: opts.maxRows,
        }),
      )
      .subscribe({
        next: (batch) => {
          this.totals.accepted += batch.stored.length;
          this.totals.duplicates += batch.duplicates;
          if (batch.failed) this.totals.failedBatches++;
          this.depth -= batch.size;
          if (!batch.failed) this.storedSubject.next(batch);
        },
        complete: () => {
          this.storedSubject.complete();
          finish();
        },
      });
  }

  get stats(): PipelineStats {
    return { queueDepth: this.depth, ...this.totals };
  }

  /** Storage refused a batch (all its attempts) within WRITE_TROUBLE_HOLD_MS and no insert has gone through since. */
  writeTrouble(): WriteTrouble | undefined {
    const t = this.trouble;
    if (!t) return undefined;
    return this.now() - t.lastAt < WRITE_TROUBLE_HOLD_MS ? t : undefined;
  }

  /**
   * Why a request should be refused before its body is even read (the queue is full or
   * intake is closed), so a flood costs no parsing and the accepted flow keeps the CPU.
   */
  refusal(): Error | undefined {
    if (this.closed) return new StorageUnavailableError('the server is shutting down; retry against another instance', 1);
    if (this.depth >= this.opts.maxQueueEvents) return new SaturatedError(1, `ingest queue is full (${this.depth} events waiting); retry after 1 s`);
    return undefined;
  }

  /** Resolves once every event is stored or known as a duplicate; rejects with 429 or 503. */
  submit(events: CtEvent[]): Promise<IngestOutcome> {
    if (this.closed) return Promise.reject(new StorageUnavailableError('the server is shutting down; retry against another instance', 1));
    // An oversized request is still taken when nothing waits, so no request can starve.
    if (this.depth > 0 && this.depth + events.length > this.opts.maxQueueEvents) {
      return Promise.reject(new SaturatedError(1, `ingest queue is full (${this.depth} events waiting); retry after 1 s`));
    }
    const ticket = new IngestTicket(events.length);
    this.depth += events.length;
    for (const event of events) this.input.next({ event, ticket });
    return ticket.done;
  }

  /** Stops intake and resolves when everything submitted so far is stored (or failed). */
  async drain(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.input.complete();
    }
    await this.finished;
    this.subscription.unsubscribe();
  }
}
