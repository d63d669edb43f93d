// The file source's registration.

import type { SourceFactory } from '../factory.js';
import { type FileParams, fileParamsSchema } from './config.js';
import { FileSource } from './source.js';

export default {
  kind: 'file',
  settings: ['ingestion'],
  paramsSchema: fileParamsSchema,
  create: async (params, ctx) => new FileSource(params, ctx),
} satisfies SourceFactory<FileParams>;
