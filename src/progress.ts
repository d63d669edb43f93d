// Progress on the terminal: a bar that appears only on a TTY and only for work that takes over a second.

import cliProgress from 'cli-progress';

export interface Progress {
  /** Sets the amount done (and optionally extra values such as events/s). */
  update(done: number, extra?: Record<string, string | number>): void;
  stop(): void;
}

const SHOW_AFTER_MS = 1000;

/**
 * A progress bar on stderr, shown once the work has run for a second; silent when stderr is not a terminal.
 * @example const p = progress('customers', 403000); p.update(1000); p.stop();
 */
export function progress(
  label: string,
  total: number,
  format = '{bar} {percentage}% | {value}/{total} | ETA {eta_formatted}',
): Progress {
  const stream = process.stderr;
  if (!stream.isTTY) return { update() {}, stop() {} };
  const started = Date.now();
  let bar: cliProgress.SingleBar | undefined;
  return {
    update(done, extra) {
      if (!bar && Date.now() - started >= SHOW_AFTER_MS) {
        bar = new cliProgress.SingleBar(
          { format: `${label.padEnd(12)} ${format}`, stream, hideCursor: true, clearOnComplete: false, etaBuffer: 50 },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, done, extra);
      }
      bar?.update(done, extra);
    },
    stop() {
      bar?.stop();
    },
  };
}
