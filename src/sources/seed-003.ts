// Maps a config written for seed 003's stream manager (stream_config.yaml) onto ours. The table below is the whole
// mapping; keys with no counterpart are reported, never dropped silently.
//
// | seed 003                              | retail-datagen                                   |
// | ------------------------------------- | ------------------------------------------------ |
// | kafka.bootstrap_servers ("h:p,h:p")   | sinks.kafka.brokers ([h:p, ...]); stream.sink = kafka |
// | kafka.client_id                       | sinks.kafka.client_id                            |
// | kafka.compression_type                | sinks.kafka.compression                          |
// | kafka.batch_size                      | realtime.max_batch_size                          |
// | kafka.linger_ms                       | realtime.batch_timeout_ms                        |
// | kafka.max_retries                     | realtime.retry_attempts                          |
// | kafka.retry_backoff_base              | realtime.backoff_multiplier                      |
// | throttling.min_send_rate              | pipeline.throttle_min_rate                       |
// | throttling.enabled, max_send_rate, target_consumer_lag, critical_consumer_lag, adjustment_factor | reported (lag throttling is configured with the Kafka sink) |
// | queue_max_size                        | realtime.max_buffer_size                         |
// | queue_overflow_strategy               | pipeline.overflow                                |
// | enable_dlq                            | realtime.enable_dead_letter_queue                |
// | sources.NAME.source_type              | sources.NAME.source_type (through `connectors` for the seed's own types) |
// | sources.NAME.topic                    | sources.NAME.destination                         |
// | sources.NAME.enabled, ingestion.*, rate_limit_per_minute, timeout_seconds, cache_ttl_seconds | the same keys |
// | sources.NAME.ingestion.buffer_size in real_time / batch mode | reported (only continuous_streaming buffers) |
// | sources.NAME.custom_params            | sources.NAME.params (after the connector's own mapping) |

import { SOURCE_KINDS } from './registry.js';

type Raw = Record<string, unknown>;

/** How one of the seed's connector types (e.g. noaa_weather) becomes one of our source types. */
export type SeedConnector = (customParams: Raw, name: string) => { source_type: string; params: Raw };

/** The mapped config, and the seed keys that have no counterpart. */
export interface SeedMapping {
  config: Raw;
  notes: string[];
}

const isObj = (v: unknown): v is Raw => v !== null && typeof v === 'object' && !Array.isArray(v);

function set(target: Raw, path: string, value: unknown): void {
  const keys = path.split('.');
  let cur = target;
  for (const k of keys.slice(0, -1)) {
    if (!isObj(cur[k])) cur[k] = {};
    cur = cur[k] as Raw;
  }
  cur[keys[keys.length - 1]] = value;
}

const DIRECT: Record<string, string> = {
  'kafka.client_id': 'sinks.kafka.client_id',
  'kafka.compression_type': 'sinks.kafka.compression',
  'kafka.batch_size': 'realtime.max_batch_size',
  'kafka.linger_ms': 'realtime.batch_timeout_ms',
  'kafka.max_retries': 'realtime.retry_attempts',
  'kafka.retry_backoff_base': 'realtime.backoff_multiplier',
  'throttling.min_send_rate': 'pipeline.throttle_min_rate',
  queue_max_size: 'realtime.max_buffer_size',
  queue_overflow_strategy: 'pipeline.overflow',
  enable_dlq: 'realtime.enable_dead_letter_queue',
};

/**
 * Maps a seed-003 config object to ours; pass `connectors` for the seed's connector types.
 * @example
 * const { config, notes } = mapSeed003Config(YAML.parse(text), {
 *   noaa_weather: (p) => ({ source_type: 'http', params: { url: 'https://api.weather.gov/alerts/active', query: { area: p.state } } }),
 * });
 */
export function mapSeed003Config(seed: unknown, connectors: Record<string, SeedConnector> = {}): SeedMapping {
  const config: Raw = {};
  const notes: string[] = [];
  if (!isObj(seed)) return { config, notes: ['the seed config is not a mapping'] };
  for (const [section, value] of Object.entries(seed)) {
    if (section === 'sources') continue;
    if (isObj(value)) {
      for (const [k, v] of Object.entries(value)) {
        const from = `${section}.${k}`;
        if (from === 'kafka.bootstrap_servers') {
          set(
            config,
            'sinks.kafka.brokers',
            String(v)
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
          );
          set(config, 'stream.sink', 'kafka');
        } else if (DIRECT[from]) set(config, DIRECT[from], v);
        else notes.push(`${from}: no counterpart; left out`);
      }
    } else if (DIRECT[section]) set(config, DIRECT[section], value);
    else notes.push(`${section}: no counterpart; left out`);
  }
  const sources: Raw = {};
  for (const [name, s] of Object.entries(isObj(seed.sources) ? seed.sources : {})) {
    if (!isObj(s)) continue;
    const out: Raw = {};
    const custom = isObj(s.custom_params) ? s.custom_params : {};
    const type = String(s.source_type ?? '');
    if (connectors[type]) {
      const mapped = connectors[type](custom, name);
      out.source_type = mapped.source_type;
      out.params = mapped.params;
    } else {
      out.source_type = type;
      if (Object.keys(custom).length > 0) out.params = custom;
      if (!(SOURCE_KINDS as string[]).includes(type)) {
        notes.push(
          `sources.${name}.source_type: ${JSON.stringify(type)} needs a connector mapping to one of ${SOURCE_KINDS.join(', ')}`,
        );
      }
    }
    for (const [k, v] of Object.entries(s)) {
      if (k === 'source_type' || k === 'custom_params') continue;
      if (k === 'topic') out.destination = v;
      else if (k === 'ingestion' && isObj(v)) {
        const ing = { ...v };
        if (ing.mode !== 'continuous_streaming' && 'buffer_size' in ing) {
          delete ing.buffer_size;
          notes.push(`sources.${name}.ingestion.buffer_size: only continuous_streaming buffers; left out`);
        }
        out.ingestion = ing;
      } else out[k] = v;
    }
    sources[name] = out;
  }
  if (Object.keys(sources).length > 0) config.sources = sources;
  return { config, notes };
}
