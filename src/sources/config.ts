// The `sources` config: named sources, each with its type, routing, priority, ingestion mode, protection settings
// and params checked by its type's own schema.

import { z } from 'zod';
import { PRIORITIES } from '../pipeline/queue.js';
import { POLLING_SETTINGS, type SourceSettings } from './factory.js';
import { type IngestionConfig, ingestionSchema } from './modes/types.js';
import { SOURCE_KINDS, SOURCES, type SourceKind } from './registry.js';

/** Defaults of the polling settings. */
export const POLLING_DEFAULTS: SourceSettings = {
  ingestion: { mode: 'real_time', polling_interval_seconds: 30 },
  rate_limit_per_minute: 60,
  timeout_seconds: 30,
  cache_ttl_seconds: 0,
};

const sourceInput = z
  .object({
    source_type: z.string().describe(`Type of the source: ${SOURCE_KINDS.join(', ')}.`),
    enabled: z.boolean().default(true).describe('False keeps the source configured but not streamed.'),
    destination: z
      .string()
      .min(1)
      .optional()
      .describe('Topic or hub of all its records (adds routing.sources[name]); else the routing rules decide.'),
    priority: z
      .enum(PRIORITIES)
      .optional()
      .describe('Queue lane of its records (default: pipeline.priorities per event type, else normal).'),
    ingestion: ingestionSchema
      .optional()
      .describe('Polling mode and its schedule (polling types; default real_time every 30 s).'),
    rate_limit_per_minute: z
      .number()
      .positive()
      .max(600_000)
      .optional()
      .describe('Most requests (polls) per minute, as a token bucket (polling types; default 60).'),
    timeout_seconds: z.number().positive().max(3600).optional().describe('Timeout of one request (default 30).'),
    cache_ttl_seconds: z
      .number()
      .min(0)
      .max(86_400)
      .optional()
      .describe('Reuse a response for the same request this long (default 0: no cache).'),
    params: z.record(z.string(), z.unknown()).default({}).describe("The source type's own settings."),
  })
  .strict();

/**
 * One configured source; `params` are checked by the schema of its `source_type`, each problem named by its path.
 * @example sourceSchema.parse({ source_type: 'http', params: { url: 'https://api.example.com/items' } })
 */
export const sourceSchema = sourceInput
  .superRefine((s, ctx) => {
    const factory = (SOURCES as Record<string, (typeof SOURCES)[SourceKind]>)[s.source_type];
    if (!factory) {
      ctx.addIssue({
        code: 'custom',
        path: ['source_type'],
        message: `unknown source type ${JSON.stringify(s.source_type)}; known: ${SOURCE_KINDS.join(', ')}`,
      });
      return;
    }
    const uses: readonly string[] = factory.settings;
    for (const key of POLLING_SETTINGS) {
      if (s[key] === undefined || uses.includes(key)) continue;
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message:
          uses.length === 0
            ? `a ${s.source_type} source is paced by its params (speed), not polled; remove ${key}`
            : `a ${s.source_type} source does not use ${key} (it takes ${uses.join(', ')}); remove it`,
      });
    }
    const parsed = (factory.paramsSchema as z.ZodType).safeParse(s.params);
    if (parsed.success) return;
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        const known = Object.keys((factory.paramsSchema as unknown as z.ZodObject).shape ?? {});
        for (const key of issue.keys) {
          ctx.addIssue({
            code: 'custom',
            path: ['params', ...issue.path.map(String), key],
            message: `unknown param of a ${s.source_type} source (allowed: ${known.join(', ')})`,
          });
        }
      } else {
        ctx.addIssue({
          code: 'custom',
          path: ['params', ...issue.path.map(String)],
          message: issue.message.replace(/^Invalid input: /, ''),
        });
      }
    }
  })
  .transform((s) => {
    const factory = (SOURCES as Record<string, (typeof SOURCES)[SourceKind]>)[s.source_type];
    return {
      ...s,
      source_type: s.source_type as SourceKind,
      params: (factory.paramsSchema as z.ZodType).parse(s.params) as unknown,
    };
  });

/** A configured source once parsed. */
export type SourceConfig = z.output<typeof sourceSchema>;

const NAME = /^[A-Za-z0-9][\w.-]{0,99}$/;

/** The `sources` map. @example sourcesSchema.parse({ weather: { source_type: 'http', params: { url } } }) */
export const sourcesSchema = z
  .record(z.string(), sourceSchema)
  .superRefine((map, ctx) => {
    for (const name of Object.keys(map)) {
      if (!NAME.test(name)) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: 'a source name is 1-100 letters, digits, _ . - (starting with a letter or digit)',
        });
      }
    }
  })
  .default({})
  .describe(
    'Named sources streamed together through the pipeline (retail, replay, http, file); none = the retail simulator alone.',
  );

/** The polling settings of a source with their defaults. @example settingsOf(config.sources.weather) */
export function settingsOf(s: SourceConfig): SourceSettings {
  return {
    ingestion: (s.ingestion as IngestionConfig | undefined) ?? POLLING_DEFAULTS.ingestion,
    rate_limit_per_minute: s.rate_limit_per_minute ?? POLLING_DEFAULTS.rate_limit_per_minute,
    timeout_seconds: s.timeout_seconds ?? POLLING_DEFAULTS.timeout_seconds,
    cache_ttl_seconds: s.cache_ttl_seconds ?? POLLING_DEFAULTS.cache_ttl_seconds,
  };
}
