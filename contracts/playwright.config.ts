// Playwright Test configuration for the contract suites. It is driven by the CLI
// (`emqx-harness contract`), which starts or checks the target and writes the run config.
import { defineConfig } from '@playwright/test';
import { join } from 'node:path';
import { loadRunConfig } from '../src/run-config.ts';

const run = loadRunConfig();
export const PHASE = process.env.EMQX_HARNESS_PHASE === 'pagination' ? 'pagination' : 'main';
// the terminal gets progress only; failures are printed by the CLI as findings (progress-reporter.ts)
process.env.EMQX_HARNESS_PROGRESS ??= process.stdout.isTTY && !process.env.CI ? 'line' : 'dot';

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  timeout: 60_000,
  workers: PHASE === 'pagination' ? 1 : run.workers,
  fullyParallel: true,
  forbidOnly: true,
  retries: 0,
  reporter: [
    ['./progress-reporter.ts'],
    ['html', { outputFolder: join(run.reportDir, PHASE === 'pagination' ? 'playwright-pagination' : 'playwright'), open: 'never' }],
    ['./reporter.ts'],
  ],
  outputDir: join(run.reportDir, `.playwright-output-${PHASE}`),
  // Two phases, two Playwright runs (the CLI starts both): the main suites of each version
  // side by side, then the pagination walks one at a time, because a listing can't be
  // walked while other tests churn it. Not project dependencies: Playwright skips the
  // dependents of a failing project, and a failing target is exactly where walks matter.
  projects: run.targets.map((t) =>
    PHASE === 'pagination'
      ? { name: `${t.name}-pagination`, metadata: { target: t.name }, testMatch: [`${t.apiVersion}/pagination.spec.ts`] }
      : { name: t.name, metadata: { target: t.name }, testMatch: [`${t.apiVersion}/**/*.spec.ts`], testIgnore: ['**/pagination.spec.ts'] },
  ),
});
