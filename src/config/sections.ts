// The config sections beside `volume`: realtime, stream, historical, performance, marketing_cost, paths, storage, database.

import { z } from 'zod';
import { sinkKindSchema } from './pipeline.js';
import { secretSchema } from './secret.js';

export { secretSchema };

export const realtimeSchema = z
  .object({
    emit_interval_ms: z
      .number()
      .int()
      .positive()
      .default(500)
      .describe('Time between event bursts in the burst pacing mode.'),
    burst: z.number().int().positive().default(100).describe('Events per burst in the burst pacing mode.'),
    azure_connection_string: secretSchema.describe(
      'Event Hubs connection string. Prefer the AZURE_EVENTHUB_CONNECTION_STRING environment variable: secrets do not belong in files.',
    ),
    max_batch_size: z
      .number()
      .int()
      .positive()
      .max(100_000)
      .default(256)
      .describe('Maximum events per batch sent to a sink.'),
    batch_timeout_ms: z
      .number()
      .int()
      .positive()
      .default(1000)
      .describe('Longest time a partly filled batch waits before it is sent.'),
    retry_attempts: z
      .number()
      .int()
      .min(0)
      .max(100)
      .default(3)
      .describe('Retries of a failed send before the events go to the dead-letter store.'),
    backoff_multiplier: z
      .number()
      .min(1)
      .max(10)
      .default(2)
      .describe('Growth factor of the retry delay (exponential backoff with full jitter).'),
    circuit_breaker_enabled: z
      .boolean()
      .default(true)
      .describe('Stop sending after repeated failures and probe before resuming.'),
    monitoring_interval: z
      .number()
      .int()
      .positive()
      .default(30)
      .describe('Seconds between statistics snapshots in logs.'),
    max_buffer_size: z
      .number()
      .int()
      .positive()
      .default(10_000)
      .describe('Capacity of the bounded event queue (events).'),
    enable_dead_letter_queue: z
      .boolean()
      .default(true)
      .describe('Keep events that failed delivery in the dead-letter store.'),
    use_keyvault: z.boolean().default(false).describe('Read the Event Hubs connection string from Azure Key Vault.'),
    keyvault_url: z
      .string()
      .default('')
      .describe('Key Vault URL, e.g. https://my-vault.vault.azure.net/ (with use_keyvault).'),
    keyvault_secret_name: z
      .string()
      .default('')
      .describe('Name of the Key Vault secret that holds the connection string.'),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.use_keyvault) {
      if (!/^https:\/\/[^/]+/.test(v.keyvault_url)) {
        ctx.addIssue({
          code: 'custom',
          path: ['keyvault_url'],
          input: v.keyvault_url,
          message: 'use_keyvault is true: set keyvault_url to the vault URL, e.g. https://my-vault.vault.azure.net/',
        });
      }
      if (!v.keyvault_secret_name) {
        ctx.addIssue({
          code: 'custom',
          path: ['keyvault_secret_name'],
          input: v.keyvault_secret_name,
          message: 'use_keyvault is true: set keyvault_secret_name to the secret that holds the connection string',
        });
      }
    }
  });

export const streamSchema = z
  .object({
    hub: z
      .string()
      .trim()
      .min(1)
      .max(256)
      .default('retail-events')
      .describe('Event hub (or topic) name when the connection string has no EntityPath; the default destination.'),
    sink: sinkKindSchema.default('file'),
  })
  .strict();

export const historicalSchema = z
  .object({
    start_date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD, e.g. 2024-01-01')
      .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), 'not a real calendar date')
      .default('2024-01-01')
      .describe('First day of the history (UTC date, YYYY-MM-DD).'),
  })
  .strict();

export const performanceSchema = z
  .object({
    max_cpu_percent: z
      .number()
      .gt(0)
      .max(100)
      .default(100)
      .describe('Share of the CPU cores the history may use: caps the worker threads taken from max_workers.'),
    max_workers: z
      .number()
      .int()
      .positive()
      .max(64)
      .nullable()
      .default(null)
      .describe(
        'Worker threads for the history; null for one (more pay only with cores to spare; --workers overrides).',
      ),
    stream_workers: z
      .number()
      .int()
      .min(0)
      .max(16)
      .default(2)
      .describe(
        'Worker threads that simulate the live stream and serialise its events (the same events whatever the number; two reach 195,000-255,000 events/s on 2 cores); 0 simulates on the main thread.',
      ),
    batch_hours: z
      .number()
      .int()
      .min(1)
      .max(24)
      .default(1)
      .describe('Accepted for compatibility with the seed; the history always writes a store-day at a time.'),
  })
  .strict();

