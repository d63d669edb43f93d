/**
 * The world's stores, under /api/world (the dashboard draws them on its map):
 *
 *   GET /stores -> { stores: [{ id, name, city, state, region, latitude, longitude, format, dc_id }] }
 *                  (empty before the master data is generated)
 */

import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { readState } from '../../store/state.js';
import type { ServerContext } from '../app.js';
import { defineRoute } from '../route.js';

export const worldStoresSchema = z.object({
  stores: z.array(
    z.object({
      id: z.number(),
      name: z.string(),
      city: z.string(),
      state: z.string(),
      region: z.string(),
      latitude: z.number(),
      longitude: z.number(),
      format: z.string(),
      dc_id: z.number(),
    }),
  ),
});

export function worldRoutes(ctx: ServerContext): FastifyPluginAsync {
  return async (app) => {
    const { db, docs } = ctx;
    defineRoute(app, docs, {
      method: 'GET',
      url: '/stores',
      summary: 'The stores with their place (city, state, region, latitude, longitude)',
      tags: ['world'],
      response: { 200: worldStoresSchema },
      handler: async () => {
        if (!(await readState(db))?.master_generated_at) return { stores: [] };
        const rows = await db.all<Record<string, unknown>>(
          `SELECT s.id, s.name, g.city, g.state, g.region, s.latitude, s.longitude, s.format, s.dc_id
           FROM dim_stores s JOIN dim_geographies g ON g.id = s.geography_id ORDER BY s.id`,
        );
        return {
          stores: rows.map((r) => ({
            id: Number(r.id),
            name: String(r.name),
            city: String(r.city),
            state: String(r.state),
            region: String(r.region),
            latitude: Number(r.latitude),
            longitude: Number(r.longitude),
            format: String(r.format),
            dc_id: Number(r.dc_id),
          })),
        };
      },
    });
  };
}
