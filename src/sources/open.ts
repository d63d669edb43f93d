// Opens the configured sources as one merged source, and the routing they add (each source's destination).

import type { Config } from '../config/schema.js';
import { DatagenError } from '../errors.js';
import type { RoutingRulesInput } from '../pipeline/router.js';
import type { Database } from '../store/database.js';
import { type SourceConfig, settingsOf } from './config.js';
import type { ConfiguredSource } from './factory.js';
import { MergedSource, type MergeMember, type SourcePosition } from './merge.js';
import { SOURCES, type SourceKind } from './registry.js';

/** The enabled sources of the config, by name. @example enabledSources(config).map(([name]) => name) */
export function enabledSources(config: Config): [string, SourceConfig][] {
  return Object.entries(config.sources).filter(([, s]) => s.enabled);
}

/**
 * The routing of the stream: pipeline.routing (or everything to stream.hub), with each source's destination as an
 * explicit source mapping.
 * @example new Router(routingOf(config))
 */
export function routingOf(config: Config): RoutingRulesInput {
  const base = config.pipeline.routing ?? { default: config.stream.hub };
  const fromSources = Object.fromEntries(
    Object.entries(config.sources)
      .filter(([, s]) => s.destination !== undefined)
      .map(([name, s]) => [name, s.destination as string]),
  );
  if (Object.keys(fromSources).length === 0) return base;
  return { ...base, sources: { ...fromSources, ...base.sources } };
}

/** Creates one configured source. @example const s = await createSource(config, 'weather', db); */
export async function createSource(
  config: Config,
  name: string,
  db?: Database,
  onError?: (err: unknown) => void,
): Promise<ConfiguredSource> {
  const s = config.sources[name];
  if (!s) {
    const known = Object.keys(config.sources);
    throw new DatagenError(
      'SOURCE_NOT_FOUND',
      `no source named ${JSON.stringify(name)} in the config; configured: ${known.length ? known.join(', ') : '(none; add them under sources:)'}`,
    );
  }
  const factory = SOURCES[s.source_type as SourceKind];
  return factory.create(s.params as never, { name, settings: settingsOf(s), config, db, onError });
}

/** The merged source of every enabled source, each resuming at its saved position. */
export async function openSources(
  config: Config,
  db: Database,
  saved: Record<string, SourcePosition>,
  onError?: (err: unknown, context: string) => void,
): Promise<MergedSource> {
  const members: MergeMember[] = [];
  for (const [name, s] of enabledSources(config)) {
    const source = await createSource(config, name, db, (err) => onError?.(err, `source ${name}`));
    members.push({ name, source, priority: s.priority, resume: saved[name] });
  }
  return new MergedSource(members, onError);
}

/** What identifies the content of a stream of configured sources (its checkpoint name is derived from it). */
export function sourcesIdentity(config: Config): unknown {
  return enabledSources(config).map(([name, s]) => ({ name, type: s.source_type, params: s.params }));
}
