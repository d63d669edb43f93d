// The Event Hubs sink's registration.

import { DatagenError } from '../../errors.js';
import type { SinkFactory } from '../types.js';
import { type EventHubsSinkConfig, eventhubsSinkConfig } from './config.js';
import { EventHubsSink } from './sink.js';

export default {
  kind: 'eventhubs',
  configSchema: eventhubsSinkConfig,
  create: (config, ctx) => {
    if (!ctx.config) throw new DatagenError('INTERNAL', 'eventhubs sink: created without the config');
    return new EventHubsSink(config, { config: ctx.config });
  },
} satisfies SinkFactory<EventHubsSinkConfig>;
