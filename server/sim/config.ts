// Simulator configuration: parsed once with zod so that a bad key is named in the error.
// Every size and fault rate has a documented default (see server/sim/README.md).
import { z } from 'zod';

const share = z.number().min(0).max(1);
const perDay = z.number().min(0).max(1000);

/** Fault rates. `share` keys are probabilities per order/shipment; `PerDay` keys are mean episodes per simulated day. */
export const faultRatesSchema = z
  .object({
    /** share of orders whose line finds its warehouse stocked out (a backorder episode). */
    backorder: share.default(0.008),
    /** stale ERP↔WMS stock sync episodes per day (one sku × warehouse each). */
    inventorySyncPerDay: perDay.default(4),
    /** share of orders priced off contract (price list not updated / manual override). */
    contractPriceMismatch: share.default(0.004),
    /** share of orders with a line priced at contract but below the margin floor (stacked promotion). */
    marginBelowFloor: share.default(0.002),
    /** share of orders that start a customer credit-hold episode (overdue invoice). */
    creditHold: share.default(0.003),
    /** share of orders whose warehouse ships them after the promised ship date. */
    lateShipment: share.default(0.004),
    /** share of shipments whose ETA slips past the promised delivery date. */
    etaSlip: share.default(0.004),
    /** carrier API outages (a few minutes, one carrier) per day. */
    carrierOutagesPerDay: perDay.default(1),
    /** share of shipments with a failed delivery attempt. */
    failedDelivery: share.default(0.003),
    /** share of EDI orders the trading partner sends twice (EDI retry). */
    ediRetryDuplicate: share.default(0.004),
    /** share of eCommerce orders replayed after an API timeout. */
    apiReplayDuplicate: share.default(0.004),
    /** share of orders whose ship-to has no tax jurisdiction. */
    missingTaxJurisdiction: share.default(0.002),
    /** share of multi-line ship-complete orders shipped split. */
    splitShipment: share.default(0.02),
    /** interface failure bursts per day. */
    interfaceBurstsPerDay: perDay.default(3),
    /** retry storms per day. */
    retryStormsPerDay: perDay.default(1),
    /** share of orders with a quantity far outside the customer's history. */
    anomalousQuantity: share.default(0.001),
  })
  .strict();

export type FaultRates = z.infer<typeof faultRatesSchema>;

export const simConfigSchema = z
  .object({
    seed: z.number().int().min(0).max(0xffffffff).default(1),
    /** Start of simulated time (epoch ms or ISO-8601). */
    startTs: z.union([z.number().int().min(0), z.iso.datetime({ offset: true }).transform((iso) => Date.parse(iso))]),
    linesPerDay: z.number().int().min(100).max(5_000_000).default(80_000),
    meanLinesPerOrder: z.number().min(1.5).max(30).default(8),
    customers: z.number().int().min(20).max(100_000).default(1200),
    skus: z.number().int().min(50).max(200_000).default(2000),
    warehouses: z.number().int().min(3).max(5).default(4),
    carriers: z.number().int().min(3).max(6).default(5),
    /** Every sku × warehouse is snapshotted by ERP and WMS once per interval (staggered). */
    snapshotIntervalMinutes: z.number().int().min(5).max(24 * 60).default(120),
    currency: z.string().regex(/^[A-Z]{3}$/).default('USD'),
    faultRates: faultRatesSchema.default(faultRatesSchema.parse({})),
  })
  .strict();

export type SimConfigInput = z.input<typeof simConfigSchema>;
export type SimConfig = z.infer<typeof simConfigSchema>;

export class SimConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SimConfigError';
  }
}

/** Parses a config; the error names each bad key (`faultRates.backorder: too big …`). */
export function parseSimConfig(input: unknown): SimConfig {
  const parsed = simConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues
    .map((issue) => {
      const path = issue.path.map(String).join('.');
      const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.map((k) => (path ? `${path}.${k}` : k)).join(', ')})` : '';
      return `${path || '(config)'}: ${issue.message}${keys}`;
    })
    .join('; ');
  throw new SimConfigError(`invalid simulator config: ${details}`);
}
