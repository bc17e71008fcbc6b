// Master data of the simulated distributor: warehouses, carriers, catalogue, customers with
// their commercial terms. Built once from the seed; never changes during a run.
import type { CustomerTier } from '../contracts/exception.ts';
import type { SimConfig } from './config.ts';
import { createRng, cumulative, deriveSeed, type Rng } from './prng.ts';

export type Channel = 'edi' | 'ecom' | 'portal' | 'csr';

export interface Warehouse {
  code: string;
  region: string;
  taxJurisdictions: readonly string[];
  city: string;
}

export interface CarrierService {
  level: string;
  transitDays: number;
}

export interface Carrier {
  code: string;
  services: readonly CarrierService[];
  latencyMs: number;
}

export interface Sku {
  id: string;
  index: number;
  category: number;
  unitCost: number;
  listPrice: number;
}

export interface Customer {
  id: string;
  index: number;
  name: string;
  tier: CustomerTier;
  /** Relative ordering frequency. */
  weight: number;
  homeWarehouse: number;
  taxJurisdiction: string;
  city: string;
  channel: Channel;
  /** Contract discount off list price (0–0.10). */
  contractDiscount: number;
  rebatePct: number;
  shipComplete: boolean;
  sameDay: boolean;
  routing: { carrier: number; service: CarrierService };
  /** Typical line quantity; normal lines stay within 0.5–1.5× of it. */
  qtyBase: number;
  paymentDays: readonly [number, number];
  creditLimit: number;
  /** Steady-state receivables the customer carries. */
  steadyExposure: number;
}

export interface World {
  warehouses: Warehouse[];
  carriers: Carrier[];
  skus: Sku[];
  skuCumulative: number[];
  /** Expected order lines per day for each sku (all warehouses). */
  skuDailyLines: number[];
  customers: Customer[];
  customerCumulative: number[];
  /** Share of demand each warehouse serves. */
  warehouseShare: number[];
  meanQty: number;
}

const WAREHOUSES: Warehouse[] = [
  { code: 'DC-ATL', region: 'GA', city: 'Atlanta', taxJurisdictions: ['US-GA-FULTON', 'US-GA-COBB', 'US-FL-DUVAL', 'US-SC-RICHLAND'] },
  { code: 'DC-DAL', region: 'TX', city: 'Dallas', taxJurisdictions: ['US-TX-DALLAS', 'US-TX-HARRIS', 'US-OK-TULSA', 'US-LA-ORLEANS'] },
  { code: 'DC-CHI', region: 'IL', city: 'Chicago', taxJurisdictions: ['US-IL-COOK', 'US-WI-MILWAUKEE', 'US-IN-MARION', 'US-OH-FRANKLIN'] },
  { code: 'DC-RNO', region: 'NV', city: 'Reno', taxJurisdictions: ['US-NV-WASHOE', 'US-CA-SACRAMENTO', 'US-OR-MULTNOMAH', 'US-WA-KING'] },
  { code: 'DC-EWR', region: 'NJ', city: 'Newark', taxJurisdictions: ['US-NJ-ESSEX', 'US-NY-KINGS', 'US-PA-PHILADELPHIA', 'US-MA-SUFFOLK'] },
];

const CARRIERS: Carrier[] = [
  { code: 'UPS', latencyMs: 180, services: [{ level: 'ground', transitDays: 3 }, { level: '2day', transitDays: 2 }, { level: 'next_day', transitDays: 1 }] },
  { code: 'FDX', latencyMs: 220, services: [{ level: 'ground', transitDays: 3 }, { level: '2day', transitDays: 2 }, { level: 'next_day', transitDays: 1 }] },
  { code: 'XPO', latencyMs: 420, services: [{ level: 'ltl', transitDays: 3 }] },
  { code: 'ODFL', latencyMs: 350, services: [{ level: 'ltl', transitDays: 2 }] },
  { code: 'ESTES', latencyMs: 500, services: [{ level: 'ltl', transitDays: 4 }] },
  { code: 'SAIA', latencyMs: 460, services: [{ level: 'ltl', transitDays: 3 }] },
];

const TIERS: { tier: CustomerTier; share: number; weight: number; discount: number; qty: [number, number] }[] = [
  { tier: 'strategic', share: 0.02, weight: 20, discount: 0.1, qty: [12, 24] },
  { tier: 'A', share: 0.1, weight: 5, discount: 0.07, qty: [8, 16] },
  { tier: 'B', share: 0.38, weight: 1.5, discount: 0.04, qty: [4, 10] },
  { tier: 'C', share: 0.5, weight: 0.5, discount: 0, qty: [2, 6] },
];

const NAME_A = ['Acme', 'Summit', 'Harbor', 'Pioneer', 'Keystone', 'Granite', 'Bluewater', 'Redwood', 'Liberty', 'Frontier', 'Cardinal', 'Evergreen'];
const NAME_B = ['Supply', 'Industrial', 'Hardware', 'Foods', 'Medical', 'Building Products', 'Electric', 'Janitorial', 'Auto Parts', 'Office'];

