// Robust statistics for "far outside this customer's history": the median and the median
// absolute deviation (MAD) ignore the very outliers we look for, where mean and standard
// deviation would be dragged towards them.

export function median(sorted: readonly number[]): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const mid = n >> 1;
  return n % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** `dev90` is the 90th percentile of the absolute deviations (the scale when the MAD collapses). */
export type RobustBaseline = { median: number; mad: number; dev90: number; n: number };

export function robustBaseline(values: readonly number[]): RobustBaseline {
  const sorted = [...values].sort((a, b) => a - b);
  const med = median(sorted);
  const deviations = sorted.map((v) => Math.abs(v - med)).sort((a, b) => a - b);
  const dev90 = deviations.length ? deviations[Math.floor(0.9 * (deviations.length - 1))] : NaN;
  return { median: med, mad: median(deviations), dev90, n: values.length };
}

/** 90th percentile of |deviation| → MAD units: for normal data they are 1.6449·σ and 0.6745·σ. */
const DEV90_TO_MAD = 0.6745 / 1.6449;

/**
 * Modified z-score (Iglewicz & Hoaglin): 0.6745·(x − median)/MAD. The MAD is floored at
 * `minMadShare` of the median so that a customer who always orders exactly 10 does not make
 * 11 an outlier, and at `minMad` absolute units (whole quantities: a customer ordering 1–3
 * has a MAD of 0 or 1, and 3 is not an outlier).
 *
 * When more than half of the history sits on one value the MAD collapses to 0 (or to the
 * floor) although the history has spread: a customer who orders 6 or 26 units, 8 times
 * against 6, would make every order of 26 an outlier. Then the scale comes from the 90th
 * percentile of the deviations instead: a quantity this customer orders in more than a tenth
 * of the history is not "far outside what it usually orders", while a few past outliers (under
 * a tenth) do not blunt the test, and a customer who orders 10 every time keeps the floor.
 */
export function robustZ(x: number, base: RobustBaseline, minMadShare: number, minMad = 0): number {
  const floor = Math.max(Math.abs(base.median) * minMadShare, minMad, 1e-9);
  const collapsed = base.mad <= floor && Number.isFinite(base.dev90) ? base.dev90 * DEV90_TO_MAD : 0;
  const mad = Math.max(base.mad, floor, collapsed);
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
