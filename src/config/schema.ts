// The one config schema: its types, defaults, validation, JSON Schema and documentation all come from here.

import { z } from 'zod';
import { sourcesSchema } from '../sources/config.js';
import { pipelineSchema, sinksSchema } from './pipeline.js';
import {
  databaseSchema,
  historicalSchema,
  marketingCostSchema,
  pathsSchema,
  performanceSchema,
  realtimeSchema,
  storageSchema,
  streamSchema,
} from './sections.js';
import { volumeSchema } from './volume.js';

// prefault: a missing section is parsed from {} so that its own defaults apply.
const section = <T extends z.ZodType>(schema: T) => schema.prefault({} as never);

/**
 * The whole configuration, section by section.
 * @example const config = configSchema.parse({ seed: 7, volume: { stores: 3 } });
 */
export const configSchema = z
  .object({
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .default(42)
      .describe('Seed of every random choice: same seed and config, same data.'),
    volume: section(volumeSchema).describe('Size and activity of the retail world.'),
    realtime: section(realtimeSchema).describe(
      'Live streaming: pacing, batching, retries, circuit breaker, credentials.',
    ),
    stream: section(streamSchema).describe('Streaming destination.'),
    historical: section(historicalSchema).describe('History generation.'),
    performance: section(performanceSchema).describe('CPU use of the history generation.'),
    marketing_cost: section(marketingCostSchema).describe('Cost ranges of ad impressions by channel and device.'),
    paths: pathsSchema,
    storage: section(storageSchema).describe('Azure Storage (optional).'),
    database: section(databaseSchema).describe('The embedded DuckDB database.'),
    pipeline: section(pipelineSchema).describe(
      'The streaming pipeline: queue, batches, retries, circuit, dead letters, routing, throttling.',
    ),
    sinks: section(sinksSchema).describe("Each sink's settings (the one used is stream.sink)."),
    sources: sourcesSchema,
  })
  .strict()
  .superRefine((c, ctx) => {
    // A source's destination and an explicit routing entry for it must not disagree.
    const explicit = c.pipeline.routing?.sources ?? {};
    for (const [name, s] of Object.entries(c.sources)) {
      const other = explicit[name];
      if (s.destination !== undefined && other !== undefined && other !== s.destination) {
        ctx.addIssue({
          code: 'custom',
          path: ['sources', name, 'destination'],
          message: `disagrees with pipeline.routing.sources.${name} (${JSON.stringify(other)}); keep one of them`,
        });
      }
    }
  });

/** The parsed, validated configuration every component receives. */
export type Config = z.output<typeof configSchema>;
/** What a config file may contain (every key optional). */
export type ConfigInput = z.input<typeof configSchema>;

/** The sections of the config that change the generated world: their hash is recorded with the data. */
export function worldDefiningPart(config: Config): unknown {
  return { seed: config.seed, volume: config.volume, marketing_cost: config.marketing_cost };
}