const round2 = (n: number): number => Math.round(n * 100) / 100;

function buildSkus(config: SimConfig, rng: Rng): { skus: Sku[]; weights: number[] } {
  const skus: Sku[] = [];
  const weights: number[] = [];
  for (let i = 0; i < config.skus; i++) {
    const unitCost = round2(Math.exp(rng.between(Math.log(2), Math.log(400))));
    // List price 40–90 % above cost: contract discounts (≤ 11 %) and promotions (≤ 5 %) keep normal margins ≥ 15 %.
    skus.push({ id: `SKU-${10001 + i}`, index: i, category: i % 12, unitCost, listPrice: round2(unitCost * rng.between(1.4, 1.9)) });
    weights.push(1 / Math.pow(i + 1, 0.8));
  }
  return { skus, weights };
}

function buildCustomers(config: SimConfig, rng: Rng, carriers: Carrier[], warehouses: Warehouse[]): Customer[] {
  const customers: Customer[] = [];
  const tierCum = cumulative(TIERS.map((t) => t.share));
  for (let i = 0; i < config.customers; i++) {
    const t = TIERS[rng.weighted(tierCum)];
    const homeWarehouse = rng.int(0, warehouses.length - 1);
    const wh = warehouses[homeWarehouse];
    const channelRoll = rng.next();
    const channel: Channel =
      t.tier === 'strategic' || t.tier === 'A'
        ? channelRoll < 0.75 ? 'edi' : 'portal'
        : t.tier === 'B'
          ? channelRoll < 0.35 ? 'edi' : channelRoll < 0.65 ? 'portal' : channelRoll < 0.9 ? 'ecom' : 'csr'
          : channelRoll < 0.6 ? 'ecom' : channelRoll < 0.8 ? 'csr' : 'portal';
    const carrier = rng.int(0, carriers.length - 1);
    const payment = rng.next();
    customers.push({
      id: `C-${String(10001 + i)}`,
      index: i,
      name: `${rng.pick(NAME_A)} ${rng.pick(NAME_B)} ${i + 1}`,
      tier: t.tier,
      weight: t.weight * rng.between(0.6, 1.4),
      homeWarehouse,
      taxJurisdiction: rng.pick(wh.taxJurisdictions),
      city: wh.city,
      channel,
      contractDiscount: t.discount > 0 ? round2(t.discount + rng.between(-0.01, 0.01) + 1e-9) : 0,
      rebatePct: t.tier === 'strategic' ? 3 : t.tier === 'A' ? 2 : t.tier === 'B' ? 1 : 0,
      shipComplete: rng.chance(t.tier === 'strategic' ? 0.4 : 0.15),
      sameDay: rng.chance(t.tier === 'strategic' ? 0.5 : t.tier === 'A' ? 0.2 : 0.05),
      routing: { carrier, service: rng.pick(carriers[carrier].services) },
      qtyBase: rng.int(t.qty[0], t.qty[1]),
      // prompt, normal or slow payers; all within net-30 terms, so no invoice goes overdue on its own.
      paymentDays: payment < 0.3 ? [5, 12] : payment < 0.8 ? [15, 24] : [24, 29],
      creditLimit: 0,
      steadyExposure: 0,
    });
  }
  return customers;
}

export function buildWorld(config: SimConfig): World {
  const rng = createRng(deriveSeed(config.seed, 'world'));
  const warehouses = WAREHOUSES.slice(0, config.warehouses);
  const carriers = CARRIERS.slice(0, config.carriers);
  const { skus, weights } = buildSkus(config, rng);
  const customers = buildCustomers(config, rng, carriers, warehouses);
  const skuCumulative = cumulative(weights);
  const totalSkuWeight = skuCumulative[skuCumulative.length - 1];
  const skuDailyLines = weights.map((w) => (config.linesPerDay * w) / totalSkuWeight);
  const customerCumulative = cumulative(customers.map((c) => c.weight));
  const totalCustomerWeight = customerCumulative[customerCumulative.length - 1];
  const warehouseShare = warehouses.map(() => 0);
  const meanUnitPrice = skus.reduce((s, k, i) => s + k.listPrice * weights[i], 0) / totalSkuWeight;
  let qtySum = 0;
  for (const c of customers) {
    const share = c.weight / totalCustomerWeight;
    warehouseShare[c.homeWarehouse] += share;
    qtySum += share * c.qtyBase;
    // Receivables ≈ daily order value × mean days to pay; the limit leaves room for any normal order.
    const dailyValue = share * config.linesPerDay * c.qtyBase * meanUnitPrice;
    const daysToPay = (c.paymentDays[0] + c.paymentDays[1]) / 2;
    c.steadyExposure = Math.round(dailyValue * daysToPay);
    const maxOrderValue = 60 * c.qtyBase * 1.5 * 400 * 1.9;
    c.creditLimit = Math.round((c.steadyExposure * 1.5 + maxOrderValue * 2) / 1000) * 1000;
  }
  return { warehouses, carriers, skus, skuCumulative, skuDailyLines, customers, customerCumulative, warehouseShare, meanQty: qtySum };
}
