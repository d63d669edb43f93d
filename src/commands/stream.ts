// `retail-datagen stream`: the live event stream, continuing the history, to a sink; Ctrl-C drains and saves.

import type { Command } from 'commander';
import { DatagenError, type ErrorCode } from '../errors.js';
import { openStream } from '../jobs/stream.js';
import { testStreamConnection } from '../jobs/stream-test.js';
import { SINK_KINDS, type SinkKind } from '../sinks/registry.js';
import { MergedSource } from '../sources/merge.js';
import { type Pacing, parseSpeed } from '../sources/simulator/pacing.js';
import { openDatabase } from '../store/database.js';
import { configFrom, fmt, type GlobalOptions, note, say, withGlobalOptions } from './context.js';
import { parseCount } from './history.js';

/** Parses a duration: `90`, `90s`, `10m`, `2h`. */
export function parseDuration(flag: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(text.trim());
  if (!m)
    throw new DatagenError(
      'CLI_USAGE',
      `${flag}: expected a duration such as 90s, 10m or 2h; got ${JSON.stringify(text)}`,
    );
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  return n * (unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000);
}

/** Parses a simulated instant: an ISO time (UTC when no zone is given) or a date. */
export function parseInstant(flag: string, text: string): number {
  const t = /^\d{4}-\d{2}-\d{2}$/.test(text)
    ? `${text}T00:00:00Z`
    : /[zZ]|[+-]\d{2}:?\d{2}$/.test(text)
      ? text
      : `${text}Z`;
  const ms = Date.parse(t);
  if (Number.isNaN(ms))
    throw new DatagenError(
      'CLI_USAGE',
      `${flag}: expected a time such as 2024-03-01T12:00:00Z or a date; got ${JSON.stringify(text)}`,
    );
  return ms;
}

/** One line of a source's counters for the end-of-stream summary. */
function sourceSummary(m: Record<string, unknown>): string {
  const parts: string[] = [];
  const mode = m.ingestion as { mode: string; polls: number; poll_errors: number } | undefined;
  if (mode) parts.push(`${mode.mode}, ${fmt(mode.polls)} polls, ${fmt(mode.poll_errors)} failed`);
  const http = m.http as
    | { requests: number; retries: number; cache_hits: number; circuit: { state: string; opens: number } }
    | undefined;
  if (http)
    parts.push(
      `${fmt(http.requests)} requests, ${fmt(http.retries)} retries, ${fmt(http.cache_hits)} cache hits, circuit ${http.circuit.state} (opened ${fmt(http.circuit.opens)}x)`,
    );
  if (typeof m.records_emitted === 'number') parts.push(`${fmt(m.records_emitted)} records`);
  if (typeof m.duplicates_dropped === 'number') parts.push(`${fmt(m.duplicates_dropped)} duplicates dropped`);
  return parts.join('; ');
}

interface StreamFlags extends GlobalOptions {
  sink?: string;
  speed?: string;
  rate?: string;
  burst?: boolean;
  until?: string;
  duration?: string;
  maxEvents?: string;
  name?: string;
  fresh?: boolean;
  source?: string;
  from?: string;
  to?: string;
  restamp?: boolean;
  exactlyOnce?: boolean;
}

