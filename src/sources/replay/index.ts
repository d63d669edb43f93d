// The replay source's registration: stored history read back from DuckDB.

import type { SourceFactory } from '../factory.js';
import { type ReplayParams, replayParamsSchema } from '../retail/config.js';

export default {
  kind: 'replay',
  polls: false,
  paramsSchema: replayParamsSchema,
  create: async (params, ctx) => (await import('../retail/source.js')).createReplaySource(params, ctx),
} satisfies SourceFactory<ReplayParams>;
