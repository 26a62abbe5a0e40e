// The contract CLI as a user meets it: help, bad settings, unreachable or refusing
// targets, Ctrl-C, and secrets that never reach a report.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startReferenceBroker } from '../../reference/index.ts';
import { describe, failures, runCli } from './run-cli.ts';

const SECRET = 'harness-test-s3cret-9f2c';
const broker = await startReferenceBroker({ httpPort: 0, mqttPort: 0, appSecret: SECRET });
after(() => broker.close());

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? allFiles(p) : [p];
  });
}

test('--help lists the options and exits 0', async () => {
  const run = await runCli(['--help']);
  assert.equal(run.code, 0);
  assert.match(run.stdout, /--allow-mutations/);
  assert.match(run.stdout, /EMQX_API_URL/);
});

test('an unknown flag or a bad setting is one line and exit 2', async () => {
  for (const args of [['--nope'], ['--profile', 'emqx-v9'], ['--workers', 'many'], ['--api-url', 'ftp://x/api/v4']]) {
    const run = await runCli(args);
    assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
    assert.match(run.stderr, /^emqx-harness: /);
  }
});

test('an unreachable URL is one clear line and exit 2, with no test run', async () => {
  const run = await runCli(['--profile', 'emqx-v4', '--api-url', 'http://127.0.0.1:1/api/v4']);
  assert.equal(run.code, 2);
  assert.equal(run.stderr.trim(), 'emqx-harness: cannot reach http://127.0.0.1:1/api/v4: connection refused (is the broker running, and is this its management port?)');
  assert.equal(run.report, undefined);
  assert.deepEqual(readdirSync(run.reportsRoot), [], 'no empty run is left behind');
});

test('a wrong password is one clear line and exit 2', async () => {
  const run = await runCli(['--profile', 'emqx-v4', '--api-url', broker.apiUrl('v4')], { env: { EMQX_APP_SECRET: 'not-the-secret' } });
  assert.equal(run.code, 2);
  assert.equal(run.stderr.trim(), `emqx-harness: ${broker.apiUrl('v4')} refused the credentials of app id "admin" (HTTP 401); check EMQX_APP_ID / EMQX_APP_SECRET`);
});

test('a real target is checked read-only unless allowed, and no secret reaches any report file', async () => {
  const run = await runCli(['--profile', 'emqx-v4', '--api-url', broker.apiUrl('v4'), '--mqtt-url', broker.mqttUrl], { env: { EMQX_APP_SECRET: SECRET } });
  assert.equal(run.code, 0, `${run.stderr}\n${describe(failures(run))}`);
  const skipped = run.report!.findings.filter((f) => f.verdict === 'skipped');
  assert.ok(skipped.some((f) => f.endpoint === 'v4.kickout_client' && /not allowed/.test(f.reason ?? '')), 'disruptive checks are skipped by policy');
  assert.ok(skipped.some((f) => f.endpoint === 'v4.create_rule' && /not allowed/.test(f.reason ?? '')), 'mutating checks are skipped by policy');
  const b64 = Buffer.from(`admin:${SECRET}`).toString('base64');
  for (const file of allFiles(run.reportDir!)) {
    const text = readFileSync(file, 'latin1');
    assert.ok(!text.includes(SECRET) && !text.includes(b64), `the secret is in ${file}`);
  }
  assert.ok(!run.stdout.includes(SECRET) && !run.stderr.includes(SECRET), 'the secret is in the terminal output');
});

test('Ctrl-C mid-run stops the suites and still writes a partial report (exit 130)', async () => {
  const run = await runCli(['--api-version', 'v4', '--deviate', 'slow:300'], {
    onSpawn: (kill, root) => {
      const timer = setInterval(() => {
        // interrupt once the first tests have reported
        const dirs = existsSync(root) ? readdirSync(root).filter((d) => d !== 'latest') : [];
        if (dirs.some((d) => existsSync(join(root, d, 'findings.jsonl')))) {
          clearInterval(timer);
          kill('SIGINT');
        }
      }, 100);
    },
  });
  assert.equal(run.code, 130, run.stderr);
  assert.match(run.stderr, /interrupted by Ctrl-C/);
  assert.ok(run.report, 'a report was written');
  assert.equal(run.report.run.interrupted?.reason, 'interrupted by Ctrl-C');
  assert.ok(run.report.findings.length > 0, 'it keeps what was checked before the interrupt');
  assert.ok(existsSync(join(run.reportDir!, 'index.html')));
});
