// Health of one endpoint (an interface or a carrier API) from its call stream: a sliding
// window of failures and latency judged against EWMA control limits learned from healthy
// traffic. Shared by integration_failure and carrier_failure, which differ only in keys and
// in the extra signals they look for.
import { z } from 'zod';
import { Ewma, rateUpperLimit } from './ewma.ts';
import { SlidingWindow } from './slidingWindow.ts';

export const healthConfig = z.object({
  /** Length of the sliding window the failure rate and latency are measured over. */
  windowMinutes: z.number().positive().default(5),
  /** At least this many failures in the window … */
  minFailures: z.number().int().min(1).default(3),
  /** … and a failure share above both this floor and the EWMA upper control limit. */
  minFailureRate: z.number().min(0).max(1).default(0.2),
  /** Width of the control limits, in standard errors (rate) or EWMA standard deviations (latency). */
  controlSigmas: z.number().positive().default(3),
  /** This many failed calls in a row is an incident whatever the rate (an outage at low traffic). */
  consecutiveFailures: z.number().int().min(2).default(3),
  /**
   * A call slower than this multiple of the learned latency (and its control limit) is slow;
   * `minFailures` slow calls making more than `minFailureRate` of the window is an incident
   * (counting slow calls rather than averaging keeps one 30 s timeout from tripping it).
   */
  latencyFactor: z.number().min(1).default(4),
  /** Smoothing of the learned failure rate and latency (per healthy call). */
  ewmaAlpha: z.number().min(0).max(1).default(0.01),
  /** An incident resolves after this long with no failure and at least one success. */
  healthyMinutes: z.number().positive().default(5),
});

export type HealthConfig = z.infer<typeof healthConfig>;

export type Verdict = { breach: false } | { breach: true; reason: 'failure_rate' | 'consecutive_failures' | 'latency'; figures: Record<string, number> };

type FailedCall = { ts: number; id: string; orderId?: string };

export class HealthMonitor {
  private readonly window: SlidingWindow;
  /** The last few failed calls in the window: an incident opened now links them too. */
  private readonly recent: FailedCall[] = [];
  private readonly failureRate: Ewma;
  private readonly latency: Ewma;
  private streak = 0;
  lastFailure = -Infinity;
  lastSuccess = -Infinity;
  lastSeen = -Infinity;

  constructor(private readonly config: HealthConfig) {
    this.window = new SlidingWindow(config.windowMinutes * 60_000, Math.max(1000, (config.windowMinutes * 60_000) / 10));
    this.failureRate = new Ewma(config.ewmaAlpha, 0.005);
    this.latency = new Ewma(config.ewmaAlpha, 0);
  }

  /** Records one call and says whether the endpoint is out of control now. */
  record(ts: number, ok: boolean, latencyMs: number | undefined, inIncident: boolean, call?: { id: string; orderId?: string }): Verdict {
    const c = this.config;
    this.lastSeen = ts;
    if (!ok && call) {
      this.recent.push({ ts, ...call });
      if (this.recent.length > 50) this.recent.shift();
    }
    while (this.recent.length && this.recent[0].ts < ts - c.windowMinutes * 60_000) this.recent.shift();
    const latencyLimit = this.latency.count >= 50 ? Math.max(c.latencyFactor * this.latency.mean, this.latency.mean + c.controlSigmas * this.latency.sd) : Infinity;
    this.window.add(ts, !ok, ok && latencyMs !== undefined && latencyMs > latencyLimit);
    if (ok) {
      this.streak = 0;
      this.lastSuccess = ts;
    } else {
      this.streak++;
      this.lastFailure = ts;
    }
    const w = this.window.totals(ts);
    const rate = w.failures / Math.max(1, w.calls);
    const limit = Math.max(c.minFailureRate, rateUpperLimit(this.failureRate.mean, w.calls, c.controlSigmas));
    let verdict: Verdict = { breach: false };
    if (!ok && w.failures >= c.minFailures && rate > limit) verdict = { breach: true, reason: 'failure_rate', figures: { failures: w.failures, calls: w.calls, failureRate: rate, limit } };
    else if (!ok && this.streak >= c.consecutiveFailures) verdict = { breach: true, reason: 'consecutive_failures', figures: { consecutive: this.streak } };
    else if (w.slow >= c.minFailures && w.slow / Math.max(1, w.calls) > limit)
      verdict = { breach: true, reason: 'latency', figures: { slowCalls: w.slow, calls: w.calls, latencyLimitMs: latencyLimit } };
    // Learn only from healthy traffic, so an incident never becomes the new normal.
    if (!inIncident && !verdict.breach) {
      this.failureRate.update(ok ? 0 : 1);
      if (ok && latencyMs !== undefined) this.latency.update(latencyMs);
    }
    return verdict;
  }

  /** Failed calls within the window (evidence and affected orders of an incident being opened). */
  recentFailures(): readonly FailedCall[] {
    return this.recent;
  }

  /** Healthy again: no failure for `healthyMinutes` and a success since the last failure. */
  healthyAt(now: number): boolean {
    return now - this.lastFailure >= this.config.healthyMinutes * 60_000 && this.lastSuccess > this.lastFailure;
  }

  get baseline(): { failureRate: number; latencyMs: number } {
    return { failureRate: this.failureRate.mean, latencyMs: this.latency.mean };
  }
}

export function healthThresholds(c: HealthConfig): Record<string, number> {
  return {
    windowMinutes: c.windowMinutes,
    minFailures: c.minFailures,
    minFailureRate: c.minFailureRate,
    controlSigmas: c.controlSigmas,
    consecutiveFailures: c.consecutiveFailures,
    latencyFactor: c.latencyFactor,
    healthyMinutes: c.healthyMinutes,
  };
}
