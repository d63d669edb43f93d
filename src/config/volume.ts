// The `volume` section: how big the retail world is and how busy it is (keys and defaults of the seed's config.json).

import { z } from 'zod';
import { CITIES } from '../world/dictionaries/cities.js';

const count = (def: number, what: string) => z.number().int().positive().default(def).describe(what);
const rangeBound = (def: number, what: string) => z.number().int().positive().default(def).describe(what);

export const volumeSchema = z
  .object({
    stores: count(86, 'Number of stores.'),
    dcs: count(20, 'Number of distribution centres.'),
    refrigerated_trucks: count(8, 'DC-to-store trucks with refrigeration.'),
    non_refrigerated_trucks: count(12, 'DC-to-store trucks without refrigeration.'),
    total_geographies: z
      .number()
      .int()
      .positive()
      .max(CITIES.length, `at most ${CITIES.length}, the number of cities in the dictionary`)
      .default(100)
      .describe('Number of distinct geographies (US cities) the world uses; at most the size of the city dictionary.'),
    total_customers: count(403_000, 'Number of customers in the world.'),
    total_products: count(10_000, 'Number of products (SKUs) in the catalogue.'),
    customers_per_day: count(427, 'Average customers per store per day, before the store profile and the calendar.'),
    items_per_ticket_mean: z
      .number()
      .positive()
      .max(100)
      .default(8.2)
      .describe('Average items per receipt, before the store format.'),
    online_orders_per_day: z
      .number()
      .int()
      .min(0)
      .default(2500)
      .describe('Average online orders per day across the network.'),
    marketing_impressions_per_day: z
      .number()
      .int()
      .min(0)
      .default(10_000)
      .describe('Average ad impressions per day across all channels.'),
    dc_initial_inventory_min: rangeBound(500, 'Minimum initial units per product at a DC.'),
    dc_initial_inventory_max: rangeBound(5000, 'Maximum initial units per product at a DC.'),
    store_initial_inventory_min: rangeBound(20, 'Minimum initial units per product at a store.'),
    store_initial_inventory_max: rangeBound(200, 'Maximum initial units per product at a store.'),
    dc_reorder_point_min: rangeBound(50, 'Minimum reorder point per product at a DC.'),
    dc_reorder_point_max: rangeBound(500, 'Maximum reorder point per product at a DC.'),
    store_reorder_point_min: rangeBound(5, 'Minimum reorder point per product at a store.'),
    store_reorder_point_max: rangeBound(50, 'Maximum reorder point per product at a store.'),
    supplier_refrigerated_trucks: count(12, 'Supplier-to-DC trucks with refrigeration.'),
    supplier_non_refrigerated_trucks: count(18, 'Supplier-to-DC trucks without refrigeration.'),
    truck_capacity: count(15_000, 'Units one truck carries.'),
    truck_dc_assignment_rate: z
      .number()
      .gt(0)
      .max(1)
      .default(0.85)
      .describe('Share of DC-to-store trucks assigned to one DC; the rest form a pool (dc_id NULL).'),
    trucks_per_dc: z
      .number()
      .int()
      .positive()
      .nullable()
      .default(null)
      .describe('Exactly this many trucks per DC (overrides truck_dc_assignment_rate); null to use the rate.'),
  })
  .strict()
  .superRefine((v, ctx) => {
    const pairs = [
      ['dc_initial_inventory_min', 'dc_initial_inventory_max'],
      ['store_initial_inventory_min', 'store_initial_inventory_max'],
      ['dc_reorder_point_min', 'dc_reorder_point_max'],
      ['store_reorder_point_min', 'store_reorder_point_max'],
    ] as const;
    for (const [lo, hi] of pairs) {
      if (v[lo] > v[hi]) {
        ctx.addIssue({
          code: 'custom',
          path: [lo],
          input: v[lo],
          message: `must be <= ${hi} (${v[hi]}); lower ${lo} or raise ${hi}`,
        });
      }
    }
  });

export type VolumeConfig = z.infer<typeof volumeSchema>;
