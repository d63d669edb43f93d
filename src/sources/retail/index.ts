// The retail source's registration: the simulator, as one configured source among others.

import type { SourceFactory } from '../factory.js';
import { type RetailParams, retailParamsSchema } from './config.js';

export default {
  kind: 'retail',
  settings: [],
  paramsSchema: retailParamsSchema,
  // Loaded on use: the simulator and the world are large, and a config load must not pull them in.
  create: async (params, ctx) => (await import('./source.js')).createRetailSource(params, ctx),
} satisfies SourceFactory<RetailParams>;
