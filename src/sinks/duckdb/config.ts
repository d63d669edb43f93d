// Config of the DuckDB outbox sink.

import { z } from 'zod';

export const duckdbSinkConfig = z
  .object({
    table: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/, 'a lower-case SQL name, e.g. stream_outbox')
      .default('stream_outbox')
      .describe('Outbox table in the database (created when missing).'),
  })
  .strict();

export type DuckdbSinkConfig = z.output<typeof duckdbSinkConfig>;
