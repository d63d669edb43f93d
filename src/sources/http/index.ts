// The http source's registration.

import type { SourceFactory } from '../factory.js';
import { type HttpParams, httpParamsSchema } from './config.js';
import { HttpSource } from './source.js';

export default {
  kind: 'http',
  polls: true,
  paramsSchema: httpParamsSchema,
  create: async (params, ctx) => new HttpSource(params, ctx),
} satisfies SourceFactory<HttpParams>;
