// The dashboard's entry point: wires the panels, loads the world and the dead letters, and opens the live feed.

import { api } from './api.js';
import { initDlq, refreshDlq } from './dlq.js';
import { initJobs, resumeJob } from './jobs.js';
import { initLive, onStatistics } from './live.js';
import { initTokenForm, reportError } from './status.js';
import { initStream, refreshHealth, refreshStatus } from './stream.js';
import type { Statistics } from './types.js';
import { refreshWorld } from './world.js';

const refreshCounts = () => void refreshWorld();

async function loadStatistics(): Promise<void> {
  try {
    onStatistics(await api<Statistics>('GET', '/api/stream/statistics'));
  } catch (err) {
    reportError('Reading the stream statistics failed', err);
  }
}

/** Loads every panel at once (the requests are independent). */
async function loadAll(): Promise<void> {
  await Promise.all([
    refreshWorld().then((state) => resumeJob(state?.active_job ?? null, refreshCounts)),
    refreshDlq(),
    refreshStatus(),
    loadStatistics(),
  ]);
}

function main(): void {
  initTokenForm(() => void loadAll());
  initStream();
  initJobs(refreshCounts);
  initDlq();
  initLive((job) => resumeJob(job, refreshCounts));
  void loadAll();
  // The world's counts and the dead letters change without a push (other clients, the CLI): poll them slowly.
  setInterval(() => {
    if (document.visibilityState !== 'visible') return;
    void refreshDlq();
    void refreshHealth();
  }, 5000);
}

main();
