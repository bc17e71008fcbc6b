// Counts over the last `windowMs` of event time in fixed buckets: calls, failures and slow
// calls. Constant memory per key, whatever the traffic.
type Bucket = { start: number; calls: number; failures: number; slow: number };

export class SlidingWindow {
  private readonly buckets: Bucket[] = [];

  constructor(
    private readonly windowMs: number,
    private readonly bucketMs: number,
  ) {}

  add(ts: number, failed: boolean, slow: boolean): void {
    const start = ts - (ts % this.bucketMs);
    let bucket = this.buckets[this.buckets.length - 1];
    if (!bucket || bucket.start < start) {
      bucket = { start, calls: 0, failures: 0, slow: 0 };
      this.buckets.push(bucket);
    }
    bucket.calls++;
    if (failed) bucket.failures++;
    if (slow) bucket.slow++;
    this.prune(ts);
  }

  prune(now: number): void {
    while (this.buckets.length && this.buckets[0].start + this.bucketMs <= now - this.windowMs) this.buckets.shift();
  }

  totals(now: number): { calls: number; failures: number; slow: number } {
    this.prune(now);
    let calls = 0;
    let failures = 0;
    let slow = 0;
    for (const b of this.buckets) {
      calls += b.calls;
      failures += b.failures;
      slow += b.slow;
    }
    return { calls, failures, slow };
  }
}
