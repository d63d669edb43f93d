// The dashboard's files (built from web/ into dist/web/) served at /, with security headers; a short page that
// says how to build it when it is missing.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';

/** Where the build puts the dashboard: dist/web/ of the package. */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../dist/web/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>retail-datagen</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>retail-datagen</h1>
<p>The dashboard is not built in this installation (no <code>dist/web/</code>). Run <code>npm run build</code>, then reload.</p>
<p>The API works without it: <a href="/openapi.json">/openapi.json</a> lists the routes;
<a href="/api/stream/statistics">/api/stream/statistics</a>, <a href="/api/generators/state">/api/generators/state</a>,
<a href="/metrics">/metrics</a>.</p>
</body></html>
`;

function sendFile(reply: FastifyReply, path: string) {
  const type = TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
  // Hashed assets never change; the HTML that names them must be revalidated.
  const cache = type.startsWith('text/html') ? 'no-cache' : 'public, max-age=3600';
  return reply
    .headers({ ...SECURITY_HEADERS, 'cache-control': cache })
    .type(type)
    .send(readFileSync(path));
}

/**
 * Serves `webDir` at `/` (index.html for `/`), or the "not built" page.
 * @example await app.register(dashboardRoutes('dist/web'));
 */
export function dashboardRoutes(webDir: string = DEFAULT_WEB_DIR): FastifyPluginAsync {
  const root = resolve(webDir);
  return async (app) => {
    app.get('/', (_req, reply) => {
      const index = join(root, 'index.html');
      if (existsSync(index)) return sendFile(reply, index);
      return reply.headers(SECURITY_HEADERS).type('text/html; charset=utf-8').send(NOT_BUILT);
    });
    app.get('/*', (req, reply) => {
      const rel = decodeURIComponent((req.params as { '*': string })['*'] ?? '');
      const path = resolve(root, rel);
      const inside = path.startsWith(root + sep);
      if (!rel.startsWith('api/') && inside && existsSync(path) && statSync(path).isFile())
        return sendFile(reply, path);
      return reply.status(404).send({
        statusCode: 404,
        code: 'NOT_FOUND',
        message: `no route ${req.method} ${req.url.split('?')[0]}; GET /openapi.json lists the routes`,
      });
    });
  };
}
