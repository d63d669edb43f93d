// The connection test of the configured sink (`stream test`, and the server's POST /api/stream/test): connect,
// read what the destination says about itself (an event hub's partitions, a Kafka cluster's topics, a folder's
// write access) and answer success with the response time, or failure with a message and the exception type.

import { accessSync, constants, mkdirSync } from 'node:fs';
import type { Config } from '../config/schema.js';
import { redactText } from '../config/secret.js';
import { DatagenError } from '../errors.js';
import { SINKS, type SinkKind } from '../sinks/registry.js';
import type { Sink, SinkHealth } from '../sinks/types.js';
import { createSink } from './stream.js';

export interface StreamTestResult {
  success: boolean;
  message: string;
  /** Time to connect and read the destination's properties (success only). */
  response_time_ms?: number;
  details: { sink: string; exception_type?: string; error_code?: string } & Record<string, unknown>;
}

export interface StreamTestOptions {
  /** Sink kind (default: stream.sink). */
  sink?: SinkKind;
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  now?: () => number;
}

class TimeoutError extends Error {
  override name = 'TimeoutError';
}

function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function failure(kind: string, err: unknown): StreamTestResult {
  const e = err as Error & { details?: { exception_type?: string } };
  const type = e instanceof DatagenError ? (e.details as { exception_type?: string })?.exception_type : undefined;
  return {
    success: false,
    message: `Connection test failed: ${redactText(e?.message ?? String(err))}`,
    details: {
      sink: kind,
      exception_type: type ?? e?.name ?? typeof err,
      ...(e instanceof DatagenError ? { error_code: e.code } : {}),
    },
  };
}

async function probe(config: Config, kind: SinkKind, timeoutMs: number, opened: Sink[]): Promise<SinkHealth> {
  if (kind === 'file') {
    const { dir } = SINKS.file.configSchema.parse(config.sinks.file ?? {});
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    return { ok: true, detail: `folder ${dir} is writable`, info: { dir } };
  }
  if (kind === 'stdout') return { ok: true, detail: 'standard output needs no connection' };
  if (kind === 'duckdb')
    return { ok: true, detail: `the outbox table is written in ${config.database.path}`, info: {} };
  // The client's own timeout is the test's, so that nothing is left running after the answer.
  const sinks = config.sinks as Record<string, Record<string, unknown> | undefined>;
  const quick = kind === 'kafka' ? { retries: 0 } : { client_retries: 0 };
  const own = { ...config, sinks: { ...sinks, [kind]: { ...sinks[kind], timeout_ms: timeoutMs, ...quick } } };
  const sink = createSink(own as Config, kind, undefined as never);
  opened.push(sink);
  await sink.open();
  return sink.check ? await sink.check() : { ok: true, detail: `${kind} sink opened` };
}

/**
 * Tests the connection of a sink within a timeout; never throws.
 * @example const r = await testStreamConnection(config, { sink: 'eventhubs', timeoutMs: 5000 }); if (!r.success) console.error(r.message);
 */
export async function testStreamConnection(config: Config, opts: StreamTestOptions = {}): Promise<StreamTestResult> {
  const kind = opts.sink ?? (config.stream.sink as SinkKind);
  const now = opts.now ?? (() => performance.now());
  const timeoutMs = opts.timeoutMs ?? 10_000;
  if (!(kind in SINKS))
    return failure(
      kind,
      new DatagenError('CLI_USAGE', `unknown sink ${kind}; known: ${Object.keys(SINKS).join(', ')}`),
    );
  // The client library loads before the clock starts: the response time is the service's, not the disk's.
  if (kind === 'eventhubs') await import('@azure/event-hubs');
  const started = now();
  let health: SinkHealth;
  const opened: Sink[] = [];
  try {
    health = await within(timeoutMs, probe(config, kind, timeoutMs, opened));
  } catch (err) {
    return failure(kind, err);
  } finally {
    // Closing also abandons a connection still being set up when the time ran out.
    for (const sink of opened) void sink.close().catch(() => {});
  }
  const elapsed = Math.round((now() - started) * 10) / 10;
  if (!health.ok)
    return {
      success: false,
      message: `Connection test failed: ${redactText(health.detail ?? 'no detail')}`,
      details: { sink: kind, exception_type: health.errorType ?? 'Error' },
    };
  return {
    success: true,
    message: `Connection test successful: ${health.detail ?? kind}`,
    response_time_ms: elapsed,
    details: { sink: kind, ...health.info },
  };
}

/** The answer of POST /api/stream/test: the seed's flat fields, and what the destination said of itself. */
export interface ConnectionTestResult {
  success: boolean;
  sink: string;
  response_time_ms: number;
  message: string;
  /** The error's code (or exception class) when the test failed. */
  error_type?: string;
  details?: Record<string, unknown>;
}

/**
 * The connection test in the server's shape (response time measured on failures too).
 * @example const r = await testSinkConnection(config, { sink: 'kafka', timeoutMs: 3000 }); r.error_type;
 */
export async function testSinkConnection(
  config: Config,
  opts: { sink?: string; timeoutMs?: number } = {},
): Promise<ConnectionTestResult> {
  const started = performance.now();
  const r = await testStreamConnection(config, { sink: opts.sink as SinkKind | undefined, timeoutMs: opts.timeoutMs });
  const { sink, exception_type, error_code, ...details } = r.details;
  const errorType = error_code ?? exception_type;
  return {
    success: r.success,
    sink,
    response_time_ms: r.response_time_ms ?? Math.round((performance.now() - started) * 10) / 10,
    message: r.message,
    ...(r.success || !errorType ? {} : { error_type: errorType }),
    ...(Object.keys(details).length > 0 ? { details } : {}),
  };
}
