// Interface and carrier API telemetry: every hop an order takes leaves an
// `integration.message` or `carrier.api_call`. Normal traffic fails rarely (0.2 %) and is
// retried once; injected bursts, retry storms and carrier outages are the only failure clusters.
import { FaultLedger, type Fault } from './faults.ts';
import { fnv, MINUTE, type SimContext, type Source } from './context.ts';

export const INTERFACES = {
  edi_850_inbound: { source: 'edi', direction: 'in', latencyMs: 120, errorCode: 'EDI_997_REJECTED' },
  ecom_api: { source: 'ecom', direction: 'in', latencyMs: 90, errorCode: 'HTTP_502' },
  portal_api: { source: 'crm', direction: 'in', latencyMs: 110, errorCode: 'HTTP_500' },
  erp_order_api: { source: 'erp', direction: 'in', latencyMs: 240, errorCode: 'HTTP_500' },
  middleware_bus: { source: 'middleware', direction: 'out', latencyMs: 35, errorCode: 'BROKER_UNAVAILABLE' },
  wms_inventory_sync: { source: 'wms', direction: 'out', latencyMs: 400, errorCode: 'SYNC_TIMEOUT' },
  tms_api: { source: 'tms', direction: 'out', latencyMs: 260, errorCode: 'HTTP_503' },
} as const satisfies Record<string, { source: Source; direction: 'in' | 'out'; latencyMs: number; errorCode: string }>;

export type InterfaceName = keyof typeof INTERFACES;
export const INTERFACE_NAMES = Object.keys(INTERFACES) as InterfaceName[];

/** Background failure rate of healthy interfaces and carrier APIs. */
export const NORMAL_FAILURE_RATE = 0.002;
const MAX_RETRIES = 5;

export interface MessageKeys {
  orderId?: string;
  customerId?: string;
  warehouse?: string;
  shipmentId?: string;
  payloadHash?: string;
}

function latency(ctx: SimContext, base: number): number {
  return Math.round(base * (0.6 + ctx.rng.next() * 0.8));
}

/** One message over an interface; a failure is retried later with the same messageId. */
export function sendMessage(ctx: SimContext, name: InterfaceName, keys: MessageKeys, opts: { retry?: number; messageId?: string; label?: Fault } = {}): void {
  const spec = INTERFACES[name];
  const { payloadHash, ...joinKeys } = keys;
  const retry = opts.retry ?? 0;
  const messageId = opts.messageId ?? `MSG-${ctx.next('msg')}`;
  const burst = ctx.interfaceBursts.get(name);
  const inBurst = burst !== undefined && ctx.now < burst.until;
  let ok: boolean;
  let label: Fault | undefined = opts.label;
  if (inBurst && ctx.rng.chance(burst.failShare)) {
    ok = false;
    label = burst.fault;
    if (keys.orderId) FaultLedger.addOrder(burst.fault, keys.orderId);
  } else {
    ok = !(label === undefined && retry === 0 && ctx.rng.chance(NORMAL_FAILURE_RATE));
    // A retry of a message the burst failed carries the burst's signal even once it succeeds.
    if (inBurst && retry > 0 && label === undefined) label = burst.fault;
  }
  ctx.emit(
    {
      type: 'integration.message',
      source: spec.source,
      interface: name,
      ...joinKeys,
      attrs: {
        direction: spec.direction,
        ok,
        latencyMs: ok ? latency(ctx, spec.latencyMs) : latency(ctx, spec.latencyMs * 20),
        ...(ok ? {} : { errorCode: spec.errorCode }),
        retry,
        messageId,
        ...(payloadHash ? { payloadHash } : {}),
      },
    },
    label,
  );
  if (!ok && retry < MAX_RETRIES) {
    const delay = label ? ctx.rng.between(0.5, 2) * MINUTE : ctx.rng.between(20_000, 60_000);
    const failedBy = label;
    ctx.at(ctx.now + delay, () => sendMessage(ctx, name, keys, { retry: retry + 1, messageId, ...(failedBy ? { label: failedBy } : {}) }));
  }
}

/**
 * Two failure episodes on one interface that overlap or follow within this quiet time are one
 * incident to anyone watching the telemetry (and to the detector), so the twin does not start a
 * second one: its ground truth stays one fault per incident a person could tell apart.
 */
const INTERFACE_QUIET_MS = 30 * MINUTE;

function interfaceStillTroubled(ctx: SimContext, name: string): boolean {
  const until = ctx.interfaceFaultUntil.get(name);
  return until !== undefined && ctx.now < until + INTERFACE_QUIET_MS;
}

