// The marketing-day: ad impressions of the running campaigns, each targeted customer's first one on its
// scheduled day and repeats after it. Impressions carry the customer's ad id.

import { hashKey, mix32, Rng } from '../random.js';
import { adIdOf } from '../world/ids.js';
import { DAY_MS, dayProfile, ymdOf } from './calendar.js';
import { activeCampaigns, FIRST_SHARE, firstImpressionAt, isTargeted } from './campaigns.js';
import type { SimContext } from './context.js';
import { EventBuffer, type SimEvent } from './event-buffer.js';

const DEVICES = [
  ['MOBILE', 0.6],
  ['DESKTOP', 0.28],
  ['TABLET', 0.12],
] as const;

function device(rng: Rng): 'MOBILE' | 'DESKTOP' | 'TABLET' {
  const x = rng.next();
  return x < DEVICES[0][1] ? 'MOBILE' : x < DEVICES[0][1] + DEVICES[1][1] ? 'DESKTOP' : 'TABLET';
}

/**
 * All impressions of a UTC day, in time order with stable ids; `keep` filters customers (for shards) after
 * ids are given, so a shard's impressions carry the ids of a full run.
 */
export function simulateMarketingDay(ctx: SimContext, day: number, keep?: (customerId: number) => boolean): SimEvent[] {
  const buf = new EventBuffer('online', 'mk', day);
  const campaigns = activeCampaigns(ctx, day);
  const dayStart = day * DAY_MS;
  const dayEnd = dayStart + DAY_MS;
  const costs = ctx.config.marketing_cost;
  const mult = { MOBILE: costs.mobile_multiplier, TABLET: costs.tablet_multiplier, DESKTOP: costs.desktop_multiplier };
  const n = ctx.world.customers.count;
  const rng = Rng.of(ctx.seed, 'marketing', day);
  let seq = 0;
  const ymd = ymdOf(day);
  const impression = (c: (typeof campaigns)[number], customerId: number, at: number) => {
    const channel = c.channels[mix32(hashKey(c.id), customerId + seq) % c.channels.length];
    const dev = device(rng);
    const cost = rng.range(costs[`${channel}_cost_min`], costs[`${channel}_cost_max`]) * mult[dev];
    seq++;
    buf.add(
      'ad_impression',
      at,
      {
        channel: channel.toUpperCase(),
        campaign_id: c.id,
        creative_id: `${c.id}-CR${1 + (customerId % 4)}`,
        customer_ad_id: adIdOf(ctx.seed, customerId),
        customer_id: customerId,
        impression_id: `IMP-${ymd}-${seq}`,
        cost: Math.round(cost * 10_000) / 10_000,
        device_type: dev,
      },
      buf.trace(at),
      c.id,
    );
  };
  for (const c of campaigns) {
    for (let customerId = 1; customerId <= n; customerId++) {
      if (!isTargeted(c, customerId)) continue;
      const at = firstImpressionAt(c, customerId);
      if (at >= dayStart && at < dayEnd) impression(c, customerId, at);
    }
  }
  if (campaigns.length > 0) {
    const repeats = rng.poisson(
      ctx.config.volume.marketing_impressions_per_day * (1 - FIRST_SHARE) * dayProfile(day).online,
    );
    for (let i = 0; i < repeats; i++) {
      const c = campaigns[rng.int(0, campaigns.length - 1)];
      const at = dayStart + Math.floor(rng.next() * DAY_MS);
      for (let tries = 0; tries < 400; tries++) {
        const customerId = rng.int(1, n);
        if (isTargeted(c, customerId) && firstImpressionAt(c, customerId) < at) {
          impression(c, customerId, at);
          break;
        }
      }
    }
  }
  const events = buf.finish();
  return keep ? events.filter((e) => keep(e.payload.customer_id as number)) : events;
}
