// The page's status line (an aria-live region) and the bearer-token form shown when the API asks for one.

import { ApiError, setToken } from './api.js';
import { byId, setText } from './dom.js';
import { redact } from './format.js';

/** Tells the user (and screen readers, politely) what just happened. @example announce('Stream started') */
export function announce(text: string, kind: 'info' | 'error' = 'info'): void {
  const s = byId('status');
  s.dataset.kind = kind;
  setText(s, redact(text));
}

/** Shows an API or network error in the status line; a 401 opens the token form. */
export function reportError(what: string, err: unknown): void {
  if (err instanceof ApiError) {
    // A request sent with a token since replaced says nothing about the new one.
    if (err.statusCode === 401 && !err.needsToken) return;
    if (err.needsToken) showTokenForm();
    announce(`${what}: ${err.message} (${err.code})`, 'error');
  } else {
    announce(`${what}: ${err instanceof Error ? err.message : String(err)}`, 'error');
  }
}

let onToken: () => void = () => {};

function showTokenForm(): void {
  const form = byId<HTMLFormElement>('token-form');
  if (!form.hidden) return;
  form.hidden = false;
  byId<HTMLInputElement>('token').focus();
}

/** Wires the token form; `reload` runs once a token was entered. */
export function initTokenForm(reload: () => void): void {
  onToken = reload;
  const form = byId<HTMLFormElement>('token-form');
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const input = byId<HTMLInputElement>('token');
    setToken(input.value.trim() || null);
    input.value = '';
    form.hidden = true;
    announce('Token set');
    onToken();
  });
}
