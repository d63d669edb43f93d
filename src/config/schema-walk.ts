// Finding the schema of a config path (for unknown-key suggestions and for typing env/flag values).

import { z } from 'zod';

/** Unwraps defaults, optionals, nullables and pipes down to the schema that holds the type. */
export function unwrap(schema: z.ZodType): z.ZodType {
  let s: z.ZodType = schema;
  for (;;) {
    const def = (s as { def: { type: string; innerType?: z.ZodType; in?: z.ZodType } }).def;
    if (def.innerType && ['default', 'prefault', 'optional', 'nullable', 'readonly', 'catch'].includes(def.type)) {
      s = def.innerType;
    } else if (def.type === 'pipe' && def.in) {
      s = def.in;
    } else {
      return s;
    }
  }
}

/** The schema at a dotted path, or undefined when the path is not in the schema. */
export function schemaAt(root: z.ZodType, path: readonly (string | number)[]): z.ZodType | undefined {
  let s: z.ZodType | undefined = root;
  for (const key of path) {
    if (!s) return undefined;
    const u = unwrap(s);
    if (u instanceof z.ZodObject) s = (u.shape as Record<string, z.ZodType>)[String(key)];
    else if (u instanceof z.ZodRecord) s = (u.def as unknown as { valueType: z.ZodType }).valueType;
    else if (u instanceof z.ZodArray) s = (u.def as unknown as { element: z.ZodType }).element;
    else return undefined;
  }
  return s;
}

/** Keys an object schema at `path` accepts. */
export function keysAt(root: z.ZodType, path: readonly (string | number)[]): string[] {
  const s = schemaAt(root, path);
  if (!s) return [];
  const u = unwrap(s);
  return u instanceof z.ZodObject ? Object.keys(u.shape) : [];
}

/** True when the schema at path accepts null. */
function acceptsNull(schema: z.ZodType): boolean {
  return schema.safeParse(null).success;
}

/**
 * Turns a text value from the environment or a `--set` flag into the type the schema expects there.
 * Values that do not convert stay text, so validation reports them with the bad value.
 */
export function coerceText(root: z.ZodType, path: readonly string[], text: string): unknown {
  const s = schemaAt(root, path);
  if (!s) return text;
  const trimmed = text.trim();
  if (trimmed === 'null' && acceptsNull(s)) return null;
  const u = unwrap(s);
  if (u instanceof z.ZodNumber) {
    const n = Number(trimmed.replace(/_/g, ''));
    return trimmed !== '' && Number.isFinite(n) ? n : text;
  }
  if (u instanceof z.ZodBoolean) {
    if (/^(true|1|yes|on)$/i.test(trimmed)) return true;
    if (/^(false|0|no|off)$/i.test(trimmed)) return false;
    return text;
  }
  if (u instanceof z.ZodArray || u instanceof z.ZodObject || u instanceof z.ZodRecord) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return text;
    }
  }
  return text;
}

/** Levenshtein distance, for did-you-mean suggestions. */
export function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}

/** The closest known key, when it is close enough to be a likely typo. */
export function didYouMean(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}
