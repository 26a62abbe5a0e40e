// The worked examples of docs/compare.md, run for real: contract runs of the reference broker
// (and of a real EMQX 4.4 where one answers) as child processes, then `compare` on their
// folders as a user would run it.
//   1. EMQX 4.3.8 against 4.4.19: no verdict changes, yet the kick of an unknown client
//      answers code 112 in one and code 0 in the other; the comparison says so, on
//      DELETE /clients/{clientid}.
//   2. The 3.x API against the 4.x API of one broker: the shapes show 3.x `client_id` and
//      `ipaddress` as 4.x `clientid` and `ip_address`, on /connections paired with /clients.
//   3. A real EMQX 4.4 against the reference broker: the command works and its exit code says
//      what the content says; skipped with the reason when no real EMQX answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { CompareReport } from '../../src/compare/model.ts';
import { REPO_ROOT } from '../../src/schema-registry.ts';
import { type CliRun, describe, failures, runCli, withoutTargetSettings } from '../contracts/run-cli.ts';
import { NO_REAL_BROKER, realBroker } from '../real/real-broker.ts';

const require = createRequire(import.meta.url);
const TSX = join(dirname(require.resolve('tsx/package.json')), 'dist', 'cli.mjs');

function compare(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [TSX, join(REPO_ROOT, 'scripts', 'compare.ts'), ...args], { cwd: REPO_ROOT, env: withoutTargetSettings(process.env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A contract run that wrote its report, or the reason it did not. */
function wrote(run: CliRun): string {
  assert.ok(run.reportDir && run.report, `the run wrote no report (exit ${run.code}): ${run.stderr.slice(-400)}`);
  return run.reportDir;
}

// the kick checks only: the negative cases of DELETE /clients/{clientid} and the kick itself
const KICK = ['--api-version', 'v4', '--grep', 'kick'];
const example1 = Promise.all([runCli([...KICK, '--emqx-version', '4.3.8']), runCli(KICK)]);

test('example 1: EMQX 4.3.8 against 4.4.19 shows the kick of an unknown client changing from code 112 to 0', async () => {
  const [as438, as4419] = await example1;
  assert.equal(as438.code, 0, describe(failures(as438)));
  assert.equal(as4419.code, 0, describe(failures(as4419)));
  for (const r of [as438, as4419]) assert.ok(r.report?.shapes?.v4?.['v4.kickout_client'], 'the run recorded the shape of its kicks');

  const out = join(as4419.reportsRoot, 'compare');
  const r = await compare([wrote(as438), wrote(as4419), '--out', out]);
  assert.equal(r.code, 0, `no check newly fails: ${r.stdout}${r.stderr}`);
  assert.match(r.stdout, /No verdict changed between the runs\./);
  assert.match(r.stdout, /### ⇄ Behaviour that changed with the release \(\d+\)/);
  assert.match(
    r.stdout,
    /\|\s*v4\s*\|\s*`DELETE \/clients\/\{clientid\}`\s*\|\s*Kick a client id that is not connected \(unknown-client\)\s*\|\s*`HTTP 200 \{"code":112,"message":"not_found"\}`\s*\|\s*`HTTP 200 \{"code":0\}`\s*\|\s*✓ both runs answered so\s*\|/,
  );
  const json = JSON.parse(readFileSync(join(out, 'compare.json'), 'utf8')) as CompareReport;
  const kick = json.contract!.behaviour.find((b) => b.expectation === 'v4.kickout_client.unknown-client');
  assert.deepEqual([kick?.endpoint, kick?.a.release, kick?.b.release, kick?.held], ['v4.kickout_client', '4.3.8', '4.4.19', true]);
  assert.match(readFileSync(join(out, 'compare.html'), 'utf8'), /data-kind="behaviour"/);
});

test('example 2: the 3.x and the 4.x API of one broker: client_id → clientid, ipaddress → ip_address', async () => {
  const grep = ['--grep', 'GET /connections|GET /clients'];
  const [v3, v4] = await Promise.all([runCli(['--api-version', 'v3', ...grep]), runCli(['--api-version', 'v4', ...grep])]);
  assert.equal(v3.code, 0, describe(failures(v3)));
  assert.equal(v4.code, 0, describe(failures(v4)));
  const r = await compare([wrote(v3), wrote(v4)]);
  assert.equal(r.code, 0, `${r.stdout}${r.stderr}`);
  assert.match(r.stdout, /Target v3 of A is compared with target v4 of B/);
  const section = r.stdout.split('#### v3 `GET /connections` → v4 `GET /clients`\n')[1]?.split('\n####')[0] ?? '';
  assert.ok(section, `the listing pairs with the 4.x listing:\n${r.stdout}`);
  assert.match(section, /\|\s*→ renamed\s*\|\s*`data\[\*\]\.client_id` → `data\[\*\]\.clientid`\s*\|\s*string\s*\|\s*string\s*\|/);
  assert.match(section, /\|\s*→ renamed\s*\|\s*`data\[\*\]\.ipaddress` → `data\[\*\]\.ip_address`\s*\|\s*string\s*\|\s*string\s*\|/);
  assert.match(r.stdout, /#### v3 `GET \/connections\/\{clientid\}` → v4 `GET \/clients\/\{clientid\}`/);
});

test('example 3: a real EMQX 4.4 against the reference broker', async (t) => {
  const settings = await realBroker();
  if (!settings) {
    t.skip(NO_REAL_BROKER);
    return;
  }
  const [, reference] = await example1;
  const real = await runCli(['--profile', 'emqx-v4', '--allow-mutations', '--allow-disruptive', '--grep', 'kick'], { env: settings });
  assert.ok(real.code === 0 || real.code === 1, `the real run ran (exit ${real.code}): ${real.stderr.slice(-400)}`);
  assert.ok(real.report?.shapes?.v4, 'the real run recorded shapes');
  const out = join(real.reportsRoot, 'compare');
  const r = await compare([wrote(reference), wrote(real), '--out', out]);
  const json = JSON.parse(readFileSync(join(out, 'compare.json'), 'utf8')) as CompareReport;
  assert.equal(r.code, json.gate.verdict === 'fail' ? 1 : 0, 'the exit code says what the content says');
  assert.match(r.stderr, /^wrote compare\.md, compare\.json, compare\.html to .*\n$/, 'nothing but where the files went');
  assert.match(r.stdout, /^## EMQX contract runs compared: /);
  assert.deepEqual([json.a.profile, json.b.profile], ['reference', 'emqx-v4']);
  assert.deepEqual(json.contract!.targets, [{ a: 'v4', b: 'v4', crossVersion: false }]);
  // whatever differs is named on an endpoint of the catalog, with what the real broker said
  for (const c of json.contract!.changes) {
    assert.match(c.endpoint, /^v4\./);
    assert.ok(c.example, `${c.kind} ${c.endpoint} carries a finding`);
  }
  t.diagnostic(`real EMQX ${real.report!.run.emqxVersion} against the reference: ${json.contract!.changes.length} change(s), ${json.contract!.shapes.length} endpoint(s) with other shapes, gate ${json.gate.verdict}`);
});
