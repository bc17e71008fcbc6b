// The detection engine: feeds every stored event (in ingest order) to the eleven detectors,
// keeps the event-time watermark, and turns their signals into exception versions committed
// through the ExceptionBook — the one gate for exception state.
//
// Watermark rule: the watermark is the newest event time seen; time-based detections fire when
// it passes their deadline. `advanceClock(nowMs)` (called by the scheduler) moves it on to
// now − idleLag only while the stream is live (its newest events arrived within liveWindow of
// the clock),
// so an import of last year's events is judged against last year, never against today.
//
// Correlation: a signal for a key with an open exception updates it (updates are folded into
// one version per `updateIntervalSeconds` of event time); ids are derived from the key and the
// opening event time, so a replay after restart recognises what it raised before.
import type { CtEvent } from '../events/schema.ts';
import type { ExceptionRecord } from '../contracts/exception.ts';
import { FINAL_STATUSES } from '../contracts/exception.ts';
import type { Triage } from '../contracts/triage.ts';
import type { ExceptionBook } from '../exceptions/book.ts';
import type { DetectorConfig } from './config.ts';
import { assignInPlace } from './configVersion.ts';
import { createDetectors } from './detectors/index.ts';
import { OrderContext } from './orderContext.ts';
import { ExpiringMap } from './state/expiringMap.ts';
import type { DetectEvent, Detector, Signal } from './signal.ts';
import { exceptionId, nextVersion, type RecordLimits } from './toException.ts';

export type EngineDeps = {
  config: DetectorConfig;
  book: ExceptionBook;
  triage: Triage;
  /** Defaults to the eleven detectors built from config. */
  detectors?: Detector[];
  /** A commit that failed to store (logged by the caller; the book keeps memory consistent). */
  onError?: (err: Error) => void;
};

const limitsOf = (c: DetectorConfig): RecordLimits => ({ maxEvidence: c.engine.maxEvidence, maxOrderIds: c.engine.maxOrderIds, defaultCurrency: c.engine.defaultCurrency, configVersion: c.version });

type Pending = { signal: Signal; evidence: string[]; orderIds: Set<string>; lines: Signal['lines'] };

export class DetectionEngine {
  readonly detectors: Detector[];
  private readonly orders: OrderContext;
  private limits: RecordLimits;
  private readonly out: Signal[] = [];
  private readonly pending = new Map<string, Pending>();
  /** Event time of each key's last commit, while it still holds back a folded update. */
  private readonly lastCommit: ExpiringMap<string, number>;
  private wm = -Infinity;
  /** Whether the newest events arrived close to the clock (decided at the first tick after them). */
  private live: boolean | undefined;
  private replay: { knownIds: Set<string> } | null = null;
  /** Ids of exceptions stored before this start (the replay window): never opened again, even when closed. */
  private readonly storedIds = new Set<string>();
  private readonly counters = { events: 0, signals: 0, commits: 0 };

  constructor(private readonly deps: EngineDeps) {
    const c = deps.config;
    this.detectors = deps.detectors ?? createDetectors(c);
    this.orders = new OrderContext(c.engine.orderTtlHours * 3_600_000, c.engine.maxOrders);
    this.lastCommit = new ExpiringMap(c.engine.updateIntervalSeconds * 1000, 1_000_000);
    this.limits = limitsOf(c);
  }

  /**
   * Takes over a changed configuration (an admin's edit), between two events. Why in place and
   * not new detectors: their keyed state (open stock-outs, health windows, order histories) is
   * what gives the next event its meaning, and rebuilding it means replaying the stored window
   * while live events keep arriving — slow and easy to get wrong. Each detector reads its
   * thresholds from its own config section on every event, so copying the new values into the
   * same objects changes what it judges from the next event on and keeps every bit of state.
   * Keys read only while building state take effect at the next restart (configVersion.ts).
   */
  applyConfig(next: DetectorConfig): void {
    assignInPlace(this.deps.config, next);
    this.limits = limitsOf(this.deps.config);
  }

  get watermark(): number {
    return this.wm;
  }

  get stats() {
    return { ...this.counters, watermark: Number.isFinite(this.wm) ? new Date(this.wm).toISOString() : null };
  }

  /** Feeds stored events in ingest order. */
  process(events: readonly CtEvent[]): void {
    for (const event of events) {
      const ts = Date.parse(event.ts);
      // Deadlines strictly before this event fire first: a shipment at the promise itself is on time.
      if (ts > this.wm) this.advance(ts - 1);
      this.counters.events++;
      // Validation guarantees each type's join keys (schema.ts REQUIRED_KEYS).
      const keyed = event as DetectEvent;
      this.orders.observe(keyed, ts);
      for (const d of this.detectors) d.onEvent(keyed, ts, this.out);
      if (ts > this.wm) {
        this.wm = ts;
        this.live = undefined;
      }
      this.drain();
    }
    this.flushDue(false);
  }

  /** Moves event time on by the clock when the stream is live and idle (see the watermark rule). */
  advanceClock(nowMs: number): void {
    const e = this.deps.config.engine;
    if (!Number.isFinite(this.wm)) return;
    this.live ??= nowMs - this.wm <= e.liveWindowMinutes * 60_000;
    if (!this.live) return;
    const target = nowMs - e.idleLagSeconds * 1000;
    if (target > this.wm) this.advanceTo(target);
  }

