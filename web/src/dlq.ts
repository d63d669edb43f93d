// The dead-letter panel: counts by status, the latest entries, retry of the pending ones, and purge (confirmed).

import { api } from './api.js';
import { onPress } from './buttons.js';
import { byId, el, setText } from './dom.js';
import { fmtCount, redact } from './format.js';
import { announce, reportError } from './status.js';
import type { DeadLetterList, DeadLetterStats } from './types.js';

const LIST_LIMIT = 50;

/** Reloads the counts and the list. */
export async function refreshDlq(): Promise<void> {
  try {
    const [stats, list] = await Promise.all([
      api<DeadLetterStats>('GET', '/api/dlq/stats'),
      api<DeadLetterList>('GET', `/api/dlq?limit=${LIST_LIMIT}`),
    ]);
    const by = stats.byStatus ?? {};
    setText(byId('dlq-total'), fmtCount(stats.total));
    setText(byId('dlq-pending'), fmtCount(by.pending ?? 0));
    setText(byId('dlq-delivered'), fmtCount(by.delivered ?? 0));
    setText(byId('dlq-gaveup'), fmtCount(by.gave_up ?? 0));
    const items = list.dead_letters;
    const body = byId('dlq-body');
    if (items.length === 0) {
      body.replaceChildren(el('tr', {}, el('td', { colspan: 5, class: 'empty' }, 'no dead letters')));
      return;
    }
    body.replaceChildren(
      ...items.map((d) =>
        el(
          'tr',
          {},
          el('td', {}, String(d.id)),
          el('td', {}, d.event_type),
          el('td', { class: 'wrap', title: redact(d.last_error) }, d.error_code),
          el('td', { class: 'num' }, fmtCount(d.attempts)),
          el('td', {}, d.status),
        ),
      ),
    );
  } catch (err) {
    reportError('Reading the dead letters failed', err);
  }
}

function confirming(on: boolean): void {
  byId('dlq-confirm').hidden = !on;
  byId('dlq-purge').hidden = on;
  (on ? byId('dlq-purge-no') : byId('dlq-purge')).focus();
}

/** Wires the panel. */
export function initDlq(): void {
  onPress(byId('dlq-refresh'), refreshDlq);
  onPress(byId('dlq-retry'), async () => {
    try {
      const res = await api<{ count: number; message: string }>('POST', '/api/dlq/retry', {});
      announce(`${fmtCount(res.count)} dead letters queued for retry`);
    } catch (err) {
      reportError('Retry failed', err);
    }
    await refreshDlq();
  });
  onPress(byId('dlq-replay'), async () => {
    try {
      const res = await api<{ sink: string; delivered: number; failed: number; gaveUp: number }>(
        'POST',
        '/api/dlq/replay',
        { status: 'pending' },
      );
      announce(
        `Replayed through ${res.sink}: ${fmtCount(res.delivered)} delivered, ${fmtCount(res.failed)} failed, ${fmtCount(res.gaveUp)} given up`,
        res.failed > 0 ? 'error' : 'info',
      );
    } catch (err) {
      reportError('Replay failed', err);
    }
    await refreshDlq();
  });
  onPress(byId('dlq-purge'), () => confirming(true));
  onPress(byId('dlq-purge-no'), () => confirming(false));
  onPress(byId('dlq-purge-yes'), async () => {
    try {
      const res = await api<{ count: number; message: string }>('POST', '/api/dlq/purge', {});
      announce(`${fmtCount(res.count)} dead letters purged`);
    } catch (err) {
      reportError('Purge failed', err);
    }
    confirming(false);
    await refreshDlq();
  });
}
