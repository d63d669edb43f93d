// What every source type implements: its name, its params schema and a factory; and what a factory receives.

import type { z } from 'zod';
import type { Config } from '../config/schema.js';
import type { Database } from '../store/database.js';
import type { IngestionConfig, ModeMetrics } from './modes/types.js';
import type { Source } from './types.js';

/** The polling settings a source type may take besides its params. */
export const POLLING_SETTINGS = ['ingestion', 'rate_limit_per_minute', 'timeout_seconds', 'cache_ttl_seconds'] as const;
export type PollingSetting = (typeof POLLING_SETTINGS)[number];

/** The settings of a configured source that are not its params (parsed, defaults applied). */
export interface SourceSettings {
  ingestion: IngestionConfig;
  rate_limit_per_minute: number;
  timeout_seconds: number;
  cache_ttl_seconds: number;
}

/** What a source factory receives. */
export interface SourceContext {
  /** The configured source's name (its records carry it). */
  name: string;
  settings: SourceSettings;
  config: Config;
  /** The open database (retail and replay read the world and the history from it). */
  db?: Database;
  now?: () => number;
  /** Reports problems that do not stop the source (a failed poll). */
  onError?: (err: unknown) => void;
}

/** The result of `sources check`. */
export interface SourceCheck {
  ok: boolean;
  detail: string;
  /** A few records as their envelopes would carry them. */
  sample: unknown[];
}

/** A created source: the iterator, with metrics and a one-off check. */
export interface ConfiguredSource extends Source {
  /** The mode's and the source's own counters. */
  metrics?(): Record<string, unknown> & { ingestion?: ModeMetrics };
  /** Tries the source once (one request, one read) without delivering anything. */
  check?(signal: AbortSignal): Promise<SourceCheck>;
}

/**
 * A source type: its name, its params schema and its factory.
 * @example export default { kind: 'file', settings: ['ingestion'], paramsSchema, create } satisfies SourceFactory<FileParams>;
 */
export interface SourceFactory<P> {
  kind: string;
  /** The polling settings it uses (none: it paces itself); any other one in its config is refused. */
  settings: readonly PollingSetting[];
  paramsSchema: z.ZodType<P>;
  create(params: P, ctx: SourceContext): Promise<ConfiguredSource>;
}
