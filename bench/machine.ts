// Describes the machine a benchmark ran on, for the tables the benchmarks print.

import { cpus, totalmem } from 'node:os';

export function machine(): string {
  const c = cpus();
  return `${c.length} x ${c[0]?.model.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

/** Peak resident set size of this process so far, in MiB. */
export function peakRssMiB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/** Prints rows as a Markdown table. */
export function printTable(rows: readonly Record<string, string | number>[]): void {
  if (rows.length === 0) return;
  const cols = Object.keys(rows[0]);
  const line = (cells: readonly (string | number)[]) => `| ${cells.map(String).join(' | ')} |`;
  console.log(line(cols));
  console.log(line(cols.map(() => '---')));
  for (const r of rows) console.log(line(cols.map((c) => r[c])));
}
