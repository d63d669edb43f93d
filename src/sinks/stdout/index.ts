// The stdout sink's registration.

import type { SinkFactory } from '../types.js';
import { type StdoutSinkConfig, stdoutSinkConfig } from './config.js';
import { StdoutSink } from './sink.js';

export default {
  kind: 'stdout',
  configSchema: stdoutSinkConfig,
  create: (config) => new StdoutSink(config),
} satisfies SinkFactory<StdoutSinkConfig>;
