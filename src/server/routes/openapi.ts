/**
 *   GET /openapi.json -> the OpenAPI 3.1 document of every route, its JSON Schemas derived from the zod schemas.
 */

import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { ServerContext } from '../app.js';
import { defineRoute, jsonSchema, type RouteDoc } from '../route.js';

type Json = Record<string, unknown>;

const openApiSchema = z
  .object({
    openapi: z.string(),
    info: z.object({ title: z.string(), version: z.string(), description: z.string() }),
    paths: z.record(z.string(), z.record(z.string(), z.record(z.string(), z.unknown()))),
  })
  .describe('An OpenAPI 3.1 document.');

function parameters(schema: z.ZodType | undefined, where: 'query' | 'path'): Json[] {
  if (!schema) return [];
  const js = jsonSchema(schema, 'input') as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(js.properties ?? {}).map(([name, s]) => {
    const { description, ...rest } = s;
    return {
      name,
      in: where,
      required: where === 'path' || (js.required ?? []).includes(name),
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

/**
 * The OpenAPI 3.1 document of the routes.
 * @example const doc = openApiDocument(ctx.docs, '0.1.0'); Object.keys(doc.paths);
 */
export function openApiDocument(docs: readonly RouteDoc[], version: string): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const d of docs) {
    const path = d.url.replace(/:([A-Za-z_]+)/g, '{$1}');
    const responses: Record<string, Json> = {};
    for (const [status, s] of Object.entries(d.response)) {
      const ok = Number(status) < 300;
      const type = ok && d.produces ? d.produces : 'application/json';
      responses[status] = {
        description: ok ? 'Success' : 'Error',
        content: {
          [type]: {
            schema:
              type === 'application/json' || type === 'text/event-stream'
                ? jsonSchema(s, 'output')
                : { type: 'string' },
          },
        },
      };
    }
    if (Object.keys(responses).length === 0)
      responses['200'] = {
        description: 'Success',
        content: { [d.produces ?? 'application/json']: { schema: { type: 'string' } } },
      };
    const op: Json = {
      summary: d.summary,
      tags: d.tags,
      operationId: `${d.method}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      parameters: [...parameters(d.params, 'path'), ...parameters(d.querystring, 'query')],
      responses,
    };
    if (d.body)
      op.requestBody = { required: false, content: { 'application/json': { schema: jsonSchema(d.body, 'input') } } };
    paths[path] ??= {};
    paths[path][d.method] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'retail-datagen',
      version,
      description:
        'Generate a retail world and its history, and run its live event stream. Errors are { statusCode, code, message }.',
    },
    paths,
  };
}

export function openApiRoutes(ctx: ServerContext): FastifyPluginAsync {
  return async (app) => {
    let doc: Json | undefined;
    defineRoute(app, ctx.docs, {
      method: 'GET',
      url: '/openapi.json',
      summary: 'This OpenAPI document',
      tags: ['meta'],
      response: { 200: openApiSchema },
      handler: () => {
        doc ??= openApiDocument(ctx.docs, '0.1.0');
        return doc;
      },
    });
  };
}
