// Runs `emqx-harness load` as a user would (a child process) and reads the load.json it wrote.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { LoadReport } from '../../src/load/model.ts';
import { findK6 } from '../../src/load/k6-binary.ts';
import { REPO_ROOT } from '../../src/schema-registry.ts';
import { withoutTargetSettings } from '../contracts/run-cli.ts';

const require = createRequire(import.meta.url);
const TSX = join(dirname(require.resolve('tsx/package.json')), 'dist', 'cli.mjs');

export const K6 = findK6();
export const NO_K6 = K6 ? false : 'k6 is not on PATH and K6_BIN is not set: the k6 runs were skipped (CI puts ../shared/bin on PATH)';

export interface LoadRun {
  code: number | null;
  stdout: string;
  stderr: string;
  reportsRoot: string;
  reportDir?: string;
  report?: LoadReport;
}

export function runLoadCli(args: string[], opts: { env?: Record<string, string>; onSpawn?: (kill: (sig: NodeJS.Signals) => void) => void; command?: string } = {}): Promise<LoadRun> {
  const reportsRoot = mkdtempSync(join(tmpdir(), 'harness-load-'));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [TSX, join(REPO_ROOT, 'scripts', 'cli.ts'), opts.command ?? 'load', '--reports', reportsRoot, ...args], {
      cwd: REPO_ROOT,
      env: { ...withoutTargetSettings(process.env), CI: 'true', ...opts.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    opts.onSpawn?.((sig) => child.kill(sig));
    child.on('exit', (code) => {
      const dirs = readdirSync(reportsRoot).filter((d) => existsSync(join(reportsRoot, d, 'load.json')));
      const reportDir = dirs.length ? join(reportsRoot, dirs.sort().at(-1)!) : undefined;
      const report = reportDir ? (JSON.parse(readFileSync(join(reportDir, 'load.json'), 'utf8')) as LoadReport) : undefined;
      resolve({ code, stdout, stderr, reportsRoot, reportDir, report });
    });
  });
}

/** For assertion messages: what the run said. */
export function said(run: LoadRun): string {
  return `exit ${run.code}\n--- stdout (tail)\n${run.stdout.slice(-2500)}\n--- stderr (tail)\n${run.stderr.slice(-2500)}`;
}
