// JSONPath-style selectors for HTTP responses: `$`, `$.data.items`, `$.pages[*].items`, `$['odd key'][0]`.

import { DatagenError } from '../errors.js';

type Step = { kind: 'key'; key: string } | { kind: 'index'; index: number } | { kind: 'all' };

/** A compiled selector. @example compileSelector('$.data[*].id').select(body) */
export interface Selector {
  readonly text: string;
  /** Every value the selector reaches; a reached array is flattened into its items. */
  select(value: unknown): unknown[];
  /** The first value reached, or undefined. */
  first(value: unknown): unknown;
}

function parse(text: string): Step[] {
  const steps: Step[] = [];
  let i = 0;
  const s = text.trim();
  if (s.startsWith('$')) i = 1;
  else if (s.length > 0) {
    const m = /^[A-Za-z_][\w-]*/.exec(s);
    if (!m) throw new Error(`expected '$' or a field name at the start of ${JSON.stringify(text)}`);
    steps.push({ kind: 'key', key: m[0] });
    i = m[0].length;
  }
  const forms: Array<[RegExp, (m: RegExpExecArray) => Step]> = [
    [/^\.([A-Za-z_][\w-]*)/, (m) => ({ kind: 'key', key: m[1] })],
    [/^\.\*|^\[\*\]/, () => ({ kind: 'all' })],
    [/^\[(\d+)\]/, (m) => ({ kind: 'index', index: Number(m[1]) })],
    [/^\['([^'\\]*)'\]|^\["([^"\\]*)"\]/, (m) => ({ kind: 'key', key: m[1] ?? m[2] })],
  ];
  while (i < s.length) {
    const rest = s.slice(i);
    let advanced = 0;
    for (const [re, step] of forms) {
      const m = re.exec(rest);
      if (!m) continue;
      steps.push(step(m));
      advanced = m[0].length;
      break;
    }
    if (advanced === 0)
      throw new Error(`cannot read ${JSON.stringify(rest)} in selector ${JSON.stringify(text)} (at ${i})`);
    i += advanced;
  }
  return steps;
}

/** Why a selector is invalid, or undefined. @example selectorProblem('$.a[') */
export function selectorProblem(text: string): string | undefined {
  try {
    parse(text);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * Compiles a selector: `$` is the whole body; `.name`, `['name']`, `[n]`, `[*]` and `.*` step into it.
 * @example compileSelector('$.results').select({ results: [{ id: 1 }] }) // [{ id: 1 }]
 */
export function compileSelector(text: string): Selector {
  let steps: Step[];
  try {
    steps = parse(text);
  } catch (err) {
    throw new DatagenError('CONFIG_INVALID', `selector: ${(err as Error).message}`);
  }
  const walk = (value: unknown): unknown[] => {
    let cur: unknown[] = [value];
    for (const step of steps) {
      const next: unknown[] = [];
      for (const v of cur) {
        if (v === null || typeof v !== 'object') continue;
        if (step.kind === 'all') next.push(...(Array.isArray(v) ? v : Object.values(v)));
        else if (step.kind === 'index') {
          if (Array.isArray(v) && step.index < v.length) next.push(v[step.index]);
        } else if (!Array.isArray(v) && Object.hasOwn(v, step.key)) next.push((v as Record<string, unknown>)[step.key]);
      }
      cur = next;
    }
    return cur;
  };
  return {
    text,
    select: (value) => walk(value).flatMap((v) => (Array.isArray(v) ? v : v === undefined ? [] : [v])),
    first: (value) => walk(value).find((v) => v !== undefined && v !== null),
  };
}
