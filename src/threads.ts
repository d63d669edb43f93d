// Worker threads of this package: starting one from a module under the TypeScript loader (tests, benchmarks: the
// module is a .ts file) or built (.js), and the link its main thread keeps (messages, flow control, stop).

import { Worker, type WorkerOptions } from 'node:worker_threads';
import { DatagenError } from './errors.js';

/**
 * A worker running the module `name` (without extension) next to the module at `from` (its import.meta.url).
 * @example const w = startWorker(import.meta.url, './worker', { workerData: init });
 */
export function startWorker(from: string, name: string, options: WorkerOptions): Worker {
  const ext = from.endsWith('.ts') ? '.ts' : '.js';
  const url = new URL(`${name}${ext}`, from);
  // A worker thread does not inherit the TypeScript loader of the process, so a .ts worker registers it first.
  return ext === '.ts'
    ? new Worker(`import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`, {
        ...options,
        eval: true,
      })
    : new Worker(url, options);
}

/** Slot of a WorkerLink's flow-control array counting the messages the main thread has finished with. */
export const FLOW_DONE = 0;
/** Slot of a WorkerLink's flow-control array that the main thread sets to 1 to stop the worker. */
export const FLOW_STOP = 1;

/**
 * In a worker: waits while `sent` messages are `max` or more ahead of those the main thread finished with; false
 * when the main thread asked it to stop. Simulating is synchronous, so waiting blocks the thread rather than awaits.
 * @example if (!waitForRoom(counts, sent, 16)) throw new Stopped();
 */
export function waitForRoom(counts: Int32Array, sent: number, max: number): boolean {
  for (let done = Atomics.load(counts, FLOW_DONE); sent - done >= max; done = Atomics.load(counts, FLOW_DONE)) {
    if (Atomics.load(counts, FLOW_STOP) === 1) return false;
    Atomics.wait(counts, FLOW_DONE, done, 200);
  }
  return true;
}

/**
 * A worker thread that sends messages (its failures as `{ type: 'error', message }`) and is held back by a shared
 * flow-control array: the main thread counts the messages it has finished with (FLOW_DONE), and the worker waits
 * while it is too far ahead; FLOW_STOP tells it to stop.
 * @example const link = new WorkerLink<M>(import.meta.url, './worker', 'simulator thread', (flow) => ({ workerData: { flow } }));
 */
export class WorkerLink<M> {
  private readonly worker: Worker;
  private readonly counts: Int32Array;
  private readonly inbox: M[] = [];
  private failure: Error | undefined;
  private wakers: (() => void)[] = [];

  constructor(from: string, name: string, label: string, options: (flow: SharedArrayBuffer) => WorkerOptions) {
    const flow = new SharedArrayBuffer(8);
    this.counts = new Int32Array(flow);
    this.worker = startWorker(from, name, options(flow));
    this.worker.on('message', (m: M | { type: 'error'; message: string }) => {
      const failed = (m as { type?: unknown }).type === 'error';
      if (failed) this.fail(new DatagenError('INTERNAL', `${label} failed: ${(m as { message: string }).message}`));
      else this.inbox.push(m as M);
      this.wakeAll();
    });
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', () => this.fail(new DatagenError('INTERNAL', `${label} exited early`)));
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.wakeAll();
  }

  private wakeAll(): void {
    const wakers = this.wakers;
    this.wakers = [];
    for (const w of wakers) w();
  }

  /** The worker's next message if one has arrived (its failure once none is left), else undefined. */
  poll(): M | undefined {
    const m = this.inbox.shift();
    if (m === undefined && this.failure) throw this.failure;
    return m;
  }

  /** Resolves once a message or a failure is there to poll (at once if one is). */
  arrival(): Promise<void> {
    if (this.inbox.length > 0 || this.failure) return Promise.resolve();
    return new Promise<void>((resolve) => this.wakers.push(resolve));
  }

  /** The worker's next message, in the order it sent them. */
  async next(): Promise<M> {
    for (;;) {
      const m = this.poll();
      if (m !== undefined) return m;
      await this.arrival();
    }
  }

  /** Counts a message as finished with, which lets the worker send another. */
  done(): void {
    Atomics.add(this.counts, FLOW_DONE, 1);
    Atomics.notify(this.counts, FLOW_DONE);
  }

  async close(): Promise<void> {
    Atomics.store(this.counts, FLOW_STOP, 1);
    Atomics.notify(this.counts, FLOW_DONE);
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }
}
