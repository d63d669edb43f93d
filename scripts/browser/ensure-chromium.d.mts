// Types of ensure-chromium.mjs for the TypeScript tests and benchmarks that import it.

/** Debian's Chromium: /usr/bin/chromium. */
export const DEFAULT_CHROMIUM: string;

/** Returns the path of an installed Chromium (CHROMIUM_PATH, else /usr/bin/chromium), installing it first when needed. */
export function ensureChromium(): string;
