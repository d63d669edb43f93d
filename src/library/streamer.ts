// The library's streamer: the live stream of the CLI as an object with start/stop/pause/resume, statistics,
// health and hooks, and a scoped session that stops and drains at its end.

import type { Config, ConfigInput } from '../config/schema.js';
import { generateMaster } from '../jobs/master.js';
import {
  openStream,
  type RunningStream,
  type StreamHealth,
  type StreamOptions,
  type StreamStatistics,
  streamHealth,
  streamStatistics,
} from '../jobs/stream.js';
import type { PipelineHooks } from '../pipeline/pipeline.js';
import type { SinkKind } from '../sinks/registry.js';
import type { Sink } from '../sinks/types.js';
import type { Pacing } from '../sources/simulator/pacing.js';
import { type Database, openDatabase } from '../store/database.js';
import { toConfig } from './config.js';

export interface StreamerOptions {
  config?: ConfigInput | Config;
  /** Database file (default: database.path); the world is generated into it when missing. */
  db?: string;
  sink?: SinkKind | Sink;
  pacing?: Pacing;
  until?: Date | string | number;
  durationMs?: number;
  maxEvents?: number;
  name?: string;
  hooks?: PipelineHooks;
}

/**
 * @example
 * await using streamer = await Streamer.open({ sink: 'stdout', pacing: { mode: 'speed', speed: 60 } });
 * await streamer.start();
 */
export class Streamer {
  private constructor(
    private readonly db: Database,
    private readonly stream: RunningStream,
  ) {}

  static async open(opts: StreamerOptions = {}): Promise<Streamer> {
    const config = toConfig(opts.config);
    const db = await openDatabase(opts.db ?? config.database.path, { threads: config.database.threads });
    try {
      await generateMaster(config, db);
      const until =
        opts.until === undefined
          ? undefined
          : opts.until instanceof Date
            ? opts.until.getTime()
            : typeof opts.until === 'string'
              ? Date.parse(opts.until)
              : opts.until;
      const streamOpts: StreamOptions = {
        pacing: opts.pacing ?? { mode: 'speed', speed: 1 },
        until,
        durationMs: opts.durationMs,
        maxEvents: opts.maxEvents,
        name: opts.name,
        hooks: opts.hooks,
        ...(typeof opts.sink === 'object' ? { sinkInstance: opts.sink } : { sink: opts.sink }),
      };
      return new Streamer(db, await openStream(config, db, streamOpts));
    } catch (err) {
      db.close();
      throw err;
    }
  }

  get name(): string {
    return this.stream.name;
  }

  start(): Promise<void> {
    return this.stream.pipeline.start();
  }

  pause(): void {
    this.stream.pipeline.pause();
  }

  resume(): void {
    this.stream.pipeline.resume();
  }

  /** Resolves when the stream ends on its own (until, max events, duration) or is stopped. */
  get finished(): Promise<void> {
    return this.stream.pipeline.finished;
  }

  /** Stops, drains, saves the checkpoint and closes the database. */
  async stop(): Promise<void> {
    await this.stream.pipeline.stop();
    this.stream.dispose();
    this.db.close();
  }

  statistics(): StreamStatistics {
    return streamStatistics(this.stream);
  }

  health(): Promise<StreamHealth> {
    return streamHealth(this.stream);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

/**
 * Runs `fn` with a started streamer and stops and drains it afterwards, even when `fn` throws.
 * @example await streamingSession({ sink: 'stdout', maxEvents: 100 }, async (s) => { await s.finished; });
 */
export async function streamingSession<T>(opts: StreamerOptions, fn: (s: Streamer) => Promise<T>): Promise<T> {
  const s = await Streamer.open(opts);
  try {
    await s.start();
    return await fn(s);
  } finally {
    await s.stop();
  }
}