  /** Moves the watermark to `ms` (event time) and fires what is due. */
  advanceTo(ms: number): void {
    if (ms <= this.wm) return;
    this.advance(ms);
    this.wm = ms;
    this.flushDue(false);
  }

  /**
   * Rebuilds detector state from stored events after a restart. The book must already hold the
   * active exceptions; `knownIds` are the ids of exceptions raised in the replayed window
   * (also closed ones), which the replay must not raise again.
   */
  replayStored(events: readonly CtEvent[], knownIds: Iterable<string>): void {
    this.replay ??= { knownIds: this.storedIds };
    // Kept after the replay too: a live signal may recompute the id of an exception that was
    // closed before the restart (the book restores only active ones); it must not open again.
    for (const id of knownIds) this.storedIds.add(id);
    try {
      this.process(events);
    } finally {
      this.replay = null;
    }
  }

  /** Commits every folded update now (shutdown, tests). */
  flushAll(): void {
    this.flushDue(true);
  }

  stateSizes(): Record<string, Record<string, number>> {
    const sizes: Record<string, Record<string, number>> = {};
    for (const d of this.detectors) sizes[d.name] = d.stateSizes();
    sizes.engine = { orders: this.orders.size, customers: this.orders.customers, pendingUpdates: this.pending.size, lastCommits: this.lastCommit.size };
    return sizes;
  }

  private advance(ms: number): void {
    for (const d of this.detectors) d.onTime(ms, this.out);
    this.orders.sweep(ms);
    this.lastCommit.sweep(ms);
    this.drain();
  }

  private drain(): void {
    if (this.out.length === 0) return;
    for (const s of this.out) this.apply(s);
    this.out.length = 0;
  }

  private active(key: string): ExceptionRecord | undefined {
    return this.deps.book.byCorrelationKey(key);
  }

  /** A signal older than what the exception already reflects was applied before (replay). */
  private alreadyApplied(rec: ExceptionRecord, s: Signal): boolean {
    const last = rec.details.lastSignalTs;
    return typeof last === 'number' && (this.replay ? s.ts <= last : s.ts < last);
  }

  private apply(s: Signal): void {
    this.counters.signals++;
    const rec = this.active(s.correlationKey);
    if (s.kind === 'resolve') {
      if (!rec || this.alreadyApplied(rec, s)) {
        this.pending.delete(s.correlationKey);
        return;
      }
      this.flushKey(s.correlationKey);
      this.commit(nextVersion(this.active(s.correlationKey), s, this.orders, this.deps.triage, this.limits));
      this.lastCommit.delete(s.correlationKey);
      return;
    }
    if (!rec) {
      // An update with nothing open: people closed it meanwhile, or a replay skipped it as raised before.
      if (s.kind === 'update') return;
      const id = exceptionId(s.correlationKey, s.ts);
      if (this.deps.book.get(id) || this.storedIds.has(id)) return;
      this.commit(nextVersion(undefined, s, this.orders, this.deps.triage, this.limits));
      this.lastCommit.set(s.correlationKey, s.ts, s.ts);
      return;
    }
    if (this.alreadyApplied(rec, s)) return;
    this.fold(s);
  }

  private fold(s: Signal): void {
    const p = this.pending.get(s.correlationKey);
    if (!p) {
      this.pending.set(s.correlationKey, { signal: s, evidence: [...s.evidence], orderIds: new Set(s.orderIds ?? []), lines: s.lines ? [...s.lines] : undefined });
      return;
    }
    p.signal = { ...s, details: { ...p.signal.details, ...s.details } };
    for (const id of s.evidence) if (p.evidence.length < this.limits.maxEvidence) p.evidence.push(id);
    for (const id of s.orderIds ?? []) if (p.orderIds.size < this.limits.maxOrderIds) p.orderIds.add(id);
    if (s.lines) (p.lines ??= []).push(...s.lines.slice(0, this.limits.maxOrderIds - p.lines.length));
  }

  private flushDue(all: boolean): void {
    if (this.pending.size === 0) return;
    const interval = this.deps.config.engine.updateIntervalSeconds * 1000;
    for (const key of [...this.pending.keys()]) {
      const last = this.lastCommit.get(key) ?? -Infinity;
      if (all || this.wm - last >= interval) this.flushKey(key);
    }
  }

  private flushKey(key: string): void {
    const p = this.pending.get(key);
    if (!p) return;
    this.pending.delete(key);
    const rec = this.active(key);
    if (!rec || FINAL_STATUSES.includes(rec.status)) return;
    const merged: Signal = { ...p.signal, evidence: p.evidence, orderIds: [...p.orderIds], lines: p.lines };
    this.commit(nextVersion(rec, merged, this.orders, this.deps.triage, this.limits));
    this.lastCommit.set(key, merged.ts, merged.ts);
  }

  private commit(next: ExceptionRecord): void {
    this.counters.commits++;
    if (FINAL_STATUSES.includes(next.status)) this.lastCommit.delete(next.correlationKey);
    this.deps.book.commit(next).catch((err: Error) => this.deps.onError?.(err));
  }
}
