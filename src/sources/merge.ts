// Several sources as one: their batches interleaved into one stream with positions of its own, each event tagged
// with its source's name and priority, and a per-source resume point for every delivered position.

import { DEFAULT_WEIGHTS, PRIORITIES, type Priority } from '../pipeline/queue.js';
import type { Source, SourceEvent, StatefulSource } from './types.js';

/**
 * A member's event at its position in the merge, tagged; a serialised one stays so (its envelope unparsed, its
 * bytes undecoded).
 */
class MergedEvent implements SourceEvent {
  readonly type: string | undefined;
  readonly at: number | undefined;

  constructor(
    private readonly inner: SourceEvent,
    readonly seq: number,
    readonly source: string,
    readonly priority: Priority | undefined,
  ) {
    this.type = inner.type;
    this.at = inner.at;
  }

  get json(): string | undefined {
    return this.inner.json;
  }

  get bytes(): Uint8Array | undefined {
    return this.inner.bytes;
  }

  get key(): string | undefined {
    return this.inner.key;
  }

  get id(): string | undefined {
    return this.inner.id;
  }

  get envelope() {
    return this.inner.envelope;
  }
}

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

  /** Each source's own counters (its ingestion mode, requests, duplicates, circuit), where it keeps them. */
  metrics(): Record<string, Record<string, unknown>> {
    const out: Record<string, Record<string, unknown>> = {};
    for (const m of this.members) {
      const own = (m.source as { metrics?: () => Record<string, unknown> }).metrics?.();
      if (own) out[m.name] = own;
    }
    return out;
  }

  private current: MergeSlots | null = null;

  waitingPriority(): Priority | undefined {
    const lane = this.current?.waitingLane() ?? -1;
    return lane < 0 ? undefined : PRIORITIES[lane];
  }

  async *batches(_after: number, signal: AbortSignal): AsyncGenerator<SourceEvent[]> {
    const slots = new MergeSlots(this.members.map((m) => PRIORITIES.indexOf(m.priority ?? 'normal')));
    this.current = slots;
    const loops = this.members.map(async (m, member) => {
      try {
        const resume = m.resume ?? { position: 0 };
        const it = isStateful(m.source)
          ? m.source.batches(resume.position, signal, resume.state)
          : m.source.batches(resume.position, signal);
        for await (const events of it) {
          if (!(await slots.put(member, events))) break;
        }
      } catch (err) {
        if (!signal.aborted) this.onError?.(err, `source ${m.name}`);
      } finally {
        slots.done(member);
      }
    });
    const onAbort = () => slots.close();
    signal.addEventListener('abort', onAbort, { once: true });
    let seq = 0;
    try {
      for (;;) {
        const next = await slots.take();
        if (!next) break;
        const m = this.members[next.member];
        const out: SourceEvent[] = [];
        for (const e of next.events) {
          seq++;
          this.log.push({ at: seq, member: next.member, position: e.seq });
          out.push(new MergedEvent(e, seq, m.name, m.priority ?? e.priority));
        }
        yield out;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      slots.close();
      if (this.current === slots) this.current = null;
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

/**
 * One pending batch per source. The next batch handed on comes from the highest lane with a batch and credit left
 * (the queue's weights, per batch), oldest first within a lane: a critical source is not held behind a flood of
 * normal batches waiting for room in the queue, and a lower lane still gets its share.
 */
class MergeSlots {
  private readonly slots: Array<{ events: SourceEvent[]; at: number; resolve: (ok: boolean) => void } | null>;
  private readonly finished: boolean[];
  private readonly weights = PRIORITIES.map((p) => DEFAULT_WEIGHTS[p]);
  private readonly credits = [...this.weights];
  private waiter: (() => void) | null = null;
  private closed = false;
  private tick = 0;

  constructor(private readonly lanes: readonly number[]) {
    this.slots = lanes.map(() => null);
    this.finished = lanes.map(() => false);
  }

  /** Resolves true once the batch was taken, false if the merge closed first. */
  put(member: number, events: SourceEvent[]): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      this.slots[member] = { events, at: this.tick++, resolve };
      this.wake();
    });
  }

  done(member: number): void {
    this.finished[member] = true;
    this.wake();
  }

  close(): void {
    this.closed = true;
    for (let i = 0; i < this.slots.length; i++) {
      this.slots[i]?.resolve(false);
      this.slots[i] = null;
    }
    this.wake();
  }

  /** The next batch, or null once every source has ended (or the merge closed). */
  async take(): Promise<{ member: number; events: SourceEvent[] } | null> {
    for (;;) {
      if (this.closed) return null;
      const member = this.pick();
      if (member >= 0) {
        const slot = this.slots[member] as NonNullable<(typeof this.slots)[number]>;
        this.slots[member] = null;
        slot.resolve(true);
        return { member, events: slot.events };
      }
      if (this.finished.every(Boolean)) return null;
      await new Promise<void>((r) => {
        this.waiter = r;
      });
    }
  }

  /** The highest lane with a batch waiting (-1: none). */
  waitingLane(): number {
    let best = -1;
    for (let i = 0; i < this.slots.length; i++)
      if (this.slots[i] && (best < 0 || this.lanes[i] < best)) best = this.lanes[i];
    return best;
  }

  private pick(): number {
    for (let round = 0; round < 2; round++) {
      let best = -1;
      for (let i = 0; i < this.slots.length; i++) {
        const s = this.slots[i];
        if (!s || this.credits[this.lanes[i]] <= 0) continue;
        const b = best < 0 ? undefined : this.slots[best];
        if (!b || this.lanes[i] < this.lanes[best] || (this.lanes[i] === this.lanes[best] && s.at < b.at)) best = i;
      }
      if (best >= 0) {
        this.credits[this.lanes[best]]--;
        return best;
      }
      if (!this.slots.some(Boolean)) return -1;
      for (let l = 0; l < this.credits.length; l++) this.credits[l] = this.weights[l];
    }
    return -1;
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }
}
