// The bounded event queue between the simulator and the sinks: four priority lanes, backpressure or counted drops.

import { DatagenError } from '../errors.js';

/**
 * The lanes, highest first.
 * @example PRIORITIES[0] === 'critical'
 */
export const PRIORITIES = ['critical', 'high', 'normal', 'low'] as const;

/** A lane of the queue. @example const p: Priority = 'normal'; */
export type Priority = (typeof PRIORITIES)[number];

/** What to do with a push when the queue is full. @example const o: OverflowPolicy = 'block'; */
export type OverflowPolicy = 'block' | 'drop_oldest' | 'drop_newest';

/** Why an item was dropped: the policy that dropped it. @example const r: DropReason = 'drop_oldest'; */
export type DropReason = 'drop_oldest' | 'drop_newest';

/** Drop counters. @example q.dropped().byType.sale_completed?.drop_oldest */
export interface DropCounts {
  total: number;
  byReason: Record<DropReason, number>;
  byType: Record<string, Record<DropReason, number>>;
}

/** Options of {@link BoundedPriorityQueue}. @example { capacity: 10_000, overflow: 'block' } */
export interface QueueOptions<T> {
  /** Most items held at once, all lanes together. */
  capacity: number;
  /** Default 'block': push waits for room (backpressure). */
  overflow?: OverflowPolicy;
  /** Items per round of each lane (see the class doc). Default critical 8, high 4, normal 2, low 1. */
  weights?: Partial<Record<Priority, number>>;
  /** The type an item is counted under when dropped. Default: its `type` property, else 'unknown'. */
  typeOf?: (item: T) => string;
  /** Called once for every dropped item. */
  onDrop?: (item: T, reason: DropReason) => void;
}

/** @example DEFAULT_WEIGHTS.low === 1 */
export const DEFAULT_WEIGHTS: Readonly<Record<Priority, number>> = { critical: 8, high: 4, normal: 2, low: 1 };

