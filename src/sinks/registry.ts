// Every sink kind, by name. Adding a sink: its folder, and one line here.

import duckdb from './duckdb/index.js';
import eventhubs from './eventhubs/index.js';
import file from './file/index.js';
import kafka from './kafka/index.js';
import stdout from './stdout/index.js';
import type { SinkFactory } from './types.js';

// biome-ignore lint/suspicious/noExplicitAny: each factory has its own config type
export const SINKS = { file, stdout, duckdb, kafka, eventhubs } as const satisfies Record<string, SinkFactory<any>>;

export type SinkKind = keyof typeof SINKS;
export const SINK_KINDS = Object.keys(SINKS) as SinkKind[];
