// Marketing campaigns: a seeded calendar of promotions, who each one targets, and when they first see it.

import { MARKETING_CHANNELS, type MarketingChannel } from '../config/sections.js';
import type { DISCOUNT_TYPES } from '../events/types.js';
import { hashKey, mix32, Rng } from '../random.js';
import { DAY_MS, partsOf } from './calendar.js';
import type { SimContext } from './context.js';

export type DiscountType = (typeof DISCOUNT_TYPES)[number];

export interface Campaign {
  id: string;
  promoCode: string;
  startDay: number;
  /** Last day, inclusive. */
  endDay: number;
  categories: ReadonlySet<number>;
  discountType: DiscountType;
  /** Percent off (PERCENTAGE) or cents off (FIXED_AMOUNT); unused for BOGO. */
  discountValue: number;
  channels: readonly MarketingChannel[];
  /** Share of customers the campaign targets. */
  reach: number;
  /** Hash bases for targeting and first-impression times. */
  targetBase: number;
  firstBase: number;
}

const PER_MONTH = 3;
const FIRST_WINDOW_DAYS = 7;
/** Share of the daily impression budget spent on first impressions (the rest are repeats). */
export const FIRST_SHARE = 0.35;
/** Chance that a targeted customer who buys a promoted product redeems the promotion. */
export const REDEEM_CHANCE = 0.4;

const monthCache = new WeakMap<SimContext, Map<string, Campaign[]>>();

/** Campaigns starting in a month (year, month 1-12), generated from their own stream. */
export function campaignsStartingIn(ctx: SimContext, year: number, month: number): Campaign[] {
  const key = `${year}-${month}`;
  let byMonth = monthCache.get(ctx);
  if (!byMonth) {
    byMonth = new Map();
    monthCache.set(ctx, byMonth);
  }
  const cached = byMonth.get(key);
  if (cached) return cached;
  const rng = Rng.of(ctx.seed, 'campaigns', year, month);
  const first = Math.floor(Date.UTC(year, month - 1, 1) / DAY_MS);
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const customers = Math.max(1, ctx.world.customers.count);
  const budget = ctx.config.volume.marketing_impressions_per_day;
  const out: Campaign[] = [];
  for (let k = 1; k <= PER_MONTH; k++) {
    const startDay = first + rng.int(0, days - 1);
    const length = rng.int(14, 28);
    const cats = new Set<number>();
    const nCats = rng.int(1, 3);
    while (cats.size < nCats) cats.add(rng.int(0, ctx.categories.length - 1));
    const kind = rng.next();
    const discountType: DiscountType = kind < 0.55 ? 'PERCENTAGE' : kind < 0.85 ? 'FIXED_AMOUNT' : 'BOGO';
    const discountValue =
      discountType === 'PERCENTAGE'
        ? rng.pick([10, 15, 20, 25, 30])
        : discountType === 'FIXED_AMOUNT'
          ? rng.pick([50, 100, 200, 300, 500])
          : 0;
    const channels = [...new Set(Array.from({ length: rng.int(1, 3) }, () => rng.pick(MARKETING_CHANNELS)))];
    const id = `CMP-${year}${String(month).padStart(2, '0')}-${k}`;
    const code =
      discountType === 'PERCENTAGE'
        ? `SAVE${discountValue}`
        : discountType === 'FIXED_AMOUNT'
          ? `TAKE${discountValue / 100}`
          : 'BOGO';
    out.push({
      id,
      promoCode: `${code}-${String(year).slice(2)}${String(month).padStart(2, '0')}${k}`,
      startDay,
      endDay: startDay + length - 1,
      categories: cats,
      discountType,
      discountValue,
      channels,
      // Sized so first impressions of ~PER_MONTH overlapping campaigns use FIRST_SHARE of the budget.
      reach: Math.min(0.5, (FIRST_SHARE * budget * FIRST_WINDOW_DAYS) / (customers * PER_MONTH)),
      targetBase: hashKey(ctx.seed, id, 'target'),
      firstBase: hashKey(ctx.seed, id, 'first'),
    });
  }
  byMonth.set(key, out);
  return out;
}

/** Campaigns running on a day (they start at most 28 days before it). */
export function activeCampaigns(ctx: SimContext, day: number): Campaign[] {
  const { year, month } = partsOf(day);
  const prev = month === 1 ? [year - 1, 12] : [year, month - 1];
  return [...campaignsStartingIn(ctx, prev[0], prev[1]), ...campaignsStartingIn(ctx, year, month)].filter(
    (c) => c.startDay <= day && day <= c.endDay,
  );
}

/** True when the campaign targets the customer. */
export function isTargeted(c: Campaign, customerId: number): boolean {
  return mix32(c.targetBase, customerId) / 4294967296 < c.reach;
}

/** UTC ms of the customer's first impression of a campaign (within its first week). */
export function firstImpressionAt(c: Campaign, customerId: number): number {
  const h = mix32(c.firstBase, customerId);
  const window = Math.min(FIRST_WINDOW_DAYS, c.endDay - c.startDay + 1) * DAY_MS;
  return c.startDay * DAY_MS + Math.floor((h / 4294967296) * window);
}

/** Price in cents of one unit after the campaign's discount (BOGO: half price for two units). */
export function discountedCents(c: Campaign, priceCents: number): number {
  switch (c.discountType) {
    case 'PERCENTAGE':
      return Math.round((priceCents * (100 - c.discountValue)) / 100);
    case 'FIXED_AMOUNT':
      return Math.max(Math.ceil(priceCents / 2), priceCents - c.discountValue);
    case 'BOGO':
      return Math.ceil(priceCents / 2);
  }
}
