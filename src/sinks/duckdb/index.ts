// The DuckDB outbox sink's registration.

import type { SinkFactory } from '../types.js';
import { type DuckdbSinkConfig, duckdbSinkConfig } from './config.js';
import { DuckdbSink } from './sink.js';

export default {
  kind: 'duckdb',
  configSchema: duckdbSinkConfig,
  create: (config, ctx) => new DuckdbSink(config, ctx.db),
} satisfies SinkFactory<DuckdbSinkConfig>;
