// Contract prices: list price less the customer's contract discount and any seasonal
// promotion on the sku's category that week. Normal orders are priced exactly at contract.
import { deriveSeed } from './prng.ts';
import { DAY, round2, type SimContext } from './context.ts';
import type { Customer, Sku } from './world.ts';

/** Net margin below which a line is a pricing exception (after rebate). */
export const MARGIN_FLOOR = 0.05;

/** Seasonal promotions: each week a few categories run 3–5 % off. */
export function promotionPct(seed: number, category: number, ts: number): number {
  const week = Math.floor(ts / (7 * DAY));
  const h = deriveSeed(seed, `promo-${week}-${category}`);
  return h % 4 === 0 ? 0.03 + ((h >>> 8) % 3) / 100 : 0;
}

export function contractPrice(ctx: SimContext, customer: Customer, sku: Sku): number {
  const promo = promotionPct(ctx.config.seed, sku.category, ctx.now);
  return round2(sku.listPrice * (1 - customer.contractDiscount) * (1 - promo));
}

/** A price that matches a stale price list or a manual override: at least 6 % off contract either way. */
export function mismatchedPrice(ctx: SimContext, contract: number): number {
  return ctx.rng.chance(0.5) ? round2(contract * ctx.rng.between(1.06, 1.2)) : round2(contract * ctx.rng.between(0.8, 0.94));
}

/** A stacked promotion that puts the contract price itself below the margin floor. */
export function belowFloorPrice(ctx: SimContext, sku: Sku): number {
  return round2(sku.unitCost * ctx.rng.between(0.9, 1.02));
}