/** Starts a failure burst on one interface: a share of its messages fail for several minutes. */
export function startInterfaceBurst(ctx: SimContext): void {
  const weights = ['erp_order_api', 'middleware_bus', 'tms_api', 'edi_850_inbound', 'ecom_api', 'wms_inventory_sync'] as const;
  const name = ctx.rng.pick(weights);
  if (interfaceStillTroubled(ctx, name)) return;
  const duration = ctx.rng.between(5, 20) * MINUTE;
  ctx.interfaceFaultUntil.set(name, ctx.now + duration);
  const fault = ctx.ledger.open('integration_failure', 'failure_burst', ctx.now, { interface: name }, { injected: true });
  fault.endTs = ctx.now + duration;
  ctx.interfaceBursts.set(name, { fault, until: ctx.now + duration, failShare: ctx.rng.between(0.5, 0.9) });
  ctx.at(ctx.now + duration, () => ctx.ledger.discardIfSilent(fault));
}

/** A retry storm: a few poison messages retried every few seconds until dead-lettered. */
export function startRetryStorm(ctx: SimContext): void {
  const name = ctx.rng.pick(['middleware_bus', 'erp_order_api', 'tms_api', 'wms_inventory_sync'] as const);
  if (interfaceStillTroubled(ctx, name)) return;
  const duration = ctx.rng.between(5, 15) * MINUTE;
  const until = ctx.now + duration;
  ctx.interfaceFaultUntil.set(name, until);
  const fault = ctx.ledger.open('integration_failure', 'retry_storm', ctx.now, { interface: name }, { injected: true });
  fault.endTs = until;
  const spec = INTERFACES[name];
  const poison = ctx.rng.int(3, 10);
  for (let i = 0; i < poison; i++) {
    const messageId = `MSG-${ctx.next('msg')}`;
    const payloadHash = fnv(messageId);
    const attempt = (retry: number): void => {
      const last = ctx.now >= until;
      ctx.emit(
        {
          type: 'integration.message',
          source: spec.source,
          interface: name,
          attrs: { direction: spec.direction, ok: false, latencyMs: latency(ctx, spec.latencyMs * 10), errorCode: last ? 'DEAD_LETTER' : 'HTTP_409', retry, messageId, payloadHash },
        },
        fault,
      );
      if (!last) ctx.at(ctx.now + ctx.rng.between(2_000, 8_000), () => attempt(retry + 1));
    };
    ctx.at(ctx.now + ctx.rng.between(0, 5_000), () => attempt(0));
  }
}

/** One carrier API call; during an outage it fails and is retried after the outage. */
export function carrierCall(ctx: SimContext, carrierIndex: number, operation: 'rate' | 'label' | 'track', keys: { orderId?: string; shipmentId?: string }, retry = 0): void {
  const carrier = ctx.world.carriers[carrierIndex];
  const outage = ctx.carrierOutages.get(carrier.code);
  const down = outage !== undefined && ctx.now < outage.until;
  const ok = !down && !(retry === 0 && ctx.rng.chance(NORMAL_FAILURE_RATE));
  if (down && keys.orderId) FaultLedger.addOrder(outage.fault, keys.orderId);
  ctx.emit(
    {
      type: 'carrier.api_call',
      source: 'carrier',
      carrier: carrier.code,
      ...keys,
      attrs: {
        operation,
        ok,
        latencyMs: down ? 30_000 : latency(ctx, carrier.latencyMs * (ok ? 1 : 5)),
        ...(ok ? {} : { errorCode: down ? ctx.rng.pick(['HTTP_503', 'ETIMEDOUT', 'ECONNRESET']) : 'HTTP_429' }),
        retry,
      },
    },
    down ? outage.fault : null,
  );
  if (!ok && retry < MAX_RETRIES) {
    const after = down ? outage.until + ctx.rng.between(5_000, 60_000) : ctx.now + ctx.rng.between(10_000, 30_000);
    ctx.at(after, () => carrierCall(ctx, carrierIndex, operation, keys, retry + 1));
  }
}

export function startCarrierOutage(ctx: SimContext): void {
  const index = ctx.rng.int(0, ctx.world.carriers.length - 1);
  const code = ctx.world.carriers[index].code;
  if (ctx.carrierOutages.has(code) && ctx.now < ctx.carrierOutages.get(code)!.until) return;
  const until = ctx.now + ctx.rng.between(3, 10) * MINUTE;
  const fault = ctx.ledger.open('carrier_failure', 'carrier_outage', ctx.now, { carrier: code }, { injected: true });
  fault.endTs = until;
  ctx.carrierOutages.set(code, { fault, until });
  ctx.at(until, () => ctx.ledger.discardIfSilent(fault));
}
