// Params of the file source: the file tailed, its format, and how its records become envelopes.

import { z } from 'zod';
import { recordShapeFields } from '../records.js';

export const fileParamsSchema = z
  .object({
    path: z.string().min(1).describe('File tailed: new complete lines are read as they are appended.'),
    format: z.enum(['jsonl', 'csv']).default('jsonl').describe('JSON lines, or CSV with a header line.'),
    delimiter: z.string().length(1).default(',').describe('CSV field delimiter.'),
    start_at: z
      .enum(['beginning', 'end'])
      .default('beginning')
      .describe('Where a first run starts (a resumed run starts at its checkpoint).'),
    max_read_bytes: z
      .number()
      .int()
      .min(1024)
      .default(1_048_576)
      .describe('Most bytes read per poll (more is read on the next one at once).'),
    ...recordShapeFields,
  })
  .strict();

export type FileParams = z.output<typeof fileParamsSchema>;
