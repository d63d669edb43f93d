// The library: what a TypeScript program needs to do what the CLI does, with typed events.

export { loadConfig } from './config/loader.js';
export { type Config, type ConfigInput, configSchema } from './config/schema.js';
export { Secret } from './config/secret.js';
export { DatagenError, type ErrorCode, isDatagenError } from './errors.js';
export { type EventEnvelope, validateEnvelope } from './events/envelope.js';
export { asyncApiDocument, eventJsonSchemas } from './events/json-schema.js';
export { EVENT_TYPES, type EventType, type PayloadOf, type RetailEvent } from './events/types.js';
export { runHistory } from './jobs/history.js';
export { generateMaster } from './jobs/master.js';
export { Streamer, type StreamerOptions, streamingSession } from './library/streamer.js';
export { openWorld, RetailWorld } from './library/world.js';
export type { PipelineHooks } from './pipeline/pipeline.js';
export { SINK_KINDS } from './sinks/registry.js';
export type { OutEvent, SendOutcome, Sink, SinkBatch } from './sinks/types.js';
export type { Pacing } from './sources/simulator/pacing.js';
export { openDatabase } from './store/database.js';
