// Config of the file sink.

import { z } from 'zod';

export const fileSinkConfig = z
  .object({
    dir: z
      .string()
      .min(1)
      .default('data/stream')
      .describe('Folder of the output; one sub-folder and file series per destination.'),
    rotate_bytes: z
      .number()
      .int()
      .min(1024)
      .default(128 * 1024 * 1024)
      .describe('Start a new file once the current one reaches this size (bytes, before compression).'),
    rotate_seconds: z
      .number()
      .int()
      .min(1)
      .default(3600)
      .describe('Start a new file once the current one is this old.'),
    gzip: z
      .boolean()
      .default(false)
      .describe(
        'Compress files (.jsonl.gz); each batch is a complete gzip member, so a crash never leaves a broken file.',
      ),
    fsync: z
      .boolean()
      .default(false)
      .describe('fsync after each batch (survives a machine crash, not only a process crash; slower).'),
  })
  .strict();

export type FileSinkConfig = z.output<typeof fileSinkConfig>;
