// `emqx-harness load --gate FILE` against the reference broker: the gate's thresholds reach
// k6 before it starts (a flag cannot loosen them) and decide the exit code; a bad gate file
// is exit 2 and one line, k6 or not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NO_K6, runLoadCli, said } from '../load/run-load.ts';

const dir = mkdtempSync(join(tmpdir(), 'harness-load-gate-'));
function gateFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

test('a p95 of 1 ms in the gate against a broker answering in 30 ms: exit 1, the breach named', { skip: NO_K6, timeout: 180_000 }, async () => {
  const gate = gateFile('p95.yml', 'target:\n  profile: reference\n  apiVersion: v4\nload:\n  p95Ms: 1\n');
  // --p95 5000 on the command line does not loosen the gate: the stricter holds
  const run = await runLoadCli(['--gate', gate, '--deviate', 'slow:30', '--p95', '5000']);
  assert.equal(run.code, 1, said(run));
  const k6 = run.report!.k6!;
  assert.ok(k6.thresholds.some((t) => t.expression === 'p(95)<1' && !t.ok), `k6 ran with the gate's p95: ${JSON.stringify(k6.thresholds)}`);
  assert.equal(run.report!.gate?.passed, false);
  assert.equal(run.report!.gate?.thresholds.p95Ms, 1);
  assert.ok(run.report!.gate?.problems.some((p) => /p\(95\)<1/.test(p)), JSON.stringify(run.report!.gate));
  assert.match(run.stdout, /✗ gate .*p95\.yml: failed \(1 problem\)\n {2}✗ threshold breached: http_req_duration p\(95\)<1/);
});

test('a load gate with an error, or for another target: exit 2, one line, nothing started', async () => {
  const bad = gateFile('bad.yml', 'load:\n  p95Ms: 100\n  failedRate: 0\n');
  const run = await runLoadCli(['--gate', bad]);
  assert.equal(run.code, 2, said(run));
  assert.equal(run.stderr, `emqx-harness: ${bad}:3: load.failedRate must be a number above 0 and at most 1 (k6 holds the rate below it, so 0 could never hold), got 0\n`);
  assert.deepEqual(readdirSync(run.reportsRoot), []);

  const forCloud = gateFile('cloud.yml', 'target:\n  profile: emqx-cloud\n');
  const other = await runLoadCli(['--gate', forCloud]);
  assert.equal(other.code, 2, said(other));
  assert.equal(other.stderr, `emqx-harness: --gate ${forCloud} is meant for profile emqx-cloud, but this run's profile is reference\n`);
});

test('load --help names --gate', async () => {
  const run = await runLoadCli(['--help']);
  assert.match(run.stdout, /--gate FILE/);
});
