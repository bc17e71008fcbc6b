// The ground-truth ledger: every exception situation the simulator produces — injected on
// purpose or arising from its own dynamics — is one fault here, and each event that carries
// its signal gets the label `attrs.injected = { type, faultId }`. Scoring only: detectors never read it.
import type { ExceptionType } from '../contracts/exception.ts';

export interface FaultKeys {
  orderIds?: string[];
  customerId?: string;
  sku?: string;
  warehouse?: string;
  carrier?: string;
  interface?: string;
  shipmentIds?: string[];
}

export interface Fault {
  faultId: string;
  type: ExceptionType;
  /** Finer cause, e.g. `carrier_outage`, `failed_delivery`, `edi_retry`, `natural_stockout`. */
  kind: string;
  /** Event time the exception begins (epoch ms). */
  startTs: number;
  /** Event time its condition ended, when known. */
  endTs?: number;
  /** True when injected on purpose, false when it arose from the model's own dynamics. */
  injected: boolean;
  /** The fault that caused this one, when one root cause shows as two exception types. */
  causeFaultId?: string;
  keys: FaultKeys;
  /** Number of events labelled with this fault. */
  events: number;
}

export interface FaultLabel {
  type: ExceptionType;
  faultId: string;
}

export class FaultLedger {
  readonly faults: Fault[] = [];
  private counter = 0;

  constructor(private readonly seed: number) {}

  open(type: ExceptionType, kind: string, startTs: number, keys: FaultKeys, opts: { injected: boolean; causeFaultId?: string }): Fault {
    const fault: Fault = {
      faultId: `flt-${this.seed}-${++this.counter}`,
      type,
      kind,
      startTs,
      injected: opts.injected,
      ...(opts.causeFaultId ? { causeFaultId: opts.causeFaultId } : {}),
      keys,
      events: 0,
    };
    this.faults.push(fault);
    return fault;
  }

  /** Forgets a fault that left no trace at all (e.g. a burst on an interface that carried no traffic meanwhile). */
  discardIfSilent(fault: Fault): void {
    if (fault.events > 0) return;
    const i = this.faults.indexOf(fault);
    if (i >= 0) this.faults.splice(i, 1);
  }

  static addOrder(fault: Fault, orderId: string): void {
    const ids = (fault.keys.orderIds ??= []);
    if (!ids.includes(orderId)) ids.push(orderId);
  }

  static addShipment(fault: Fault, shipmentId: string): void {
    const ids = (fault.keys.shipmentIds ??= []);
    if (!ids.includes(shipmentId)) ids.push(shipmentId);
  }
}

/** The label for an event that carries the fault's signal. */
export function labelOf(fault: Fault): FaultLabel {
  fault.events++;
  return { type: fault.type, faultId: fault.faultId };
}
