// Turning what a library user passes (a config object, a parsed config, nothing) into the validated config.

import { configInvalid, problemsFromIssues } from '../config/problems.js';
import { type Config, type ConfigInput, configSchema } from '../config/schema.js';
import { Secret } from '../config/secret.js';

/** A parsed config passes through; anything else is validated like a config file (all problems at once). */
export function toConfig(input: ConfigInput | Config | undefined): Config {
  if (input && (input as Config).realtime?.azure_connection_string instanceof Secret) return input as Config;
  const parsed = configSchema.safeParse(input ?? {});
  if (!parsed.success) throw configInvalid(problemsFromIssues(parsed.error.issues, input, configSchema, new Map()));
  return parsed.data;
}
