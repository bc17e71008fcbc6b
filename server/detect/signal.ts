// What a detector emits: a statement about one root cause (its correlation key) at one
// event time. The engine turns signals into ExceptionRecord versions; detectors never
// touch the exception book, so they stay pure stages that tests drive event by event.
import type { EventOf, EventType } from '../events/schema.ts';
import type { ExceptionType } from '../contracts/exception.ts';

type With<T extends EventType, K extends string> = EventOf<T> & { [P in K]: string };

/**
 * A stored event as detectors see it: validation (schema.ts REQUIRED_KEYS) guarantees these
 * join keys, so the types say so too.
 */
export type DetectEvent =
  | With<'order.created', 'orderId' | 'customerId'>
  | With<'order.priced', 'orderId'>
  | With<'order.credit_checked', 'orderId' | 'customerId'>
  | With<'order.held', 'orderId'>
  | With<'order.released', 'orderId'>
  | With<'order.cancelled', 'orderId'>
  | With<'order.invoiced', 'orderId'>
  | With<'payment.received', 'customerId'>
  | With<'payment.overdue', 'customerId'>
  | With<'inventory.allocated', 'orderId' | 'sku' | 'warehouse'>
  | With<'inventory.snapshot', 'sku' | 'warehouse'>
  | With<'inventory.replenished', 'sku' | 'warehouse'>
  | With<'pick.completed', 'orderId' | 'sku' | 'warehouse'>
  | With<'pick.short', 'orderId' | 'sku' | 'warehouse'>
  | With<'shipment.created', 'orderId' | 'shipmentId'>
  | With<'shipment.status', 'shipmentId'>
  | With<'carrier.api_call', 'carrier'>
  | With<'integration.message', 'interface'>;

export type SignalKind = 'open' | 'update' | 'resolve';

export type AffectedLine = { orderId: string; lineId: string };

export interface Signal {
  kind: SignalKind;
  type: ExceptionType;
  detector: string;
  version: string;
  /** Root-cause key, e.g. `carrier:UPS`, `backorder:SKU-1@DC-ATL`. */
  correlationKey: string;
  /** Event time (epoch ms) of the event or watermark that produced it. */
  ts: number;
  /** Ids of the events behind this signal. */
  evidence: string[];
  orderIds?: string[];
  /** Affected lines when fewer than whole orders are at risk (revenue counts only these). */
  lines?: AffectedLine[];
  customerId?: string;
  sku?: string;
  warehouse?: string;
  carrier?: string;
  interface?: string;
  /** When the customer promise breaks if nothing is done (epoch ms). */
  slaDueAt?: number;
  title?: string;
  thresholds?: Record<string, number>;
  confidence?: number;
  details?: Record<string, unknown>;
}

/**
 * One detector per exception type. `onEvent` sees every stored event once, in ingest
 * order; `onTime` is called as the event-time watermark moves, for detections by absence
 * (a promise passing with no shipment, an interface staying healthy). Both append to `out`.
 * Detectors read no clock and never read `attrs.injected`.
 */
export interface Detector {
  readonly name: string;
  readonly version: string;
  readonly type: ExceptionType;
  onEvent(event: DetectEvent, tsMs: number, out: Signal[]): void;
  onTime(watermarkMs: number, out: Signal[]): void;
  /** Sizes of every keyed state, so tests and the soak can check memory stays flat. */
  stateSizes(): Record<string, number>;
}

/** Helper for detectors: fills name, version and type. */
export function signalFactory(name: string, version: string, type: ExceptionType) {
  return (kind: SignalKind, correlationKey: string, ts: number, evidence: string[], rest: Partial<Signal> = {}): Signal => ({
    kind,
    type,
    detector: name,
    version,
    correlationKey,
    ts,
    evidence,
    ...rest,
  });
}

/** An extra scalar attribute (producers add fields the schema does not name; they are accepted as scalars). */
export function extraAttr(attrs: object, name: string): string | number | boolean | null | undefined {
  return (attrs as Record<string, string | number | boolean | null | undefined>)[name];
}

/** Parses an ISO date or date-time; a bare date means the end of that UTC day (the promise holds all day). */
export function parseDeadline(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return undefined;
  return value.length === 10 ? ms + 86_400_000 - 1 : ms;
}
