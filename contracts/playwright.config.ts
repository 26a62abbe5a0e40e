// Playwright Test configuration for the contract suites. It is driven by the CLI
// (`emqx-harness contract`), which starts or checks the target and writes the run config.
import { defineConfig } from '@playwright/test';
import { join } from 'node:path';
import { loadRunConfig } from '../src/run-config.ts';

const run = loadRunConfig();
const progress = process.env.EMQX_HARNESS_PROGRESS ?? (process.stdout.isTTY && !process.env.CI ? 'line' : 'dot');

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  timeout: 60_000,
  workers: run.workers,
  fullyParallel: true,
  forbidOnly: true,
  retries: 0,
  reporter: [
    [progress],
    ['html', { outputFolder: join(run.reportDir, 'playwright'), open: 'never' }],
    ['./reporter.ts'],
  ],
  outputDir: join(run.reportDir, '.playwright-output'),
  // The main suites of each version run side by side; the pagination walks run after all
  // of them, one at a time, because a listing can't be walked while other tests churn it.
  projects: [
    ...run.targets.map((t) => ({
      name: t.apiVersion,
      metadata: { apiVersion: t.apiVersion },
      testMatch: [`${t.apiVersion}/**/*.spec.ts`],
      testIgnore: [`**/pagination.spec.ts`],
    })),
    ...run.targets.map((t, i) => ({
      name: `${t.apiVersion}-pagination`,
      metadata: { apiVersion: t.apiVersion },
      testMatch: [`${t.apiVersion}/pagination.spec.ts`],
      workers: 1,
      dependencies: i === 0 ? run.targets.map((x) => x.apiVersion) : [`${run.targets[i - 1]!.apiVersion}-pagination`],
    })),
  ],
});
