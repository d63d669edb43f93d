// The stream panel: the start options (sink, pacing, until, duration), start/pause/resume/stop, and the stream's
// counters, circuit and throttle state from the live statistics.

import { api } from './api.js';
import { onPress, setEnabled } from './buttons.js';
import { byId, el, setText } from './dom.js';
import { fmtCount, fmtDuration, fmtNum, redact } from './format.js';
import { announce, reportError } from './status.js';
import type { Statistics, StreamActionResult, StreamHealth } from './types.js';

const DEFAULT_SINKS = ['file', 'stdout', 'duckdb', 'kafka'];

let state: Statistics['state'] = 'idle';

/** The request body of POST /api/stream/start from the form. */
export function startBody(): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const sink = byId<HTMLSelectElement>('stream-sink').value;
  if (sink) body.sink = sink;
  const pacing = byId<HTMLSelectElement>('stream-pacing').value;
  if (pacing === 'max' || pacing === 'live') body.speed = pacing;
  if (pacing === 'speed') body.speed = Number(byId<HTMLInputElement>('stream-speed').value);
  if (pacing === 'rate') body.rate = Number(byId<HTMLInputElement>('stream-rate').value);
  const until = byId<HTMLInputElement>('stream-until').value;
  if (until) body.until = new Date(`${until.length === 16 ? `${until}:00` : until}Z`).toISOString();
  const minutes = byId<HTMLInputElement>('stream-duration').value;
  if (minutes) body.duration_minutes = Number(minutes);
  return body;
}

function syncPacing(): void {
  const pacing = byId<HTMLSelectElement>('stream-pacing').value;
  byId<HTMLInputElement>('stream-speed').disabled = pacing !== 'speed';
  byId<HTMLInputElement>('stream-rate').disabled = pacing !== 'rate';
}

function setButtons(): void {
  const active = state === 'running' || state === 'paused' || state === 'draining';
  setEnabled(byId('stream-start'), !active);
  setEnabled(byId('stream-pause'), state === 'running');
  setEnabled(byId('stream-resume'), state === 'paused');
  setEnabled(byId('stream-stop'), state === 'running' || state === 'paused');
}

/** Shows the stream state in the header and enables the buttons that apply. */
export function setStreamState(next: Statistics['state']): void {
  const was = state;
  state = next;
  if (next === 'stopped' && (was === 'running' || was === 'draining')) void explainStop();
  const pill = byId('stream-state');
  pill.dataset.state = next;
  setText(byId('stream-state-text'), next);
  setButtons();
}

/** Updates the counters, circuit and throttle from one statistics message. */
export function showStatistics(s: Statistics): void {
  setStreamState(s.state);
  setText(byId('st-sent'), fmtCount(s.events_sent));
  setText(byId('st-rate'), fmtNum(s.events_per_second));
  setText(byId('st-failed'), fmtCount(s.events_failed));
  setText(byId('st-dlq'), fmtCount(s.events_dead_lettered));
  setText(byId('st-uptime'), fmtDuration(s.uptime_seconds));
  setText(byId('st-queue'), `${fmtCount(s.queue_depth)} / ${fmtCount(s.queue_capacity)}`);
  const circuit = byId('st-circuit');
  const cs = s.circuit?.state ?? '–';
  circuit.dataset.state = cs;
  setText(circuit, cs.replace('_', '-'));
  if (s.sink && byId('st-sink').textContent === '–') setText(byId('st-sink'), s.sink);
  const t = s.throttle;
  setText(
    byId('st-throttle'),
    !t ? '–' : t.active ? `level ${t.level}${t.rate === null ? '' : `, ${fmtCount(t.rate)}/s`}` : 'off',
  );
}

