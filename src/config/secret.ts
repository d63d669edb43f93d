// A secret value (connection string, key) that never prints: logs, errors, JSON and inspection all show `***`.

import { inspect } from 'node:util';
import { z } from 'zod';

const REDACTED = '***';

/**
 * Wraps a secret so that only an explicit `reveal()` gives the value back.
 * @example const s = new Secret(process.env.KEY ?? ''); console.log(`${s}`); // ***
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The secret itself; call it only where the value is handed to a client library. */
  reveal(): string {
    return this.#value;
  }

  /** True when no value was given. */
  get isEmpty(): boolean {
    return this.#value.length === 0;
  }

  toString(): string {
    return this.#value.length === 0 ? '' : REDACTED;
  }

  toJSON(): string {
    return this.toString();
  }

  [inspect.custom](): string {
    return `Secret(${this.toString() || 'empty'})`;
  }
}

/** Removes every occurrence of the given secrets (and of any SharedAccessKey=...) from a text. */
export function redactText(text: string, secrets: readonly (Secret | string | undefined)[] = []): string {
  let out = text.replace(/(SharedAccessKey|SharedAccessSignature|AccountKey|password)=([^;\s"']+)/gi, `$1=${REDACTED}`);
  for (const s of secrets) {
    const value = s instanceof Secret ? s.reveal() : s;
    if (value && value.length >= 4) out = out.split(value).join(REDACTED);
  }
  return out;
}

/** A secret string: accepted as text, held as a Secret that prints as `***`. */
export const secretSchema = z
  .string()
  .default('')
  .transform((s) => new Secret(s.trim()));
