// Config of the stdout sink.

import { z } from 'zod';

export const stdoutSinkConfig = z
  .object({
    pretty: z.boolean().default(false).describe('Indent each event (one JSON document per event instead of one line).'),
  })
  .strict();

export type StdoutSinkConfig = z.output<typeof stdoutSinkConfig>;
