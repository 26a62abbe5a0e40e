// examples/github-actions.yml is documentation people copy: it must parse, and every
// emqx-harness command it runs must exist with exactly the flags it uses (a subcommand's
// flag parser is strict, so `<command> <its flags> --help` exits 0 only when all are known).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../../src/schema-registry.ts';
import { withoutTargetSettings } from '../contracts/run-cli.ts';
import { NO_K6 } from '../load/run-load.ts';
import { NO_REAL_BROKER, realBroker } from '../real/real-broker.ts';

const require = createRequire(import.meta.url);
const TSX = join(dirname(require.resolve('tsx/package.json')), 'dist', 'cli.mjs');

interface Workflow {
  jobs: Record<string, { services?: Record<string, { image: string }>; env?: Record<string, string>; steps: { run?: string; uses?: string; name?: string }[] }>;
}

const workflow = parse(readFileSync(join(REPO_ROOT, 'examples', 'github-actions.yml'), 'utf8')) as Workflow;
const job = Object.values(workflow.jobs)[0]!;
const commands = job.steps.flatMap((s) => (s.run ?? '').split('\n')).filter((l) => l.includes('npx emqx-harness'));

test('the workflow parses, starts EMQX 4.4.19 as a service and uploads the reports', () => {
  assert.equal(job.services?.emqx?.image, 'emqx/emqx:4.4.19');
  assert.ok(job.steps.some((s) => s.uses?.startsWith('actions/upload-artifact') ), 'reports are uploaded');
  assert.ok(job.steps.some((s) => /junit/i.test(s.uses ?? '')), 'JUnit results are published');
  assert.ok(commands.some((c) => c.includes(' contract ')) && commands.some((c) => c.includes(' load ')), commands.join('\n'));
});

test('every emqx-harness command in the workflow exists with the flags it uses, and the files it names are in the repo', () => {
  for (const line of commands) {
    const args = line.trim().replace(/^npx emqx-harness /, '').split(/\s+/);
    const r = spawnSync(process.execPath, [TSX, join(REPO_ROOT, 'scripts', 'cli.ts'), ...args, '--help'], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, K6_BIN: '/nonexistent' } });
    assert.equal(r.status, 0, `${line}\n${r.stderr}`);
    for (const file of args.filter((a) => /\.(ya?ml|json)$/.test(a))) assert.ok(existsSync(join(REPO_ROOT, file)), `${file} is in the repo`);
  }
});

const real = await realBroker();

// the contract gate line is run against the real broker by test/real/emqx-v4-contract.test.ts
// with the same flags; here the rest, as the workflow runs them
test('the workflow\'s load command passes against a real EMQX 4.4, as it would in the workflow', { skip: NO_K6 || (real ? false : NO_REAL_BROKER), timeout: 300_000 }, async () => {
  assert.ok(commands.some((c) => c.includes('contract --profile emqx-v4 --allow-mutations --allow-disruptive --gate examples/gates/emqx-v4.4.yml')), 'the contract line is the one test/real runs');
  for (const line of commands.filter((c) => !c.includes(' contract '))) {
    const args = line.trim().replace(/^npx emqx-harness /, '').split(/\s+/);
    const r = spawnSync(process.execPath, [TSX, join(REPO_ROOT, 'scripts', 'cli.ts'), ...args, '--reports', mkdtempSync(join(tmpdir(), 'gha-'))], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { ...withoutTargetSettings(process.env), CI: 'true', ...real! },
      timeout: 240_000,
    });
    assert.equal(r.status, 0, `${line}\n${r.stdout.slice(-1500)}\n${r.stderr.slice(-500)}`);
  }
});