const cost = (def: number, what: string) => z.number().min(0).default(def).describe(what);

const CHANNELS = [
  'email',
  'display',
  'social',
  'search',
  'video',
  'facebook',
  'google',
  'instagram',
  'youtube',
] as const;
export type MarketingChannel = (typeof CHANNELS)[number];
export const MARKETING_CHANNELS: readonly MarketingChannel[] = CHANNELS;

export const marketingCostSchema = z
  .object({
    email_cost_min: cost(0.1, 'Minimum cost of an EMAIL impression (USD).'),
    email_cost_max: cost(0.25, 'Maximum cost of an EMAIL impression (USD).'),
    display_cost_min: cost(0.5, 'Minimum cost of a DISPLAY impression (USD).'),
    display_cost_max: cost(2, 'Maximum cost of a DISPLAY impression (USD).'),
    social_cost_min: cost(0.75, 'Minimum cost of a SOCIAL impression (USD).'),
    social_cost_max: cost(3, 'Maximum cost of a SOCIAL impression (USD).'),
    search_cost_min: cost(1, 'Minimum cost of a SEARCH impression (USD).'),
    search_cost_max: cost(5, 'Maximum cost of a SEARCH impression (USD).'),
    video_cost_min: cost(1.5, 'Minimum cost of a VIDEO impression (USD).'),
    video_cost_max: cost(5.25, 'Maximum cost of a VIDEO impression (USD).'),
    facebook_cost_min: cost(0.25, 'Minimum cost of a FACEBOOK impression (USD).'),
    facebook_cost_max: cost(3, 'Maximum cost of a FACEBOOK impression (USD).'),
    google_cost_min: cost(1, 'Minimum cost of a GOOGLE impression (USD).'),
    google_cost_max: cost(5, 'Maximum cost of a GOOGLE impression (USD).'),
    instagram_cost_min: cost(0.2, 'Minimum cost of an INSTAGRAM impression (USD).'),
    instagram_cost_max: cost(3, 'Maximum cost of an INSTAGRAM impression (USD).'),
    youtube_cost_min: cost(1.5, 'Minimum cost of a YOUTUBE impression (USD).'),
    youtube_cost_max: cost(5.25, 'Maximum cost of a YOUTUBE impression (USD).'),
    mobile_multiplier: z.number().positive().default(1).describe('Cost multiplier for MOBILE devices.'),
    tablet_multiplier: z.number().positive().default(1.2).describe('Cost multiplier for TABLET devices.'),
    desktop_multiplier: z.number().positive().default(1.5).describe('Cost multiplier for DESKTOP devices.'),
  })
  .strict()
  .superRefine((v, ctx) => {
    for (const ch of CHANNELS) {
      const lo = v[`${ch}_cost_min`];
      const hi = v[`${ch}_cost_max`];
      if (lo > hi) {
        ctx.addIssue({
          code: 'custom',
          path: [`${ch}_cost_min`],
          input: lo,
          message: `must be <= ${ch}_cost_max (${hi})`,
        });
      }
    }
  });

export const pathsSchema = z
  .object({
    dict: z.string().optional().describe('Seed compatibility only: this tool ships its dictionaries in the package.'),
    dictionaries: z.string().optional().describe('Seed compatibility only (alias of dict).'),
    master: z.string().optional().describe('Seed compatibility only: master data lives in the DuckDB database.'),
    facts: z
      .string()
      .optional()
      .describe('Seed compatibility only: facts live in the DuckDB database; use `export` for files.'),
  })
  .strict()
  .prefault({})
  .describe("The seed's CSV folders; accepted so its config files load unchanged. Data lives in database.path.");

export const storageSchema = z
  .object({
    account_uri: z.string().default('').describe('Azure Storage account URI (optional; not used by local export).'),
    account_key: secretSchema.describe('Azure Storage account key (secret; prefer AZURE_STORAGE_ACCOUNT_KEY).'),
  })
  .strict();

export const databaseSchema = z
  .object({
    path: z.string().min(1).default('data/retail.duckdb').describe('DuckDB database file (created when missing).'),
    threads: z
      .number()
      .int()
      .positive()
      .max(64)
      .nullable()
      .default(null)
      .describe("DuckDB worker threads; null for DuckDB's default."),
  })
  .strict();