/** The pacing of the stream as the server reports it, in words. */
export function describePacing(p: Record<string, unknown> | null | undefined): string {
  if (!p) return '–';
  switch (p.mode) {
    case 'speed':
      return `simulated time × ${fmtNum(Number(p.speed))}`;
    case 'rate':
      return `${fmtCount(Number(p.eventsPerSecond))} events/s`;
    case 'max':
      return 'as fast as the sink takes';
    case 'live':
      return 'live: on the wall clock (catching up first)';
    case 'burst':
      return `${fmtCount(Number(p.burst))} events every ${fmtCount(Number(p.intervalMs))} ms`;
    default:
      return String(p.mode ?? '–');
  }
}

/** Reads the stream's status: its pacing, and why it stopped if it failed. */
export async function refreshStatus(): Promise<void> {
  try {
    const status = await api<{ pacing: Record<string, unknown> | null; failure: string | null }>(
      'GET',
      '/api/stream/status',
    );
    setText(byId('st-pacing'), describePacing(status.pacing));
  } catch {
    // The statistics still say what matters.
  }
}

/** A stream that stopped on its own may have failed: say why. */
async function explainStop(): Promise<void> {
  try {
    const status = await api<{ failure: string | null }>('GET', '/api/stream/status');
    if (status.failure) announce(`Stream stopped: ${status.failure}`, 'error');
  } catch {
    // The status line keeps what it had.
  }
}

/** Shows the sink's health (its kind, and the detail of a failed check). */
export async function refreshHealth(): Promise<void> {
  if (state !== 'running' && state !== 'paused') return;
  try {
    const h = await api<StreamHealth>('GET', '/api/stream/health');
    const sink = h.components.sink;
    if (!sink) return;
    const detail = typeof sink.detail === 'string' && sink.detail ? ` — ${sink.detail}` : '';
    setText(byId('st-sink'), redact(`${sink.kind ?? ''} ${sink.healthy ? 'healthy' : 'unhealthy'}${detail}`.trim()));
  } catch {
    // Health is a nicety here; the statistics keep coming.
  }
}

async function command(verb: 'pause' | 'resume' | 'stop', done: string): Promise<void> {
  try {
    const res = await api<StreamActionResult>('POST', `/api/stream/${verb}`);
    if (res?.statistics) showStatistics(res.statistics);
    else if (res?.status) setStreamState(res.status);
    announce(done);
  } catch (err) {
    reportError(`${verb[0].toUpperCase()}${verb.slice(1)} failed`, err);
  }
}

/** Wires the panel with the sink kinds the server offers (the defaults when it does not say). */
export function initStream(sinks: readonly string[] = DEFAULT_SINKS, defaultSink = 'file'): void {
  const select = byId<HTMLSelectElement>('stream-sink');
  select.replaceChildren(...sinks.map((k) => el('option', { value: k, selected: k === defaultSink }, k)));
  byId('stream-pacing').addEventListener('change', syncPacing);
  syncPacing();
  byId<HTMLFormElement>('stream-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const start = byId<HTMLButtonElement>('stream-start');
    if (start.getAttribute('aria-disabled') === 'true' || start.dataset.busy === 'true') return;
    const form = byId<HTMLFormElement>('stream-form');
    if (!form.reportValidity()) return;
    start.dataset.busy = 'true';
    try {
      const res = await api<{ stream?: string; sink?: string; pacing?: Record<string, unknown> }>(
        'POST',
        '/api/stream/start',
        startBody(),
      );
      setStreamState('running');
      setText(byId('st-pacing'), describePacing(res?.pacing));
      if (res?.sink) setText(byId('st-sink'), res.sink);
      announce(`Stream started${res?.sink ? ` to ${res.sink}` : ''}`);
    } catch (err) {
      reportError('Starting the stream failed', err);
    } finally {
      delete start.dataset.busy;
    }
  });
  onPress(byId('stream-pause'), () => command('pause', 'Stream paused'));
  onPress(byId('stream-resume'), () => command('resume', 'Stream resumed'));
  onPress(byId('stream-stop'), () => command('stop', 'Stream stopped (drained and checkpointed)'));
  setButtons();
}
