// The connection test of a sink (POST /api/stream/test): open it, ask its health check, close it, and time it.

import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import type { Config } from '../config/schema.js';
import { redactText } from '../config/secret.js';
import { DatagenError } from '../errors.js';
import { SINK_KINDS, type SinkKind } from '../sinks/registry.js';
import type { Sink } from '../sinks/types.js';
import type { Database } from '../store/database.js';
import { createSink } from './stream.js';

export interface ConnectionTestResult {
  success: boolean;
  sink: string;
  response_time_ms: number;
  message: string;
  /** The error's code (or class name) when the test failed. */
  error_type?: string;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** The sink-specific part of the test, beyond open() and check(). */
async function probe(kind: SinkKind, config: Config): Promise<string | undefined> {
  if (kind === 'file') {
    const dir = (config.sinks as { file?: { dir?: string } }).file?.dir ?? 'data/stream';
    await access(dir, constants.W_OK);
    return `folder ${dir} is writable`;
  }
  return undefined;
}

/**
 * Tests the connection to a sink (default: stream.sink): never throws; the answer says what failed.
 * @example const r = await testSinkConnection(config, db); if (!r.success) console.log(r.message);
 */
export async function testSinkConnection(
  config: Config,
  db: Database | undefined,
  opts: { sink?: string; timeoutMs?: number; sinkInstance?: Sink } = {},
): Promise<ConnectionTestResult> {
  const kind = opts.sink ?? config.stream.sink;
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
  let sink: Sink | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    if (!opts.sinkInstance && !(SINK_KINDS as string[]).includes(kind))
      throw new DatagenError(
        'CLI_USAGE',
        `sink: expected one of ${SINK_KINDS.join(', ')}; got ${JSON.stringify(kind)}`,
      );
    const s = opts.sinkInstance ?? createSink(config, kind as SinkKind, db as Database);
    sink = s;
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const work = (async () => {
      await s.open();
      const health = (await s.check?.()) ?? { ok: true };
      if (!health.ok)
        throw new DatagenError('SINK_NOT_CONNECTED', `${s.kind} sink: ${health.detail ?? 'health check failed'}`);
      const extra = opts.sinkInstance ? undefined : await probe(kind as SinkKind, config);
      return [health.detail, extra].filter(Boolean).join('; ');
    })();
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new DatagenError('SINK_NOT_CONNECTED', `${s.kind} sink: no answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    const detail = await Promise.race([work, timeout]);
    return {
      success: true,
      sink: s.kind,
      response_time_ms: elapsed(),
      message: `Connection test successful${detail ? `: ${detail}` : ''}`,
    };
  } catch (err) {
    return {
      success: false,
      sink: kind,
      response_time_ms: elapsed(),
      message: `Connection test failed: ${redactText((err as Error).message ?? String(err))}`,
      error_type: err instanceof DatagenError ? err.code : ((err as Error).name ?? 'Error'),
    };
  } finally {
    clearTimeout(timer);
    await sink?.close().catch(() => {});
  }
}
