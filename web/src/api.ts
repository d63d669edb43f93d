// The dashboard's client of the HTTP API: JSON requests with the server's error shape, an optional bearer token,
// and Server-Sent Events read over fetch (so the token can travel in a header, which EventSource cannot send).

/** An error answered by the API: `{ statusCode, code, message }`, and the token the request carried. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly tokenUsed: string | null = null,
  ) {
    super(message);
  }

  /** A refusal of the token in use now (not of one replaced while the request was on its way). */
  get needsToken(): boolean {
    return this.statusCode === 401 && this.tokenUsed === getToken();
  }
}

const TOKEN_KEY = 'retail-datagen.token';

/** The bearer token typed by the user (kept for the browser tab only). */
export function getToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string | null): void {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Storage may be disabled; the token then lasts until the page reloads.
  }
}

function headers(json: boolean, token: string | null): Record<string, string> {
  const h: Record<string, string> = { accept: 'application/json' };
  if (json) h['content-type'] = 'application/json';
  if (token) h.authorization = `Bearer ${token}`;
  return h;
}

async function errorOf(res: Response, token: string | null): Promise<ApiError> {
  let body: { statusCode?: number; code?: string; message?: string } = {};
  try {
    body = await res.json();
  } catch {
    // Not JSON (a proxy's page, say): the status says enough.
  }
  return new ApiError(
    body.statusCode ?? res.status,
    body.code ?? `HTTP_${res.status}`,
    body.message ?? res.statusText,
    token,
  );
}

/**
 * Calls the API and returns the parsed JSON body.
 * @example const state = await api<GeneratorState>('GET', '/api/generators/state');
 */
export async function api<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const token = getToken();
  const res = await fetch(path, {
    method,
    headers: headers(body !== undefined, token),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw await errorOf(res, token);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export interface SseHandlers {
  onEvent: (event: string, data: unknown) => void;
  onOpen?: () => void;
  onClose?: (err?: unknown) => void;
}

/**
 * Reads a Server-Sent Events stream until `signal` aborts; reconnects after a second when the server closes it.
 * @example const stop = new AbortController(); subscribe('/api/stream/live', { onEvent }, stop.signal);
 */
export async function subscribe(path: string, h: SseHandlers, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    try {
      const token = getToken();
      const res = await fetch(path, { headers: { ...headers(false, token), accept: 'text/event-stream' }, signal });
      if (!res.ok || !res.body) throw await errorOf(res, token);
      h.onOpen?.();
      await readEvents(res.body, h.onEvent);
      h.onClose?.();
    } catch (err) {
      if (signal.aborted) return;
      h.onClose?.(err);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/**
 * Reads a text/event-stream body to its end, calling `onEvent(name, data)` per message (data parsed as JSON when it is).
 * @example await readEvents(res.body, (name, data) => console.log(name, data));
 */
export async function readEvents(body: ReadableStream<Uint8Array>, onEvent: SseHandlers['onEvent']): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += decoder.decode(value, { stream: true });
    let end = buf.search(/\r?\n\r?\n/);
    while (end >= 0) {
      const block = buf.slice(0, end);
      buf = buf.slice(end).replace(/^\r?\n\r?\n/, '');
      dispatch(block, onEvent);
      end = buf.search(/\r?\n\r?\n/);
    }
  }
}

function dispatch(block: string, onEvent: SseHandlers['onEvent']): void {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (line.startsWith(':')) continue;
    const i = line.indexOf(':');
    const field = i < 0 ? line : line.slice(0, i);
    const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length === 0) return;
  const text = data.join('\n');
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // A plain-text event stays a string.
  }
  onEvent(event, parsed);
}
