// Where a load run ends: its report written (load.json, load.html, junit.xml) and summed up on the terminal.
import type { LoadReport } from './model.ts';
import { loadTerminalSummary, writeLoadReport } from './write.ts';

export function writeLoad(reportsRoot: string, report: LoadReport, opts: { secrets: string[]; color: boolean }): { dir: string } {
  const written = writeLoadReport(reportsRoot, report, { secrets: opts.secrets });
  process.stdout.write(loadTerminalSummary(report, written.dir, { color: opts.color, secrets: opts.secrets }));
  return { dir: written.dir };
}
