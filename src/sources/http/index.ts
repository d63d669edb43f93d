// The http source's registration.

import type { SourceFactory } from '../factory.js';
import { type HttpParams, httpParamsSchema } from './config.js';
import { HttpSource } from './source.js';

export default {
  kind: 'http',
  settings: ['ingestion', 'rate_limit_per_minute', 'timeout_seconds', 'cache_ttl_seconds'],
  paramsSchema: httpParamsSchema,
  create: async (params, ctx) => new HttpSource(params, ctx),
} satisfies SourceFactory<HttpParams>;
