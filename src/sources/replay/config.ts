// Params of the replay source: the stored history between two instants, re-stamped or not, and how fast.

import { z } from 'zod';
import { instant } from '../retail/config.js';

export const replayParamsSchema = z
  .object({
    from: instant.describe('First instant of the stored history replayed (inclusive).'),
    to: instant.describe('Last instant (exclusive).'),
    restamp: z.boolean().default(false).describe('Shift event times so that the replay looks live.'),
    speed: z
      .union([z.literal('max'), z.number().positive().max(1_000_000)])
      .default('max')
      .describe("Simulated seconds per second, or 'max'."),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (Date.parse(p.to) <= Date.parse(p.from))
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
  });

export type ReplayParams = z.output<typeof replayParamsSchema>;
