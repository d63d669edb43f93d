// Several sources as one: their batches interleaved into one stream with positions of its own, each event tagged
// with its source's name and priority, and a per-source resume point for every delivered position.

import type { Priority } from '../pipeline/queue.js';
import { Channel } from './channel.js';
import type { Source, SourceEvent, StatefulSource } from './types.js';

/** One source of a merge, with where it resumes. */
export interface MergeMember {
  name: string;
  source: Source;
  priority?: Priority;
  resume?: SourcePosition;
}

/** Where one source stands: its own position and, for stateful sources, the state that restarts it there. */
export interface SourcePosition {
  position: number;
  state?: unknown;
}

function isStateful(s: Source): s is StatefulSource {
  return typeof (s as StatefulSource).stateAt === 'function';
}

/**
 * Merges sources. Positions of the merged stream count from 1 on every run; what survives a restart is each
 * source's own position, from {@link MergedSource.positionsAt}: the pipeline's watermark W means every merged
 * position up to W was handled, and since each source's events enter in its own order, that source is handled
 * up to the last of its positions merged at or before W.
 * @example
 * const merged = new MergedSource([{ name: 'pos', source: sim }, { name: 'weather', source: http, priority: 'high' }]);
 * // pipeline checkpoint: save: (w) => store({ sources: merged.positionsAt(w) })
 */
export class MergedSource implements Source {
  readonly name = 'sources';
  private readonly committed: Map<string, SourcePosition>;
  /** Merged position -> (member, member position), oldest first; trimmed by positionsAt. */
  private log: Array<{ at: number; member: number; position: number }> = [];
  private logHead = 0;

  constructor(
    readonly members: readonly MergeMember[],
    private readonly onError?: (err: unknown, context: string) => void,
  ) {
    this.committed = new Map(members.map((m) => [m.name, m.resume ?? { position: 0 }]));
  }

  describe(): Record<string, unknown> {
    return { sources: Object.fromEntries(this.members.map((m) => [m.name, m.source.describe()])) };
  }

  async *batches(_after: number, signal: AbortSignal): AsyncGenerator<SourceEvent[]> {
    const channel = new Channel<{ member: number; events: SourceEvent[] }>(Math.max(1, this.members.length));
    let running = this.members.length;
    const loops = this.members.map(async (m, member) => {
      try {
        const resume = m.resume ?? { position: 0 };
        const it = isStateful(m.source)
          ? m.source.batches(resume.position, signal, resume.state)
          : m.source.batches(resume.position, signal);
        for await (const events of it) {
          if (!(await channel.put({ member, events }))) break;
        }
      } catch (err) {
        if (!signal.aborted) this.onError?.(err, `source ${m.name}`);
      } finally {
        if (--running === 0) channel.close();
      }
    });
    const onAbort = () => channel.close();
    signal.addEventListener('abort', onAbort, { once: true });
    let seq = 0;
    try {
      for await (const { member, events } of channel) {
        const m = this.members[member];
        const out: SourceEvent[] = [];
        for (const e of events) {
          seq++;
          this.log.push({ at: seq, member, position: e.seq });
          out.push({ envelope: e.envelope, seq, source: m.name, priority: m.priority ?? e.priority });
        }
        yield out;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      channel.close();
      await Promise.all(loops);
    }
  }

  /** Each source's resume point once every merged position up to `watermark` is handled. */
  positionsAt(watermark: number): Record<string, SourcePosition> {
    const moved = new Set<number>();
    while (this.logHead < this.log.length && this.log[this.logHead].at <= watermark) {
      const { member, position } = this.log[this.logHead++];
      this.committed.set(this.members[member].name, { position });
      moved.add(member);
    }
    if (this.logHead > 4096 && this.logHead * 2 > this.log.length) {
      this.log = this.log.slice(this.logHead);
      this.logHead = 0;
    }
    for (const member of moved) {
      const m = this.members[member];
      if (isStateful(m.source)) {
        const c = this.committed.get(m.name) as SourcePosition;
        this.committed.set(m.name, { position: c.position, state: m.source.stateAt(c.position) });
      }
    }
    return Object.fromEntries(this.committed);
  }
}
