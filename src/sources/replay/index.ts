// The replay source's registration: stored history read back from DuckDB.

import type { SourceFactory } from '../factory.js';
import { type ReplayParams, replayParamsSchema } from './config.js';

export default {
  kind: 'replay',
  settings: [],
  paramsSchema: replayParamsSchema,
  create: async (params, ctx) => (await import('./create.js')).createReplaySource(params, ctx),
} satisfies SourceFactory<ReplayParams>;
