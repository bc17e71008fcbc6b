// Buffers rows and inserts them in batches, one insert in flight, so a burst of audit
// entries becomes a few inserts. `write` resolves once its row is stored.
import { asyncScheduler, type SchedulerLike } from 'rxjs';

/** Each flush is one statement on an engine with a session per core: few, larger writes leave room for ingest. */
const WRITE_BEHIND_MS = 250;

type Waiting<T> = { row: T; resolve: () => void; reject: (e: Error) => void };

export class BatchWriter<T> {
  private queue: Waiting<T>[] = [];
  private flushing: Promise<void> | null = null;
  private armed = false;

  constructor(
    private readonly insert: (rows: T[]) => Promise<void>,
    private readonly opts: { flushMs?: number; maxBatch?: number; scheduler?: SchedulerLike } = {},
  ) {}

  write(row: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      this.arm();
    });
  }

  async flush(): Promise<void> {
    while (this.queue.length || this.flushing) {
      if (this.flushing) await this.flushing;
      else await this.flushNow();
    }
  }

  private arm() {
    if (this.queue.length >= (this.opts.maxBatch ?? 1000)) return void this.flushNow();
    if (this.armed) return;
    this.armed = true;
    (this.opts.scheduler ?? asyncScheduler).schedule(() => {
      this.armed = false;
      void this.flushNow();
    }, this.opts.flushMs ?? WRITE_BEHIND_MS);
  }

  private flushNow(): Promise<void> {
    if (this.flushing || this.queue.length === 0) return this.flushing ?? Promise.resolve();
    const batch = this.queue;
    this.queue = [];
    this.flushing = this.insert(batch.map((w) => w.row))
      .then(
        () => batch.forEach((w) => w.resolve()),
        (err: Error) => batch.forEach((w) => w.reject(err)),
      )
      .finally(() => {
        this.flushing = null;
        if (this.queue.length) this.arm();
      });
    return this.flushing;
  }
}
