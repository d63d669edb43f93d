// The Kafka sink's registration.

import type { SinkFactory } from '../types.js';
import { type KafkaSinkConfig, kafkaSinkConfig } from './config.js';
import { KafkaSink } from './sink.js';

export default {
  kind: 'kafka',
  configSchema: kafkaSinkConfig,
  create: (config, ctx) => new KafkaSink(config, ctx),
} satisfies SinkFactory<KafkaSinkConfig>;
