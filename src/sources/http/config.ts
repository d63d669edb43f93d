// Params of the http source: the request, where the records are in the response, the cursor and deduplication.

import { z } from 'zod';
import { Secret } from '../../config/secret.js';
import { recordShapeFields } from '../records.js';
import { selectorProblem } from '../selector.js';

const selector = (what: string, dflt?: string) => {
  const s = z.string().superRefine((text, ctx) => {
    const p = selectorProblem(text);
    if (p) ctx.addIssue({ code: 'custom', message: `bad selector: ${p}` });
  });
  return (dflt === undefined ? s : s.default(dflt)).describe(what);
};

const httpUrl = z
  .string()
  .superRefine((text, ctx) => {
    let u: URL;
    try {
      u = new URL(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not a URL; expected e.g. https://api.example.com/v1/items' });
      return;
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', message: `expected an http or https URL; got ${u.protocol}` });
    }
  })
  .describe('URL polled (http or https).');

/** How the next request continues where the last one stopped. */
export const cursorSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none').describe('Poll the same request; deduplication drops what was sent.') }).strict(),
  z
    .object({
      type: z.literal('next_link').describe('Follow a next-page link from the response; re-poll the last page.'),
      selector: selector('Where the next page URL (absolute or relative) is in the response.', '$.next'),
    })
    .strict(),
  z
    .object({
      type: z
        .literal('timestamp')
        .describe('Ask for records at or after the newest timestamp seen (the API must include that instant).'),
      field: z.string().min(1).describe('Record field holding its timestamp.'),
      param: z.string().min(1).describe('Query parameter that carries it, e.g. since.'),
      initial: z.string().optional().describe('Value of the parameter on the first request.'),
    })
    .strict(),
]);

export const httpParamsSchema = z
  .object({
    url: httpUrl,
    method: z.enum(['GET', 'POST']).default('GET').describe('HTTP method.'),
    headers: z
      .record(
        z.string(),
        z.string().transform((v) => new Secret(v)),
      )
      .default({})
      .describe('Request headers, e.g. Authorization; their values are secrets (printed as ***).'),
    query: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .default({})
      .describe('Query parameters added to the URL.'),
    body: z.unknown().optional().describe('JSON body of a POST.'),
    records: selector("Where the records are in the response, e.g. '$.data.items' or '$.results[*]'.", '$'),
    cursor: cursorSchema.default({ type: 'none' }).describe('How polling continues where it stopped.'),
    ...recordShapeFields,
    dedup_max_keys: z
      .number()
      .int()
      .min(1)
      .max(10_000_000)
      .default(100_000)
      .describe('Most record keys remembered for deduplication (the oldest are forgotten first).'),
    retry_attempts: z.number().int().min(0).max(20).default(3).describe('Retries of a request on 429, 5xx, timeouts.'),
    retry_base_ms: z.number().int().min(1).default(500).describe('Cap of the first retry delay (full jitter below).'),
    retry_max_ms: z.number().int().min(1).default(30_000).describe('Cap of any retry delay (Retry-After included).'),
    circuit_failure_threshold: z
      .number()
      .int()
      .min(1)
      .default(5)
      .describe('Consecutive failed requests that open this source’s circuit.'),
    circuit_open_seconds: z.number().min(0.01).default(30).describe('How long the circuit stays open before a probe.'),
  })
  .strict();

/** Parsed http params. */
export type HttpParams = z.output<typeof httpParamsSchema>;
export type CursorConfig = z.output<typeof cursorSchema>;
