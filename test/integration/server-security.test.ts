// The server's protection: a token needed beyond loopback, bearer authentication on every route but /health and the
// dashboard's files, CORS only for configured origins, cross-origin writes refused, and the token never echoed.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildServer } from '../../src/server/app.js';
import { checkListenSecurity, isLoopback, parseCorsOrigins, tokenMatches } from '../../src/server/security.js';
import { openDatabase } from '../../src/store/database.js';
import { runCli } from '../helpers/cli.js';
import { dir, tinyConfig } from './server-helpers.js';

const TOKEN = `t-${'k'.repeat(30)}`;

const config = tinyConfig();
const db = await openDatabase(config.database.path);
const { app } = await buildServer({
  config,
  db,
  security: { apiToken: TOKEN, corsOrigins: ['http://localhost:3000'] },
});
test.after(async () => {
  await app.close();
  db.close();
});

const auth = { authorization: `Bearer ${TOKEN}` };

test('loopback addresses are told apart from the others', () => {
  for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1'])
    assert.ok(isLoopback(h), h);
  for (const h of ['0.0.0.0', '::', '192.0.2.10', 'example.com', '128.0.0.1']) assert.ok(!isLoopback(h), h);
});

test('listening beyond loopback needs a token of at least 16 characters, named without echoing it', () => {
  assert.doesNotThrow(() => checkListenSecurity('127.0.0.1', undefined));
  assert.throws(() => checkListenSecurity('0.0.0.0', undefined), /RETAIL_DATAGEN_API_TOKEN/);
  assert.throws(
    () => checkListenSecurity('0.0.0.0', 'short-secret'),
    (e: Error) => /too short/.test(e.message) && !e.message.includes('short-secret'),
  );
  assert.doesNotThrow(() => checkListenSecurity('0.0.0.0', TOKEN));
});

test('tokens compare exactly, whatever their lengths', () => {
  assert.ok(tokenMatches(TOKEN, TOKEN));
  assert.ok(!tokenMatches(`${TOKEN}x`, TOKEN));
  assert.ok(!tokenMatches(TOKEN.slice(0, -1), TOKEN));
  assert.ok(!tokenMatches('', TOKEN));
});

test('CORS origins must be bare origins', () => {
  assert.deepEqual(parseCorsOrigins('http://a.example:3000, https://b.example'), [
    'http://a.example:3000',
    'https://b.example',
  ]);
  assert.deepEqual(parseCorsOrigins(undefined), []);
  assert.throws(() => parseCorsOrigins('http://a.example/path', '--cors-origin'), /--cors-origin: .*scheme:\/\/host/);
  assert.throws(() => parseCorsOrigins('a.example'), /RETAIL_DATAGEN_CORS_ORIGINS/);
});

test('/health answers without a token; every API route, /ready, /metrics and openapi.json need it', async () => {
  assert.equal((await app.inject({ method: 'GET', url: '/health' })).statusCode, 200);
  for (const [method, url] of [
    ['GET', '/ready'],
    ['GET', '/metrics'],
    ['GET', '/openapi.json'],
    ['GET', '/api/generators/state'],
    ['GET', '/api/stream/status'],
    ['GET', '/api/stream/live'],
    ['POST', '/api/stream/stop'],
    ['GET', '/api/dlq/stats'],
    ['GET', '/api/jobs'],
  ] as const) {
    const r = await app.inject({ method, url });
    assert.equal(r.statusCode, 401, `${method} ${url}`);
    const body = r.json();
    assert.equal(body.code, 'UNAUTHORIZED');
    assert.equal(body.statusCode, 401);
    assert.match(r.headers['www-authenticate'] as string, /^Bearer/);
  }
});