/** A FIFO with O(1) push and shift: an array plus a head index, compacted when half of it is dead. */
class Lane<T> {
  private items: T[] = [];
  private head = 0;
  get length(): number {
    return this.items.length - this.head;
  }
  push(item: T): void {
    this.items.push(item);
  }
  shift(): T {
    const item = this.items[this.head];
    this.items[this.head] = undefined as T;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

interface WaitingPusher<T> {
  item: T;
  lane: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

interface WaitingTaker<T> {
  max: number;
  resolve: (items: T[]) => void;
}

/**
 * A bounded queue with four priority lanes.
 *
 * Scheduling is weighted round robin with per-lane credits (deficit round robin where every item costs 1):
 * a round gives each lane `weights[lane]` credits; each item taken comes from the highest lane that has both
 * items and credit left, and spends one credit; when no non-empty lane has credit, a new round starts.
 * Credits carry over between `take` calls, so the shares hold even for `take(1)`. Under constant pressure on
 * every lane the shares are 8:4:2:1 (critical gets 8/15, low 1/15), so low never starves; a lane with nothing
 * queued does not hold up the others. A critical item is served first unless critical already spent its
 * credits this round, in which case it waits behind at most the other lanes' remaining credits (7 by default).
 *
 * @example
 * const q = new BoundedPriorityQueue<Event>({ capacity: 10_000 });
 * await q.push(event, 'normal'); // waits while the queue is full
 * const batch = await q.take(256); // resolves once at least one item is there
 */
export class BoundedPriorityQueue<T> {
  readonly capacity: number;
  private readonly overflow: OverflowPolicy;
  private readonly weights: number[];
  private readonly typeOf: (item: T) => string;
  private readonly onDrop?: (item: T, reason: DropReason) => void;
  private readonly lanes = PRIORITIES.map(() => new Lane<T>());
  private readonly credits: number[];
  private count = 0;
  private isClosed = false;
  private deliveryScheduled = false;
  private readonly pushers = new Lane<WaitingPusher<T>>();
  private readonly takers = new Lane<WaitingTaker<T>>();
  private drainers: Array<() => void> = [];
  private dropTotal = 0;
  private readonly dropsByReason: Record<DropReason, number> = { drop_oldest: 0, drop_newest: 0 };
  private readonly dropsByType = new Map<string, Record<DropReason, number>>();

  constructor(options: QueueOptions<T>) {
    if (!Number.isInteger(options.capacity) || options.capacity < 1) {
      throw new DatagenError('CONFIG_INVALID', `queue capacity must be a positive integer; got ${options.capacity}`);
    }
    const weights = { ...DEFAULT_WEIGHTS, ...options.weights };
    for (const p of PRIORITIES) {
      if (!Number.isInteger(weights[p]) || weights[p] < 1) {
        throw new DatagenError(
          'CONFIG_INVALID',
          `queue weight of '${p}' must be a positive integer; got ${weights[p]}`,
        );
      }
    }
    this.capacity = options.capacity;
    this.overflow = options.overflow ?? 'block';
    this.weights = PRIORITIES.map((p) => weights[p]);
    this.credits = [...this.weights];
    this.typeOf = options.typeOf ?? defaultTypeOf;
    this.onDrop = options.onDrop;
  }

  /** Items queued, all lanes together. */
  get size(): number {
    return this.count;
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.isClosed;
  }

  /** Items queued per lane. */
  sizeByLane(): Record<Priority, number> {
    return {
      critical: this.lanes[0].length,
      high: this.lanes[1].length,
      normal: this.lanes[2].length,
      low: this.lanes[3].length,
    };
  }

  /** A copy of the drop counters. */
  dropped(): DropCounts {
    const byType = Object.fromEntries([...this.dropsByType].map(([type, counts]) => [type, { ...counts }]));
    return { total: this.dropTotal, byReason: { ...this.dropsByReason }, byType };
  }

  /**
   * Adds an item. With 'block' it resolves once the item is queued, waiting (behind earlier waiting pushes) while
   * the queue is full. With a drop policy it never waits; when full it drops either the incoming item
   * ('drop_newest') or the oldest item of the lowest non-empty lane ('drop_oldest'). Under 'drop_oldest' the
   * incoming item takes part: if its lane is below every queued lane, it is the one dropped, so a lower item is
   * never kept at the expense of a higher one. Rejects with QUEUE_CLOSED after `close()`.
   */
  /**
   * Adds the item now when there is room and nobody waits (no promise: the hot path of a fast source);
   * returns false when the caller must use push() (full, closed or pushers waiting).
   */
  tryPush(item: T, priority: Priority): boolean {
    if (this.isClosed || this.count >= this.capacity || this.pushers.length > 0) return false;
    this.enqueue(item, laneIndex(priority));
    return true;
  }

  push(item: T, priority: Priority): Promise<void> {
    if (this.isClosed) return Promise.reject(closedError());
    const lane = laneIndex(priority);
    if (this.count < this.capacity && this.pushers.length === 0) {
      this.enqueue(item, lane);
      return Promise.resolve();
    }
    switch (this.overflow) {
      case 'block':
        return new Promise((resolve, reject) => this.pushers.push({ item, lane, resolve, reject }));
      case 'drop_newest':
        this.recordDrop(item, 'drop_newest');
        return Promise.resolve();
      case 'drop_oldest': {
        const victim = this.lowestNonEmptyLane();
        if (lane > victim) {
          this.recordDrop(item, 'drop_oldest');
        } else {
          this.count--;
          this.recordDrop(this.lanes[victim].shift(), 'drop_oldest');
          this.enqueue(item, lane);
        }
        return Promise.resolve();
      }
    }
  }

  /**
   * Resolves with 1..max items as soon as at least one is queued (items pushed in the same tick are gathered).
   * After `close()` it still hands out what is left, then resolves with [].
   */
  take(max: number): Promise<T[]> {
    if (this.takers.length === 0 && this.count > 0) return Promise.resolve(this.takeNow(max));
    if (this.isClosed) return Promise.resolve([]);
    return new Promise((resolve) => {
      this.takers.push({ max, resolve });
      if (this.count > 0) this.scheduleDelivery();
    });
  }

  /** Takes up to `max` items now, in scheduling order; [] when empty. */
  tryTake(max: number): T[] {
    return this.takeNow(max);
  }

  /**
   * Stops intake: waiting takers get what is left (or []), waiting and later pushes reject with QUEUE_CLOSED.
   * Items already queued stay takeable.
   */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    while (this.pushers.length > 0) this.pushers.shift().reject(closedError());
    while (this.takers.length > 0) {
      const taker = this.takers.shift();
      taker.resolve(this.takeNow(taker.max));
    }
    this.notifyDrainers();
  }

  /** Resolves once the queue is empty and no push is waiting. */
  drain(): Promise<void> {
    if (this.count === 0 && this.pushers.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainers.push(resolve));
  }

  private enqueue(item: T, lane: number): void {
    this.lanes[lane].push(item);
    this.count++;
    if (this.takers.length > 0) this.scheduleDelivery();
  }

  private takeNow(max: number): T[] {
    const out: T[] = [];
    const limit = Math.min(Math.max(0, Math.floor(max)), this.count);
    while (out.length < limit) {
      let lane = this.nextLane();
      if (lane < 0) {
        for (let i = 0; i < this.credits.length; i++) this.credits[i] = this.weights[i];
        lane = this.nextLane();
      }
      this.credits[lane]--;
      out.push(this.lanes[lane].shift());
      this.count--;
    }
    if (out.length > 0) this.admitPushers();
    return out;
  }

  private nextLane(): number {
    for (let i = 0; i < this.lanes.length; i++) if (this.credits[i] > 0 && this.lanes[i].length > 0) return i;
    return -1;
  }

  private lowestNonEmptyLane(): number {
    for (let i = this.lanes.length - 1; i >= 0; i--) if (this.lanes[i].length > 0) return i;
    return -1;
  }

  private admitPushers(): void {
    while (this.count < this.capacity && this.pushers.length > 0) {
      const p = this.pushers.shift();
      this.lanes[p.lane].push(p.item);
      this.count++;
      p.resolve();
    }
    this.notifyDrainers();
  }

  // Deferred to a microtask so that a burst of synchronous pushes reaches a waiting taker as one batch.
  private scheduleDelivery(): void {
    if (this.deliveryScheduled) return;
    this.deliveryScheduled = true;
    queueMicrotask(() => {
      this.deliveryScheduled = false;
      while (this.takers.length > 0 && this.count > 0) {
        const taker = this.takers.shift();
        taker.resolve(this.takeNow(taker.max));
      }
    });
  }

  private notifyDrainers(): void {
    if (this.count > 0 || this.pushers.length > 0 || this.drainers.length === 0) return;
    const drainers = this.drainers;
    this.drainers = [];
    for (const resolve of drainers) resolve();
  }

  private recordDrop(item: T, reason: DropReason): void {
    const type = this.typeOf(item);
    this.dropTotal++;
    this.dropsByReason[reason]++;
    let counts = this.dropsByType.get(type);
    if (!counts) {
      counts = { drop_oldest: 0, drop_newest: 0 };
      this.dropsByType.set(type, counts);
    }
    counts[reason]++;
    this.onDrop?.(item, reason);
  }
}

function laneIndex(priority: Priority): number {
  const i = PRIORITIES.indexOf(priority);
  if (i < 0) throw new DatagenError('INTERNAL', `unknown priority '${String(priority)}'`);
  return i;
}

function defaultTypeOf(item: unknown): string {
  const type = (item as { type?: unknown } | null)?.type;
  return typeof type === 'string' ? type : 'unknown';
}

function closedError(): DatagenError {
  return new DatagenError('QUEUE_CLOSED', 'the queue is closed');
}
