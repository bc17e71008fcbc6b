// The common event model v1 (DESIGN.md §3). Every input format is turned into these
// events; everything downstream (pipeline, detectors, KPIs) reads only this shape.
import { z } from 'zod';

export const EVENT_SOURCES = ['erp', 'wms', 'tms', 'crm', 'edi', 'ecom', 'carrier', 'middleware', 'sim'] as const;

export const EXCEPTION_TYPES = [
  'backorder',
  'inventory_sync_divergence',
  'pricing_discrepancy',
  'credit_hold',
  'shipment_delay',
  'carrier_failure',
  'duplicate_order',
  'missing_master_data',
  'routing_violation',
  'integration_failure',
  'order_anomaly',
] as const;

const MAX_KEY = 256;
const key = z.string().min(1).max(MAX_KEY);
const money = z.number().finite();
const quantity = z.number().finite().min(0);
// Event time: ISO-8601 with a zone (Z or ±hh:mm); normalised to UTC milliseconds.
const isoTime = z.iso.datetime({ offset: true });
const isoDateOrTime = z.union([isoTime, z.iso.date()]);
const scalar = z.union([z.string().max(4096), z.number().finite(), z.boolean(), z.null()]);

/** Ground-truth label the simulator puts on events that carry an injected fault. Scoring only: detectors never read it. */
export const injectedLabel = z.object({ type: z.enum(EXCEPTION_TYPES), faultId: key }).strict();

// Attributes of every type may carry extra scalar fields (producers differ); the named ones are typed.
// The TypeScript type keeps only the named fields (an index signature of scalars would
// clash with `lines` and `shipTo`); extra scalar fields are still accepted at run time.
const attrs = <T extends z.ZodRawShape>(shape: T) => {
  const named = z.object({ ...shape, injected: injectedLabel.optional() });
  return named.catchall(scalar) as unknown as typeof named;
};

const orderLine = z
  .object({ lineId: key, sku: key, qty: quantity, unitPrice: money.min(0).optional(), uom: z.string().max(16).optional() })
  .catchall(scalar);

const shipTo = z
  .object({
    name: z.string().max(256).optional(),
    street: z.string().max(256).optional(),
    city: z.string().max(128).optional(),
    region: z.string().max(64).optional(),
    postalCode: z.string().max(32).optional(),
    country: z.string().max(64).optional(),
    taxJurisdiction: z.string().max(64).optional(),
  })
  .catchall(scalar);

const holdCode = z.enum(['credit', 'pricing', 'tax', 'compliance', 'manual']);

/** attrs schema per event type. */
export const ATTRS_BY_TYPE = {
  'order.created': attrs({
    channel: z.enum(['edi', 'ecom', 'portal', 'csr']).optional(),
    poNumber: z.string().max(MAX_KEY).optional(),
    lines: z.array(orderLine).min(1).max(10_000),
    requestedShipDate: isoDateOrTime.optional(),
    promisedShipDate: isoDateOrTime.optional(),
    shipComplete: z.boolean().optional(),
    shipTo: shipTo.optional(),
    // Customer master facts the ERP knows at order entry; triage ranks by them.
    customerTier: z.enum(['strategic', 'A', 'B', 'C']).optional(),
    sameDay: z.boolean().optional(),
  }),
  'order.priced': attrs({
    lineId: key.optional(),
    unitPrice: money,
    contractPrice: money.optional(),
    listPrice: money.optional(),
    unitCost: money.optional(),
  }),
  'order.credit_checked': attrs({
    result: z.enum(['approved', 'hold']),
    exposure: money.optional(),
    creditLimit: money.optional(),
    overdueBalance: money.optional(),
    daysPastDue: z.number().int().min(0).optional(),
  }),
  'order.held': attrs({ holdCode }),
  'order.released': attrs({ holdCode }),
  'order.cancelled': attrs({}),
  'order.invoiced': attrs({}),
  'payment.received': attrs({}),
  'payment.overdue': attrs({}),
  'inventory.allocated': attrs({ lineId: key.optional(), qtyAllocated: quantity, qtyBackordered: quantity }),
  'inventory.snapshot': attrs({ system: z.enum(['erp', 'wms']), onHand: z.number().finite(), available: z.number().finite() }),
  'inventory.replenished': attrs({ qty: quantity.optional() }),
  'pick.completed': attrs({ lineId: key.optional(), qtyPicked: quantity, qtyShort: quantity.optional() }),
  'pick.short': attrs({ lineId: key.optional(), qtyPicked: quantity, qtyShort: quantity }),
  'shipment.created': attrs({ lines: z.array(z.object({ lineId: key, qty: quantity }).catchall(scalar)).min(1).max(10_000) }),
  'shipment.status': attrs({
    status: z.enum(['in_transit', 'delayed', 'failed_delivery', 'delivered']),
    eta: isoDateOrTime.optional(),
    promisedDate: isoDateOrTime.optional(),
    reason: z.string().max(512).optional(),
  }),
  'carrier.api_call': attrs({
    operation: z.enum(['rate', 'label', 'track']),
    ok: z.boolean(),
    latencyMs: z.number().finite().min(0).optional(),
    errorCode: z.string().max(128).optional(),
  }),
  'integration.message': attrs({
    direction: z.enum(['in', 'out']),
    ok: z.boolean(),
    latencyMs: z.number().finite().min(0).optional(),
    errorCode: z.string().max(128).optional(),
    retry: z.number().int().min(0).optional(),
    messageId: z.string().max(MAX_KEY).optional(),
    payloadHash: z.string().max(MAX_KEY).optional(),
  }),
} as const;

