// Launches headless Chromium (Debian's, or CHROMIUM_PATH) through playwright-core for the browser tests.

import { type Browser, chromium } from 'playwright-core';

/** Flags that keep a headless Chromium quiet offline: no GPU, no background traffic, no first-run work. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Starts a browser with a fresh profile (playwright-core gives each launch its own temporary user-data-dir).
 * @example const browser = await launchChromium(); t.after(() => browser.close());
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
}
