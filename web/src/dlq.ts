// The dead-letter panel: counts by status, the latest entries, retry of the pending ones, and purge (confirmed).

import { api } from './api.js';
import { onPress } from './buttons.js';
import { byId, el, setText } from './dom.js';
import { fmtCount, redact } from './format.js';
import { announce, reportError } from './status.js';
import type { DeadLetterStats, DeadLetterView } from './types.js';

const LIST_LIMIT = 50;

/** Reloads the counts and the list. */
export async function refreshDlq(): Promise<void> {
  try {
    const [stats, list] = await Promise.all([
      api<DeadLetterStats>('GET', '/api/dlq/stats'),
      api<DeadLetterView[] | { items: DeadLetterView[] }>('GET', `/api/dlq?limit=${LIST_LIMIT}`),
    ]);
    const by = stats.byStatus ?? stats.by_status ?? {};
    setText(byId('dlq-total'), fmtCount(stats.total));
    setText(byId('dlq-pending'), fmtCount(by.pending ?? 0));
    setText(byId('dlq-delivered'), fmtCount(by.delivered ?? 0));
    setText(byId('dlq-gaveup'), fmtCount(by.gave_up ?? 0));
    const items = Array.isArray(list) ? list : list.items;
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
      const res = await api<{ count?: number; requeued?: number; delivered?: number }>('POST', '/api/dlq/retry', {});
      const n = res?.requeued ?? res?.count ?? res?.delivered;
      announce(n === undefined ? 'Dead letters queued for retry' : `${fmtCount(n)} dead letters queued for retry`);
    } catch (err) {
      reportError('Retry failed', err);
    }
    await refreshDlq();
  });
  onPress(byId('dlq-purge'), () => confirming(true));
  onPress(byId('dlq-purge-no'), () => confirming(false));
  onPress(byId('dlq-purge-yes'), async () => {
    try {
      const res = await api<{ count?: number; purged?: number }>('POST', '/api/dlq/purge', {});
      const n = res?.purged ?? res?.count;
      announce(n === undefined ? 'Dead letters purged' : `${fmtCount(n)} dead letters purged`);
    } catch (err) {
      reportError('Purge failed', err);
    }
    confirming(false);
    await refreshDlq();
  });
}
