// Long work of the server (building the world, generating history) as jobs: one at a time, with progress, a
// result or an error, and cancellation; the last few finished jobs are kept for GET /api/jobs.

import { randomUUID } from 'node:crypto';
import { redactText } from '../config/secret.js';
import { DatagenError } from '../errors.js';

export type JobKind = 'master' | 'history';
export type JobStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface JobProgress {
  phase: string;
  done: number;
  total: number;
  fraction: number;
  detail: string | null;
}

export interface JobView {
  id: string;
  kind: JobKind;
  status: JobStatus;
  progress: JobProgress;
  created_at: string;
  finished_at: string | null;
  cancel_requested: boolean;
  result: Record<string, unknown> | null;
  error: { code: string; message: string } | null;
}

/** What a job's work receives: a progress reporter and the cancellation flag. */
export interface JobContext {
  progress(phase: string, done: number, total: number, detail?: string): void;
  /** True once cancel was asked; the work stops at its next safe point. */
  readonly cancelled: boolean;
  /** Throws ABORTED when cancel was asked (for work that can stop anywhere, e.g. inside a transaction). */
  throwIfCancelled(): void;
}

interface Job extends JobView {
  promise: Promise<void>;
}

const KEEP_FINISHED = 50;

/**
 * @example const job = jobs.start('history', async (ctx) => runHistory(config, db, { days: 7, shouldStop: () => ctx.cancelled }));
 */
export class JobRunner {
  private readonly jobs = new Map<string, Job>();
  private readonly listeners = new Set<(job: JobView) => void>();

  /** The running job, if any. */
  get active(): JobView | null {
    for (const j of this.jobs.values()) if (j.status === 'running') return view(j);
    return null;
  }

  /** Called on every change of a job (progress, end). */
  onChange(fn: (job: JobView) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private emit(job: Job): void {
    for (const fn of this.listeners) fn(view(job));
  }

  /** Starts a job; refuses (JOB_RUNNING) while another runs. */
  start(kind: JobKind, work: (ctx: JobContext) => Promise<Record<string, unknown>>): JobView {
    const running = this.active;
    if (running)
      throw new DatagenError(
        'JOB_RUNNING',
        `job ${running.id} (${running.kind}) is running; wait for it (GET /api/jobs/${running.id}) or cancel it (POST /api/jobs/${running.id}/cancel)`,
      );
    const job: Job = {
      id: randomUUID(),
      kind,
      status: 'running',
      progress: { phase: 'starting', done: 0, total: 1, fraction: 0, detail: null },
      created_at: new Date().toISOString(),
      finished_at: null,
      cancel_requested: false,
      result: null,
      error: null,
      promise: Promise.resolve(),
    };
    const ctx: JobContext = {
      progress: (phase, done, total, detail) => {
        job.progress = {
          phase,
          done,
          total,
          fraction: total > 0 ? Math.min(1, Math.round((done / total) * 1000) / 1000) : 0,
          detail: detail ?? null,
        };
        this.emit(job);
      },
      get cancelled() {
        return job.cancel_requested;
      },
      throwIfCancelled: () => {
        if (job.cancel_requested) throw new DatagenError('ABORTED', `job ${job.id} cancelled`);
      },
    };
    this.jobs.set(job.id, job);
    this.prune();
    // The work starts on the next turn so that the caller gets the job before any progress.
    job.promise = new Promise<void>((r) => setImmediate(r))
      .then(() => work(ctx))
      .then(
        (result) => {
          job.result = result;
          job.status = job.cancel_requested ? 'cancelled' : 'succeeded';
        },
        (err: unknown) => {
          if (job.cancel_requested && err instanceof DatagenError && err.code === 'ABORTED') {
            job.status = 'cancelled';
            return;
          }
          job.status = 'failed';
          job.error = {
            code: err instanceof DatagenError ? err.code : 'INTERNAL',
            message: redactText((err as Error)?.message ?? String(err)),
          };
        },
      )
      .finally(() => {
        job.finished_at = new Date().toISOString();
        this.emit(job);
      });
    return view(job);
  }

  get(id: string): JobView {
    const job = this.jobs.get(id);
    if (!job) throw new DatagenError('NOT_FOUND', `no job ${JSON.stringify(id)}; GET /api/jobs lists the jobs`);
    return view(job);
  }

  /** The job, or null when there is none by that id (any more). */
  find(id: string): JobView | null {
    const job = this.jobs.get(id);
    return job ? view(job) : null;
  }

  list(): JobView[] {
    return [...this.jobs.values()].map(view).reverse();
  }

  /** Asks a running job to stop; the job ends as cancelled at its next safe point. */
  cancel(id: string): JobView {
    const job = this.jobs.get(id);
    if (!job) throw new DatagenError('NOT_FOUND', `no job ${JSON.stringify(id)}; GET /api/jobs lists the jobs`);
    if (job.status === 'running') {
      job.cancel_requested = true;
      this.emit(job);
    }
    return view(job);
  }

  /** Resolves when the job has ended. */
  async wait(id: string): Promise<JobView> {
    const job = this.jobs.get(id);
    if (!job) throw new DatagenError('NOT_FOUND', `no job ${JSON.stringify(id)}`);
    await job.promise;
    return view(job);
  }

  /** Cancels what runs and waits for it (server shutdown). */
  async close(): Promise<void> {
    const running = [...this.jobs.values()].filter((j) => j.status === 'running');
    for (const j of running) j.cancel_requested = true;
    await Promise.all(running.map((j) => j.promise));
  }

  private prune(): void {
    const finished = [...this.jobs.values()].filter((j) => j.status !== 'running');
    for (const j of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) this.jobs.delete(j.id);
  }
}

function view(j: Job): JobView {
  const { promise: _p, ...rest } = j;
  return { ...rest, progress: { ...rest.progress } };
}
