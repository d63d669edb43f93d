// The generate panel: starts the master-data and history jobs, follows their progress, and cancels them.

import { api } from './api.js';
import { onPress, setEnabled } from './buttons.js';
import { byId, setText } from './dom.js';
import { fmtCount, fmtNum, redact } from './format.js';
import { announce, reportError } from './status.js';
import type { Job, JobStarted } from './types.js';

type Kind = 'master' | 'history';

let running: { id: string; kind: Kind } | null = null;

const LABEL: Record<Kind, string> = { master: 'Master data', history: 'History' };

function show(kind: Kind, job: Job): void {
  const bar = byId<HTMLProgressElement>(`${kind}-progress`);
  const text = byId(`${kind}-text`);
  const p = Math.max(0, Math.min(1, Number(job.progress?.fraction) || 0));
  bar.value = job.status === 'succeeded' ? 1 : p;
  bar.setAttribute('aria-valuetext', `${fmtNum(bar.value * 100)}%`);
  text.dataset.kind = job.status === 'failed' ? 'error' : job.status === 'succeeded' ? 'done' : '';
  const pr = job.progress;
  const steps = pr && pr.total > 1 ? ` (${pr.phase} ${fmtCount(pr.done)}/${fmtCount(pr.total)})` : '';
  const unchanged = job.status === 'succeeded' && job.result?.unchanged === true;
  const detail = job.error?.message ?? (unchanged ? 'the database already held this world' : (pr?.detail ?? ''));
  text.dataset.status = job.status;
  setText(text, `${job.status} ${fmtNum(bar.value * 100)}%${steps}${detail ? ` — ${redact(detail)}` : ''}`);
}

function setButtons(): void {
  setEnabled(byId('master-start'), running === null);
  setEnabled(byId('history-start'), running === null);
  setEnabled(byId('job-cancel'), running !== null);
}

async function follow(kind: Kind, id: string, onDone: () => void): Promise<void> {
  running = { id, kind };
  setButtons();
  try {
    for (;;) {
      const job = await api<Job>('GET', `/api/jobs/${encodeURIComponent(id)}`);
      show(kind, job);
      if (job.status === 'succeeded' || job.status === 'failed' || job.status === 'cancelled') {
        announce(
          `${LABEL[kind]} ${job.status}${job.error ? `: ${job.error.message}` : ''}`,
          job.status === 'failed' ? 'error' : 'info',
        );
        break;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  } catch (err) {
    reportError(`Following the ${LABEL[kind].toLowerCase()} job failed`, err);
  } finally {
    running = null;
    setButtons();
    onDone();
  }
}

async function start(kind: Kind, path: string, body: unknown, onDone: () => void): Promise<void> {
  try {
    const res = await api<JobStarted>('POST', path, body);
    const id = res.job_id ?? res.id ?? res.job?.id;
    if (!id) throw new Error('the server answered without a job id');
    announce(`${LABEL[kind]} started`);
    await follow(kind, id, onDone);
  } catch (err) {
    reportError(`Starting ${LABEL[kind].toLowerCase()} failed`, err);
  }
}

/** Follows a job that was already running when the page opened (started by another client or page load). */
export function resumeJob(job: Job | null, onDone: () => void): void {
  if (!job || running || job.status !== 'running') return;
  void follow(job.kind, job.id, onDone);
}

/** Wires the panel; `onDone` runs when a job ends (to refresh the world's counts). */
export function initJobs(onDone: () => void): void {
  onPress(byId('master-start'), () =>
    start('master', '/api/generators/master/start', { force: byId<HTMLInputElement>('master-force').checked }, onDone),
  );
  onPress(byId('history-start'), () => {
    const days = Number(byId<HTMLInputElement>('history-days').value);
    if (!Number.isInteger(days) || days < 1) {
      announce('Days: enter a whole number of days, 1 or more', 'error');
      byId('history-days').focus();
      return;
    }
    return start('history', '/api/generators/historical/start', { days }, onDone);
  });
  onPress(byId('job-cancel'), async () => {
    if (!running) return;
    try {
      await api('POST', `/api/jobs/${encodeURIComponent(running.id)}/cancel`);
      announce(`Cancelling ${LABEL[running.kind].toLowerCase()}`);
    } catch (err) {
      reportError('Cancelling failed', err);
    }
  });
  setButtons();
}
