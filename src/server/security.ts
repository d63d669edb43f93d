// Who may call the server: loopback needs nothing; any other address needs RETAIL_DATAGEN_API_TOKEN, and then every
// route but /health (and the dashboard's own static files, which hold no data) needs `Authorization: Bearer`,
// compared in constant time. CORS is off unless origins are configured.

import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DatagenError } from '../errors.js';

export const API_TOKEN_ENV = 'RETAIL_DATAGEN_API_TOKEN';
export const CORS_ORIGINS_ENV = 'RETAIL_DATAGEN_CORS_ORIGINS';
/** Shortest token accepted: a guessable token is no protection. */
export const MIN_TOKEN_LENGTH = 16;

export interface SecurityOptions {
  /** Bearer token every API route needs (none: no authentication, loopback only). */
  apiToken?: string;
  /** Origins allowed to call the API from a browser (exact, e.g. https://grafana.example.com); none: CORS off. */
  corsOrigins?: readonly string[];
}

/** True for 127.0.0.0/8, ::1 and localhost. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  if (h.startsWith('::ffff:')) return isLoopback(h.slice(7));
  return isIP(h) === 4 && h.startsWith('127.');
}

/**
 * Checks the token against where the server listens: another address than loopback needs a token of at least 16
 * characters. The token itself never appears in a message.
 */
export function checkListenSecurity(host: string, token: string | undefined): void {
  if (token !== undefined && token.length < MIN_TOKEN_LENGTH)
    throw new DatagenError(
      'CLI_USAGE',
      `${API_TOKEN_ENV}: too short (${token.length} characters); use at least ${MIN_TOKEN_LENGTH} random characters, e.g. the output of \`openssl rand -hex 24\``,
    );
  if (!isLoopback(host) && !token)
    throw new DatagenError(
      'CLI_USAGE',
      `--host ${host}: listening beyond loopback needs an API token; set ${API_TOKEN_ENV} (at least ${MIN_TOKEN_LENGTH} random characters) and send it as \`Authorization: Bearer <token>\`, or use --host 127.0.0.1`,
    );
}

/** Origins from a comma-separated list; each must be scheme://host[:port] with nothing after. */
export function parseCorsOrigins(text: string | undefined, field = CORS_ORIGINS_ENV): string[] {
  if (!text?.trim()) return [];
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((origin) => {
      if (!/^https?:\/\/[^/\s]+$/.test(origin))
        throw new DatagenError(
          'CLI_USAGE',
          `${field}: ${JSON.stringify(origin)} is not an origin; write scheme://host[:port] with no path, e.g. http://localhost:3000`,
        );
      return origin.toLowerCase();
    });
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Constant-time comparison (both sides hashed first, so their lengths do not leak either). */
export function tokenMatches(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** Paths served without a token: liveness, and the dashboard's static files (the page then asks for the token). */
function isPublic(req: FastifyRequest): boolean {
  const path = req.url.split('?')[0];
  if (path === '/health') return true;
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  return !(path.startsWith('/api/') || path === '/metrics' || path === '/ready' || path === '/openapi.json');
}

function sameOrigin(req: FastifyRequest, origin: string): boolean {
  try {
    return new URL(origin).host === String(req.headers.host ?? '').toLowerCase();
  } catch {
    return false;
  }
}

function unauthorized(reply: FastifyReply, message: string) {
  return reply
    .status(401)
    .header('www-authenticate', 'Bearer realm="retail-datagen"')
    .send({ statusCode: 401, code: 'UNAUTHORIZED', message });
}

/** Adds CORS (when configured) and bearer authentication (when a token is set) to the app. */
export function installSecurity(app: FastifyInstance, opts: SecurityOptions): void {
  const origins = new Set((opts.corsOrigins ?? []).map((o) => o.toLowerCase()));
  const expected = opts.apiToken;

  app.addHook('onRequest', async (req, reply) => {
    const origin = typeof req.headers.origin === 'string' ? req.headers.origin.toLowerCase() : undefined;
    const allowed = origin !== undefined && origins.has(origin);
    if (allowed) {
      reply.header('access-control-allow-origin', req.headers.origin).header('vary', 'Origin');
      if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
        return reply
          .status(204)
          .header('access-control-allow-methods', 'GET, POST, DELETE')
          .header('access-control-allow-headers', 'authorization, content-type, accept')
          .header('access-control-max-age', '600')
          .send();
      }
    }
    // A page of another origin must not change anything here (a form or a fetch without preflight can still POST).
    if (origin !== undefined && !allowed && req.method !== 'GET' && req.method !== 'HEAD' && !sameOrigin(req, origin))
      return reply.status(403).send({
        statusCode: 403,
        code: 'CROSS_ORIGIN',
        message: `origin ${origin} is not allowed to call this API; add it to ${CORS_ORIGINS_ENV} (or --cors-origin) to allow it`,
      });
    if (!expected || isPublic(req)) return;
    const header = req.headers.authorization;
    if (!header)
      return unauthorized(reply, 'authorization: missing; send `Authorization: Bearer <token>` with the API token');
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) return unauthorized(reply, 'authorization: not a bearer token; send `Authorization: Bearer <token>`');
    if (!tokenMatches(m[1], expected))
      return unauthorized(reply, 'authorization: the token does not match the server\u2019s API token');
  });
}
