// Params of the retail source: the simulated world continued live, and how fast.

import { z } from 'zod';

/** A simulated instant given as ISO text. @example instant.parse('2024-03-01T12:00:00Z') */
export const instant = z
  .string()
  .refine((t) => !Number.isNaN(Date.parse(t)), 'expected an ISO time such as 2024-03-01T12:00:00Z')
  .describe('A simulated instant (ISO, UTC).');

export const retailParamsSchema = z
  .object({
    speed: z
      .union([z.literal('max'), z.literal('live'), z.number().positive().max(1_000_000)])
      .default(1)
      .describe(
        "Simulated seconds per second (1 = real time); 'max' = as fast as the pipeline takes events; 'live' = each event at its simulated instant on the wall clock (catches up, then real time).",
      ),
    events_per_second: z
      .number()
      .positive()
      .max(10_000_000)
      .optional()
      .describe('A fixed rate instead of simulated time.'),
    until: instant.optional().describe('Stop before this simulated instant (the stream content is then fixed).'),
  })
  .strict();

export type RetailParams = z.output<typeof retailParamsSchema>;