export function registerStream(program: Command): void {
  const stream = withGlobalOptions(program.command('stream'));
  withGlobalOptions(stream.command('test'))
    .description(
      'test the connection of the sink: connect, read its properties (an event hub: partitions) and answer within a timeout',
    )
    .option('--sink <kind>', `sink to test: ${SINK_KINDS.join(', ')} (default: stream.sink)`)
    .option('--timeout <d>', 'give up after this long (e.g. 10s)', '10s')
    .action(async (_: unknown, cmd: Command) => {
      // `stream` has options of the same names (--sink, --set...), which it takes wherever they are written.
      const opts = cmd.optsWithGlobals() as GlobalOptions & { sink?: string; timeout: string };
      const { config } = configFrom(opts);
      if (opts.sink !== undefined && !(SINK_KINDS as string[]).includes(opts.sink)) {
        throw new DatagenError(
          'CLI_USAGE',
          `--sink: expected one of ${SINK_KINDS.join(', ')}; got ${JSON.stringify(opts.sink)}`,
        );
      }
      const result = await testStreamConnection(config, {
        sink: opts.sink as SinkKind | undefined,
        timeoutMs: parseDuration('--timeout', opts.timeout),
      });
      say(JSON.stringify(result, null, 2));
      // A connection the service never answered may hold the process open; the answer is given, so end then.
      setTimeout(() => process.exit(), 200).unref();
      // Bad input (a malformed connection string, missing credentials) exits 2, like any bad config.
      const code = result.details.error_code as ErrorCode | undefined;
      if (!result.success) throw new DatagenError(code ?? 'SINK_NOT_CONNECTED', result.message);
    });
  stream
    .description('stream live events (continuing the history) through the pipeline to a sink; at least once, resumable')
    .option('--sink <kind>', `where events go: ${SINK_KINDS.join(', ')} (default: stream.sink)`)
    .option(
      '--speed <n|max>',
      'simulated seconds per second (1 = real time, the default), or max = as fast as the sink takes',
    )
    .option('--rate <events/s>', 'a fixed rate instead of simulated time')
    .option('--burst', 'the seed pacing: realtime.burst events every realtime.emit_interval_ms')
    .option('--until <time>', 'stop before this simulated time (ISO, UTC), so the stream content is fully determined')
    .option('--duration <d>', 'stop after this long (e.g. 90s, 10m)')
    .option('--max-events <n>', 'stop after this many events')
    .option(
      '--source <kind>',
      'sources (the configured sources: the default when the config has any), simulator (the world continued live) or replay (the stored history)',
    )
    .option('--from <time>', 'replay: first instant (inclusive)')
    .option('--to <time>', 'replay: last instant (exclusive)')
    .option('--restamp', 'replay: shift event times so that the replay looks live')
    .option('--name <name>', 'checkpoint name (default: derived from the sink and the stream content)')
    .option('--fresh', 'ignore the saved checkpoint and start from the beginning')
    .option(
      '--exactly-once',
      'kafka: commit each batch with the stream position in one transaction (read_committed consumers see each event once)',
    )
    .action(async (opts: StreamFlags) => {
      const { config } = configFrom(opts);
      let pacing: Pacing;
      if (opts.burst)
        pacing = { mode: 'burst', intervalMs: config.realtime.emit_interval_ms, burst: config.realtime.burst };
      else if (opts.rate !== undefined)
        pacing = { mode: 'rate', eventsPerSecond: parseCount('--rate', opts.rate, 1, 10_000_000) };
      else {
        try {
          pacing = parseSpeed(opts.speed ?? '1');
        } catch (err) {
          throw new DatagenError('CLI_USAGE', (err as Error).message);
        }
      }
      if (opts.sink !== undefined && !(SINK_KINDS as string[]).includes(opts.sink)) {
        throw new DatagenError(
          'CLI_USAGE',
          `--sink: expected one of ${SINK_KINDS.join(', ')}; got ${JSON.stringify(opts.sink)}`,
        );
      }
      const until = opts.until === undefined ? undefined : parseInstant('--until', opts.until);
      const durationMs = opts.duration === undefined ? undefined : parseDuration('--duration', opts.duration);
      const maxEvents =
        opts.maxEvents === undefined
          ? undefined
          : parseCount('--max-events', opts.maxEvents, 1, Number.MAX_SAFE_INTEGER);
      let replay: { from: number; to: number; restamp?: boolean } | undefined;
      if (opts.source === 'replay') {
        if (opts.from === undefined || opts.to === undefined)
          throw new DatagenError('CLI_USAGE', '--source replay needs --from and --to (simulated times)');
        replay = { from: parseInstant('--from', opts.from), to: parseInstant('--to', opts.to), restamp: opts.restamp };
        if (replay.to <= replay.from) throw new DatagenError('CLI_USAGE', '--to must be after --from');
      } else if (opts.source !== undefined && opts.source !== 'simulator' && opts.source !== 'sources') {
        throw new DatagenError(
          'CLI_USAGE',
          `--source: expected sources, simulator or replay; got ${JSON.stringify(opts.source)}`,
        );
      }
      const usesSources =
        opts.source === 'sources' ||
        (opts.source === undefined && Object.values(config.sources).some((x) => x.enabled));
      if (usesSources) {
        const simFlags = (['speed', 'rate', 'burst', 'until'] as const).filter((f) => opts[f] !== undefined);
        if (simFlags.length > 0)
          throw new DatagenError(
            'CLI_USAGE',
            `--${simFlags[0]} paces the simulator alone; with configured sources set params.speed (or events_per_second, until) of the retail source, or use --source simulator`,
          );
      }
      const db = await openDatabase(config.database.path, { threads: config.database.threads });
      const s = await openStream(config, db, {
        replay,
        sources: opts.source === 'sources' ? true : opts.source === undefined ? undefined : false,
        pacing,
        until,
        durationMs,
        maxEvents,
        sink: opts.sink as SinkKind | undefined,
        name: opts.name,
        fresh: opts.fresh,
        exactlyOnce: opts.exactlyOnce,
        hooks: { error: (err, context) => note(`warning: ${context}: ${(err as Error).message ?? String(err)}`) },
      });
      let signals = 0;
      const onSignal = () => {
        signals++;
        if (signals > 1) process.exit(130);
        note(
          'stopping: draining the queue and saving the checkpoint (again to quit at once; the checkpoint makes that safe)',
        );
        void s.pipeline.stop();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      const resumed = s.resumedSources
        ? Object.entries(s.resumedSources)
            .filter(([, r]) => r.position > 0)
            .map(([n, r]) => `${n} after ${fmt(r.position)}`)
            .join(', ')
        : '';
      note(
        `stream ${s.name} -> ${s.sink.kind}${s.exactlyOnce ? ' (exactly once)' : ''}${s.resumedFrom > 0 ? `, resuming after event ${fmt(s.resumedFrom)}${resumed ? ` (${resumed})` : ''}` : ''}`,
      );
      const tty = process.stderr.isTTY;
      const status = setInterval(() => {
        if (!tty) return;
        const x = s.pipeline.snapshot();
        process.stderr.write(
          `\r${x.state} | sent ${fmt(x.events_sent)} (${fmt(x.events_per_second)}/s) | queue ${fmt(x.queue_depth)} | p99 ${fmt(x.send_latency_ms.p99 || 0, 1)} ms | circuit ${x.circuit.state} | throttle ${s.throttle.active ? `${fmt(s.throttle.rate)}/s` : 'off'} | dead ${fmt(x.events_dead_lettered)}   `,
        );
      }, 1000);
      status.unref();
      try {
        await s.pipeline.start();
        await s.pipeline.finished;
      } finally {
        clearInterval(status);
        s.dispose();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        db.close();
      }
      if (tty) process.stderr.write('\n');
      const x = s.pipeline.snapshot();
      note(
        `stream ${s.name}: ${fmt(x.events_generated)} generated, ${fmt(x.events_sent)} sent, ${fmt(x.events_dead_lettered)} dead-lettered, ${fmt(x.events_dropped)} dropped, ${fmt(x.events_retried)} retried; checkpoint ${fmt(x.checkpoint.position)}; send p50/p95/p99 ${fmt(x.send_latency_ms.p50 || 0, 1)}/${fmt(x.send_latency_ms.p95 || 0, 1)}/${fmt(x.send_latency_ms.p99 || 0, 1)} ms`,
      );
      if (s.source instanceof MergedSource) {
        for (const [name, m] of Object.entries(s.source.metrics())) note(`  source ${name}: ${sourceSummary(m)}`);
      }
      if (s.pipeline.failure) throw s.pipeline.failure;
    });
}
