// Every source type, by name. Adding a source type: its folder, and one line here.

import type { SourceFactory } from './factory.js';
import file from './file/index.js';
import http from './http/index.js';
import replay from './replay/index.js';
import retail from './retail/index.js';

// biome-ignore lint/suspicious/noExplicitAny: each factory has its own params type
export const SOURCES = { retail, replay, http, file } as const satisfies Record<string, SourceFactory<any>>;

export type SourceKind = keyof typeof SOURCES;
export const SOURCE_KINDS = Object.keys(SOURCES) as SourceKind[];
