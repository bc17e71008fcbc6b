// Exponentially weighted moving average with variance (EWMA control chart): the baseline of
// a rate or latency that follows slow drift but not a sudden spike. Only in-control
// observations should be fed to it, so an incident never teaches the baseline that failure is normal.
export class Ewma {
  mean: number;
  variance = 0;
  count = 0;

  constructor(
    private readonly alpha: number,
    initialMean: number,
  ) {
    this.mean = initialMean;
  }

  update(x: number): void {
    this.count++;
    const diff = x - this.mean;
    const incr = this.alpha * diff;
    this.mean += incr;
    this.variance = (1 - this.alpha) * (this.variance + diff * incr);
  }

  get sd(): number {
    return Math.sqrt(this.variance);
  }
}

/**
 * Upper control limit of a failure share over a window of `n` observations around a
 * baseline share `p` (binomial, `k` standard errors).
 */
export function rateUpperLimit(p: number, n: number, k: number): number {
  const base = Math.max(p, 1e-4);
  return base + k * Math.sqrt((base * (1 - base)) / Math.max(n, 1));
}
