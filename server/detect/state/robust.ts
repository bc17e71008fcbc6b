// Robust statistics for "far outside this customer's history": the median and the median
// absolute deviation (MAD) ignore the very outliers we look for, where mean and standard
// deviation would be dragged towards them.

export function median(sorted: readonly number[]): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const mid = n >> 1;
  return n % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export type RobustBaseline = { median: number; mad: number; n: number };

export function robustBaseline(values: readonly number[]): RobustBaseline {
  const sorted = [...values].sort((a, b) => a - b);
  const med = median(sorted);
  const deviations = sorted.map((v) => Math.abs(v - med)).sort((a, b) => a - b);
  return { median: med, mad: median(deviations), n: values.length };
}

/**
 * Modified z-score (Iglewicz & Hoaglin): 0.6745·(x − median)/MAD. The MAD is floored at
 * `minMadShare` of the median so that a customer who always orders exactly 10 does not make
 * 11 an outlier, and at `minMad` absolute units (whole quantities: a customer ordering 1–3
 * has a MAD of 0 or 1, and 3 is not an outlier).
 */
export function robustZ(x: number, base: RobustBaseline, minMadShare: number, minMad = 0): number {
  const mad = Math.max(base.mad, Math.abs(base.median) * minMadShare, minMad, 1e-9);
  return (0.6745 * (x - base.median)) / mad;
}

/** A bounded history of the most recent values (a ring), with its baseline cached. */
export class RecentValues {
  private readonly values: number[] = [];
  private next = 0;
  private cached: RobustBaseline | undefined;
  private pushedSinceCache = 0;

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.values.length;
  }

  /**
   * Median and MAD of the history, recomputed once a tenth of it is new: a baseline of
   * 200 lines barely moves with one more, and sorting on every order would dominate the cost.
   */
  baseline(): RobustBaseline {
    if (!this.cached || this.pushedSinceCache * 10 >= this.values.length) {
      this.cached = robustBaseline(this.values);
      this.pushedSinceCache = 0;
    }
    return this.cached;
  }

  push(v: number): void {
    this.pushedSinceCache++;
    if (this.values.length < this.capacity) this.values.push(v);
    else {
      this.values[this.next] = v;
      this.next = (this.next + 1) % this.capacity;
    }
  }

  snapshot(): readonly number[] {
    return this.values;
  }
}
