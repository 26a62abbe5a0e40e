// Where a load run ends: its report written (load.json and its views) and summed up on the terminal.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadReport } from './model.ts';
import { redact } from '../report/redact.ts';

export function writeLoad(reportsRoot: string, report: LoadReport, opts: { secrets: string[]; color: boolean }): { dir: string } {
  const dir = join(reportsRoot, report.run.id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'load.json'), redact(`${JSON.stringify(report, null, 2)}\n`, opts.secrets));
  console.log(`report: ${dir}`);
  return { dir };
}
