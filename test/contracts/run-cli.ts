// Runs `emqx-harness contract` as a user would (a child process) and reads what it wrote.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Finding } from '../../src/findings.ts';
import type { RunReport } from '../../src/report/model.ts';
import { REPO_ROOT } from '../../src/schema-registry.ts';

const require = createRequire(import.meta.url);
const TSX = join(dirname(require.resolve('tsx/package.json')), 'dist', 'cli.mjs');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  reportsRoot: string;
  /** the run's report, when one was written */
  report?: RunReport;
  reportDir?: string;
}

export function runCli(args: string[], opts: { env?: Record<string, string>; onSpawn?: (kill: (sig: NodeJS.Signals) => void, reportsRoot: string) => void } = {}): Promise<CliRun> {
  const reportsRoot = mkdtempSync(join(tmpdir(), 'harness-reports-'));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [TSX, join(REPO_ROOT, 'scripts', 'cli.ts'), 'contract', '--reports', reportsRoot, ...args], {
      cwd: REPO_ROOT,
      // the caller's EMQX_* settings (a user pointing tests at their broker) reach a run only when given
      env: { ...withoutTargetSettings(process.env), CI: 'true', EMQX_HARNESS_PROGRESS: 'dot', ...opts.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    opts.onSpawn?.((sig) => child.kill(sig), reportsRoot);
    child.on('exit', (code) => {
      const latest = join(reportsRoot, 'latest');
      const reportDir = existsSync(latest) ? realpathSync(latest) : undefined;
      const report = reportDir && existsSync(join(reportDir, 'findings.json')) ? (JSON.parse(readFileSync(join(reportDir, 'findings.json'), 'utf8')) as RunReport) : undefined;
      resolve({ code, stdout, stderr, reportsRoot, report, reportDir });
    });
  });
}

export function failures(run: CliRun): Finding[] {
  return run.report?.findings.filter((f) => f.verdict === 'fail') ?? [];
}

/** Short listing for assertion messages. */
export function describe(findings: Finding[]): string {
  return findings.slice(0, 12).map((f) => `  ${f.verdict} ${f.check} ${f.endpoint} ${f.pointer ?? ''}: ${f.message.slice(0, 140)}`).join('\n');
}

export function withoutTargetSettings(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('EMQX_') || k.startsWith('EMQX_HARNESS_')));
}
