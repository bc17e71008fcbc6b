// Shared state of one simulation run: the clock, the task queue, the output buffer, the fault
// ledger and the business state each model (orders, stock, telemetry) reads and changes.
import type { CtEvent, EventType } from '../events/schema.ts';
import type { SimConfig } from './config.ts';
import { FaultLedger, labelOf, type Fault } from './faults.ts';
import type { Rng } from './prng.ts';
import { TaskQueue } from './queue.ts';
import type { Carrier, CarrierService, Channel, Customer, Sku, World } from './world.ts';

export type HoldCode = 'credit' | 'pricing' | 'tax' | 'compliance' | 'manual';
export type Source = CtEvent['source'];

export interface SimEventInput {
  type: EventType;
  source: Source;
  orderId?: string;
  lineId?: string;
  customerId?: string;
  sku?: string;
  warehouse?: string;
  carrier?: string;
  shipmentId?: string;
  interface?: string;
  qty?: number;
  amount?: number;
  attrs: Record<string, unknown>;
}

export interface OrderLine {
  lineId: string;
  sku: Sku;
  qty: number;
  unitPrice: number;
  contractPrice: number;
  /** Warehouse index each allocated quantity sits in, and how much of it is not picked yet. */
  allocatedUnpicked: Map<number, number>;
  /** Quantity waiting for stock (backordered or picked short). */
  waiting: number;
  /** Picked, not shipped, per warehouse. */
  staged: Map<number, number>;
  shipped: number;
}

export interface Order {
  id: string;
  customer: Customer;
  channel: Channel;
  poNumber: string;
  createdTs: number;
  promisedShipTs: number;
  shipComplete: boolean;
  lines: OrderLine[];
  hold: HoldCode | null;
  /** Holds still to pass before fulfilment (tax after credit). */
  pendingTaxHold: Fault | null;
  cancelled: boolean;
  firstShipTs?: number;
  shipments: string[];
  lateInjected: boolean;
  splitFault: Fault | null;
  delayFault: Fault | null;
  /** Faults whose consequence a later exception of another type would be. */
  causes: Fault[];
  mispricedLines: Set<string>;
}

export interface Stock {
  sku: Sku;
  wh: number;
  /** Physical on hand, as the WMS counts it. */
  phys: number;
  /** On hand as the ERP believes; equals phys except while a sync is stale. */
  erpOnHand: number;
  /** Allocated, not yet picked. */
  reserved: number;
  onOrder: number;
  reorderPoint: number;
  orderUpTo: number;
  waiting: { order: Order; line: OrderLine; qty: number }[];
  backorderFault: Fault | null;
  divergence: { fault: Fault; loss: number } | null;
  /** The last stale sync here: picks against stock it made the ERP promise are its consequence. */
  lastDivergence: Fault | null;
}

export interface Shipment {
  id: string;
  order: Order;
  carrier: Carrier;
  service: CarrierService;
  wh: number;
  shipTs: number;
  eta: number;
  promisedDate: number;
  delivered: boolean;
}

export interface SimContext {
  config: SimConfig;
  world: World;
  rng: Rng;
  queue: TaskQueue;
  ledger: FaultLedger;
  /** Event time of the task being run. */
  now: number;
  out: CtEvent[];
  orders: Map<string, Order>;
  stock: Stock[];
  shipments: Map<string, Shipment>;
  creditEpisodes: Map<string, { fault: Fault; overdue: number; daysPastDue: number; held: Order[] }>;
  /** Recent line-set signatures per customer, to keep normal orders from looking like duplicates. */
  signatures: Map<string, Map<string, number>>;
  carrierOutages: Map<string, { fault: Fault; until: number }>;
  interfaceBursts: Map<string, { fault: Fault; until: number; failShare: number }>;
  /** End of the latest failure burst or retry storm per interface. */
  interfaceFaultUntil: Map<string, number>;
  carrierOverride: Map<string, { to: number; until: number }>;
  counters: Record<string, number>;
  /** Id of the next emitted event; swapped while answering a command so generated ids never shift. */
  newId: () => string;
  emit(input: SimEventInput, label?: Fault | null): CtEvent;
  at(ts: number, run: () => void): void;
  next(counter: string): number;
}

const DAY = 86_400_000;

export function createContext(config: SimConfig, world: World, rng: Rng): SimContext {
  let eventCounter = 0;
  const ctx: SimContext = {
    config,
    world,
    rng,
    queue: new TaskQueue(),
    ledger: new FaultLedger(config.seed),
    now: config.startTs,
    out: [],
    orders: new Map(),
    stock: [],
    shipments: new Map(),
    creditEpisodes: new Map(),
    signatures: new Map(),
    carrierOutages: new Map(),
    interfaceBursts: new Map(),
    interfaceFaultUntil: new Map(),
    carrierOverride: new Map(),
    counters: {},
    newId: () => `sim-${config.seed}-${(eventCounter++).toString(36)}`,
    emit(input, label) {
      const attrs = label ? { ...input.attrs, injected: labelOf(label) } : input.attrs;
      const event = {
        id: ctx.newId(),
        ts: new Date(ctx.now).toISOString(),
        ...input,
        ...(input.amount !== undefined ? { currency: config.currency } : {}),
        attrs,
      } as unknown as CtEvent;
      ctx.out.push(event);
      return event;
    },
    at(ts, run) {
      ctx.queue.push(Math.max(Math.round(ts), ctx.now), run);
    },
    next(counter) {
      return (ctx.counters[counter] = (ctx.counters[counter] ?? 0) + 1);
    },
  };
  return ctx;
}

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export { DAY };

export const round2 = (n: number): number => Math.round(n * 100) / 100;

export function stockOf(ctx: SimContext, skuIndex: number, wh: number): Stock {
  return ctx.stock[skuIndex * ctx.world.warehouses.length + wh];
}

/** Short, stable content hash (FNV-1a) for payload hashes. */
export function fnv(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}
