// Starting a worker thread from a module of this package, under the TypeScript loader (tests, benchmarks: the
// module is a .ts file) or built (.js).

import { Worker, type WorkerOptions } from 'node:worker_threads';

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
