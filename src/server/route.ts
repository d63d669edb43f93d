// Routes defined once with zod: the request is parsed with the zod schemas (clear 400s naming the field), and the
// same schemas, as JSON Schema, go on the Fastify route and into the OpenAPI document.

import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { z } from 'zod';
import { problemsFromIssues } from '../config/problems.js';
import { DatagenError } from '../errors.js';

type Part = 'body' | 'querystring' | 'params';

export interface RouteSpec<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType> {
  method: HTTPMethods | HTTPMethods[];
  url: string;
  summary: string;
  tags: string[];
  body?: B;
  querystring?: Q;
  params?: P;
  /** Response schemas by status; errors (4xx/5xx) get the error schema unless given. */
  response: Record<number, z.ZodType>;
  /** Content type of the success answer when it is not JSON (text/event-stream, text/plain). */
  produces?: string;
  handler: (
    req: FastifyRequest & { body: z.output<B>; query: z.output<Q>; params: z.output<P> },
    reply: FastifyReply,
  ) => unknown;
}

/** What the OpenAPI document needs of a route. */
export interface RouteDoc {
  method: string;
  url: string;
  summary: string;
  tags: string[];
  body?: z.ZodType;
  querystring?: z.ZodType;
  params?: z.ZodType;
  response: Record<number, z.ZodType>;
  produces?: string;
}

/** JSON Schema of a zod schema: the input side for requests, the output side for answers. */
export function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _s, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

const PART_NAME: Record<Part, string> = { body: 'body', querystring: 'query', params: 'path' };

/** Parses one part of a request; a bad value is a REQUEST_INVALID error naming each field and what it accepts. */
export function parsePart<T extends z.ZodType>(schema: T, part: Part, data: unknown): z.output<T> {
  const input = data ?? {};
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const problems = problemsFromIssues(r.error.issues, input, schema, new Map());
  const lines = problems.map((p) => {
    const field = p.path ? `${PART_NAME[part]}.${p.path}` : PART_NAME[part];
    const got = p.value === undefined ? '' : `; got ${JSON.stringify(p.value)?.slice(0, 80)}`;
    return `${field}: ${p.message}${got}`;
  });
  throw new DatagenError('REQUEST_INVALID', lines.join('; '), { details: problems });
}

/**
 * Registers a route on `app` and records it in `docs` for the OpenAPI document.
 * @example defineRoute(app, docs, { method: 'GET', url: '/api/jobs', summary: 'List jobs', tags: ['jobs'], response: { 200: jobListSchema }, handler: () => ({ jobs: [] }) });
 */
export function defineRoute<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType>(
  app: FastifyInstance,
  docs: RouteDoc[],
  spec: RouteSpec<B, Q, P>,
): void {
  const methods = Array.isArray(spec.method) ? spec.method : [spec.method];
  for (const m of methods)
    docs.push({
      method: m.toLowerCase(),
      url: `${app.prefix}${spec.url}`.replace(/(.)\/$/, '$1'),
      summary: spec.summary,
      tags: spec.tags,
      body: spec.body,
      querystring: spec.querystring,
      params: spec.params,
      response: spec.response,
      produces: spec.produces,
    });
  const schema: Record<string, unknown> = {};
  if (spec.body) schema.body = jsonSchema(spec.body, 'input');
  if (spec.querystring) schema.querystring = jsonSchema(spec.querystring, 'input');
  if (spec.params) schema.params = jsonSchema(spec.params, 'input');
  const responses: Record<number, unknown> = {};
  for (const [status, s] of Object.entries(spec.response)) responses[Number(status)] = jsonSchema(s, 'output');
  schema.response = responses;
  app.route({
    method: spec.method,
    url: spec.url,
    schema,
    // Parsing is done here with zod (not by the JSON Schema validator) so that the answer names the field and the fix.
    preValidation: async (req) => {
      if (spec.body) req.body = parsePart(spec.body, 'body', req.body);
      else if (req.body !== undefined && req.body !== null && Object.keys(req.body as object).length > 0)
        throw new DatagenError('REQUEST_INVALID', `body: ${spec.url} takes no body; send none`);
      if (spec.querystring) req.query = parsePart(spec.querystring, 'querystring', req.query);
      if (spec.params) req.params = parsePart(spec.params, 'params', req.params);
    },
    handler: spec.handler as never,
  });
}
