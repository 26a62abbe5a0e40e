// What the CLI hands to the Playwright workers: the run id, where reports go, and the
// resolved targets. It holds the secret, so it lives in a private temp file (0600) that
// the CLI deletes when the run ends, and never under reports/.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Target } from './target.ts';
import type { PresenceMap } from './presence.ts';

export interface RunConfig {
  runId: string;
  /** short, run-unique: everything the run creates on the target starts with it */
  prefix: string;
  /** absolute path of reports/<run-id> */
  reportDir: string;
  targets: Target[];
  startedAt: string;
  workers: number;
  /** undocumented fields fail the run too (--strict-fields) */
  strictFields: boolean;
  /** known deviations fail the run too (--strict-docs) */
  strictDocs: boolean;
  /** per target name: whether each endpoint exists there (src/presence.ts), decided before the suites */
  presence: Record<string, PresenceMap>;
}

export const RUN_CONFIG_ENV = 'EMQX_HARNESS_RUN_CONFIG';

export function writeRunConfig(cfg: RunConfig): { path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'emqx-harness-'));
  const path = join(dir, 'run.json');
  writeFileSync(path, JSON.stringify(cfg), { mode: 0o600 });
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function loadRunConfig(): RunConfig {
  const path = process.env[RUN_CONFIG_ENV];
  if (!path) throw new Error(`${RUN_CONFIG_ENV} is not set: run the suites with \`emqx-harness contract\` (or npm start)`);
  return JSON.parse(readFileSync(path, 'utf8')) as RunConfig;
}

/** `hx` + base-36 time + random: short enough for client ids, unique per run. */
export function newRunPrefix(now = Date.now()): string {
  return `hx${now.toString(36).slice(-6)}${Math.random().toString(36).slice(2, 5)}`;
}

export function newRunId(profile: string, now = new Date()): string {
  return `${now.toISOString().replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z')}-${profile}`;
}