export type EventType = keyof typeof ATTRS_BY_TYPE;
export const EVENT_TYPES = Object.keys(ATTRS_BY_TYPE) as EventType[];

/** Keys that must be present for an event of a type to mean anything to the detectors. */
const REQUIRED_KEYS: Partial<Record<EventType, readonly (keyof BaseFields)[]>> = {
  'order.created': ['orderId', 'customerId'],
  'order.priced': ['orderId'],
  'order.credit_checked': ['orderId', 'customerId'],
  'order.held': ['orderId'],
  'order.released': ['orderId'],
  'order.cancelled': ['orderId'],
  'order.invoiced': ['orderId'],
  'payment.received': ['customerId'],
  'payment.overdue': ['customerId'],
  'inventory.allocated': ['orderId', 'sku', 'warehouse'],
  'inventory.snapshot': ['sku', 'warehouse'],
  'inventory.replenished': ['sku', 'warehouse'],
  'pick.completed': ['orderId', 'sku', 'warehouse'],
  'pick.short': ['orderId', 'sku', 'warehouse'],
  'shipment.created': ['orderId', 'shipmentId'],
  'shipment.status': ['shipmentId'],
  'carrier.api_call': ['carrier'],
  'integration.message': ['interface'],
};

const baseShape = {
  id: key,
  ts: isoTime,
  source: z.enum(EVENT_SOURCES),
  orderId: key.optional(),
  lineId: key.optional(),
  customerId: key.optional(),
  sku: key.optional(),
  warehouse: key.optional(),
  carrier: key.optional(),
  shipmentId: key.optional(),
  interface: key.optional(),
  qty: z.number().finite().optional(),
  amount: money.optional(),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be a 3-letter ISO 4217 code').optional(),
};

type BaseFields = z.infer<z.ZodObject<typeof baseShape>>;

type AttrsOf<T extends EventType> = z.infer<(typeof ATTRS_BY_TYPE)[T]>;

/** A validated event: `ts` is normalised to UTC ISO with milliseconds. */
export type CtEvent = {
  [T in EventType]: BaseFields & { type: T; attrs: AttrsOf<T> };
}[EventType];

export type EventOf<T extends EventType> = Extract<CtEvent, { type: T }>;

const schemaByType = Object.fromEntries(
  EVENT_TYPES.map((type) => [
    type,
    z
      .object({ ...baseShape, type: z.literal(type), attrs: (ATTRS_BY_TYPE[type] as z.ZodType).default({}) })
      .strict()
      .superRefine((event, ctx) => {
        for (const field of REQUIRED_KEYS[type] ?? []) {
          if (event[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: `required for ${type}` });
        }
      }),
  ]),
) as unknown as Record<EventType, z.ZodType<CtEvent>>;

export type ValidationResult = { ok: true; event: CtEvent } | { ok: false; error: string };

export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part)), '');
}

/** Names every wrong field: `attrs.lines[0].qty: expected number, received string`. */
export function formatIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${formatPath(issue.path) || '(event)'}: ${issue.message}`).join('; ');
}

/** Validates one untrusted value as an event; the error names the field and what is wrong. */
export function validateEvent(input: unknown): ValidationResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, error: `(event): expected an object, received ${input === null ? 'null' : Array.isArray(input) ? 'array' : typeof input}` };
  }
  const type = (input as { type?: unknown }).type;
  if (typeof type !== 'string') return { ok: false, error: 'type: required string' };
  if (!Object.hasOwn(schemaByType, type)) {
    return { ok: false, error: `type: unknown event type '${type.slice(0, 64)}'` };
  }
  const parsed = schemaByType[type as EventType].safeParse(input);
  if (!parsed.success) return { ok: false, error: formatIssues(parsed.error) };
  return { ok: true, event: normalise(parsed.data) };
}

// Most producers already send UTC with milliseconds; only other forms pay for a Date round trip.
const CANONICAL_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

function normalise(event: CtEvent): CtEvent {
  if (!CANONICAL_UTC.test(event.ts)) event.ts = new Date(event.ts).toISOString();
  if (event.lineId === undefined) {
    const lineIdInAttrs = (event.attrs as { lineId?: string }).lineId;
    if (lineIdInAttrs !== undefined) event.lineId = lineIdInAttrs;
  }
  return event;
}
