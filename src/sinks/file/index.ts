// The file sink's registration.

import type { SinkFactory } from '../types.js';
import { type FileSinkConfig, fileSinkConfig } from './config.js';
import { FileSink } from './sink.js';

export default {
  kind: 'file',
  configSchema: fileSinkConfig,
  create: (config) => new FileSink(config),
} satisfies SinkFactory<FileSinkConfig>;