test('a wrong or malformed token is refused, and the right one passes; the token is never echoed', async () => {
  for (const authorization of [`Bearer ${TOKEN}x`, `Basic ${TOKEN}`, TOKEN, 'Bearer ']) {
    const r = await app.inject({ method: 'GET', url: '/api/generators/state', headers: { authorization } });
    assert.equal(r.statusCode, 401, authorization);
    assert.ok(!r.body.includes(TOKEN));
  }
  const ok = await app.inject({ method: 'GET', url: '/api/generators/state', headers: auth });
  assert.equal(ok.statusCode, 200);
  const openapi = await app.inject({ method: 'GET', url: '/openapi.json', headers: auth });
  assert.equal(openapi.statusCode, 200);
  assert.ok(!openapi.body.includes(TOKEN));
});

test("the dashboard's page loads without a token (it asks for one), with security headers", async () => {
  const r = await app.inject({ method: 'GET', url: '/' });
  assert.equal(r.statusCode, 200);
  assert.match(r.headers['content-security-policy'] as string, /default-src 'self'/);
  assert.equal(r.headers['x-frame-options'], 'DENY');
  assert.equal(r.headers['x-content-type-options'], 'nosniff');
});

test('CORS answers only configured origins; a preflight of one gets the allowed methods and headers', async () => {
  const pre = await app.inject({
    method: 'OPTIONS',
    url: '/api/stream/start',
    headers: {
      origin: 'http://localhost:3000',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type',
    },
  });
  assert.equal(pre.statusCode, 204);
  assert.equal(pre.headers['access-control-allow-origin'], 'http://localhost:3000');
  assert.match(pre.headers['access-control-allow-headers'] as string, /authorization/);
  const get = await app.inject({
    method: 'GET',
    url: '/api/stream/status',
    headers: { ...auth, origin: 'http://localhost:3000' },
  });
  assert.equal(get.statusCode, 200);
  assert.equal(get.headers['access-control-allow-origin'], 'http://localhost:3000');
  const other = await app.inject({
    method: 'GET',
    url: '/api/stream/status',
    headers: { ...auth, origin: 'http://evil.example' },
  });
  assert.equal(other.headers['access-control-allow-origin'], undefined);
});

test('a write from another origin is refused even without a preflight; same-origin writes pass', async () => {
  const cross = await app.inject({
    method: 'POST',
    url: '/api/stream/stop',
    headers: { ...auth, origin: 'http://evil.example' },
  });
  assert.equal(cross.statusCode, 403);
  assert.equal(cross.json().code, 'CROSS_ORIGIN');
  const same = await app.inject({
    method: 'POST',
    url: '/api/stream/stop',
    headers: { ...auth, origin: 'http://localhost:8000', host: 'localhost:8000' },
  });
  assert.notEqual(same.statusCode, 403);
});

test('with no token the server is open on loopback and CORS stays off', async () => {
  const c = tinyConfig();
  const d = await openDatabase(c.database.path);
  const { app: open } = await buildServer({ config: c, db: d });
  try {
    const r = await open.inject({
      method: 'GET',
      url: '/api/generators/state',
      headers: { origin: 'http://localhost:3000' },
    });
    assert.equal(r.statusCode, 200);
    assert.equal(r.headers['access-control-allow-origin'], undefined);
  } finally {
    await open.close();
    d.close();
  }
});

test('serve and start refuse a public address without a token, before touching the database (exit 2)', async () => {
  for (const cmd of ['serve', 'start']) {
    const dbPath = join(dir, `refused-${cmd}.duckdb`);
    const r = await runCli([cmd, '--host', '0.0.0.0', '--port', '0', '--db', dbPath]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--host 0\.0\.0\.0: .*RETAIL_DATAGEN_API_TOKEN/);
    assert.ok(!existsSync(dbPath), `${cmd} created the database`);
    const short = await runCli([cmd, '--host', '0.0.0.0', '--port', '0', '--db', dbPath], {
      env: { RETAIL_DATAGEN_API_TOKEN: 'abc123' },
    });
    assert.equal(short.code, 2);
    assert.match(short.stderr, /too short/);
    assert.ok(!short.stderr.includes('abc123'));
    const cors = await runCli([cmd, '--cors-origin', 'not-an-origin', '--port', '0', '--db', dbPath]);
    assert.equal(cors.code, 2);
    assert.match(cors.stderr, /--cors-origin: "not-an-origin"/);
  }
});
