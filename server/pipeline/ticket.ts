// A ticket follows one ingest request through the pipeline: the request is answered
// when every one of its events is stored or found to be a duplicate — never before.
import type { CtEvent } from '../events/schema.ts';

export type IngestOutcome = { accepted: number; duplicates: number };

export class IngestTicket {
  private pending: number;
  private readonly outcome: IngestOutcome = { accepted: 0, duplicates: 0 };
  private failed = false;
  readonly done: Promise<IngestOutcome>;
  private resolve!: (o: IngestOutcome) => void;
  private reject!: (e: Error) => void;

  constructor(size: number) {
    this.pending = size;
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    if (size === 0) this.resolve(this.outcome);
  }

  settle(kind: 'accepted' | 'duplicates', count = 1): void {
    if (this.failed) return;
    this.outcome[kind] += count;
    this.pending -= count;
    if (this.pending === 0) this.resolve(this.outcome);
  }

  /** Any failed part fails the whole request: the producer retries it, and dedupe absorbs what was stored. */
  fail(error: Error): void {
    if (this.failed) return;
    this.failed = true;
    this.reject(error);
  }
}

export type PendingEvent = { event: CtEvent; ticket: IngestTicket };
