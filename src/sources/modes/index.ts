// Creates the ingestion mode a source's config asks for.

import { assertNever } from '../../errors.js';
import { BatchMode } from './batch.js';
import { ContinuousMode } from './continuous.js';
import { parseCron } from './cron.js';
import { RealTimeMode } from './real-time.js';
import type { IngestionConfig, IngestionMode } from './types.js';

/** @example const mode = createMode({ mode: 'real_time', polling_interval_seconds: 5 }); */
export function createMode(config: IngestionConfig, now?: () => number): IngestionMode {
  switch (config.mode) {
    case 'batch':
      return new BatchMode({
        intervalMs:
          config.schedule_interval_seconds === undefined ? undefined : config.schedule_interval_seconds * 1000,
        cron: config.cron === undefined ? undefined : parseCron(config.cron),
        batchSize: config.batch_size,
        now,
      });
    case 'real_time':
      return new RealTimeMode({ intervalMs: config.polling_interval_seconds * 1000, now });
    case 'continuous_streaming':
      return new ContinuousMode({
        intervalMs: config.polling_interval_seconds * 1000,
        bufferSize: config.buffer_size,
        now,
      });
    default:
      return assertNever(config);
  }
}
