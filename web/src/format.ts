// Number, duration and time formatting for the dashboard, and the redaction of anything that looks like a secret.

const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const dec = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

/** 12,345 / 1.2k style counts. @example fmtCount(1234567) === '1,234,567' */
export function fmtCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  return int.format(n);
}

/** A rate or small number with one decimal. @example fmtNum(12.34) === '12.3' */
export function fmtNum(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  return dec.format(n);
}

/** Compact axis label. @example fmtShort(12500) === '12.5k' */
export function fmtShort(n: number): string {
  const a = Math.abs(n);
  if (a >= 1e9) return `${dec.format(n / 1e9)}G`;
  if (a >= 1e6) return `${dec.format(n / 1e6)}M`;
  if (a >= 1e3) return `${dec.format(n / 1e3)}k`;
  return dec.format(n);
}

/** Milliseconds as `12 ms` / `1.2 s`. @example fmtMs(1500) === '1.5 s' */
export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  return ms >= 1000 ? `${dec.format(ms / 1000)} s` : `${dec.format(ms)} ms`;
}

/** Seconds as `1h 02m 03s`. @example fmtDuration(65) === '1m 05s' */
export function fmtDuration(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return '–';
  const t = Math.round(s);
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = t % 60;
  const pad = (x: number) => String(x).padStart(2, '0');
  return h > 0 ? `${h}h ${pad(m)}m ${pad(sec)}s` : m > 0 ? `${m}m ${pad(sec)}s` : `${sec}s`;
}

/** An ISO time as `2024-11-28 18:00:00Z` (UTC, the simulator's zone). */
export function fmtTime(iso: string | null | undefined): string {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
}

const SECRET =
  /((?:shared_?access_?key|account_?key|password|passwd|secret|token|sas|sig|api_?key)\s*[=:]\s*)("?)[^;&\s",]+/gi;

/** Masks key=value secrets (connection strings, passwords, tokens) in any text shown on the page. @example redact('SharedAccessKey=abc') === 'SharedAccessKey=***' */
export function redact(text: string): string {
  return text.replace(SECRET, '$1$2***');
}
