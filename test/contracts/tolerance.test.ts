// Tolerance, proved like detection: the reference broker shows the benign variations real
// brokers show (another order, counters that lag, a REST subscribe that lands a moment later,
// extra fields, defaults in echoes), one at a time and all together, and the suites must
// pass under each. A harness that only passes its own reference broker's habits fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VARIATIONS } from '../../reference/variations.ts';
import { describe, failures, runCli } from './run-cli.ts';

test('every benign variation at once: the v4 suites still pass, every endpoint covered', async () => {
  const run = await runCli(['--api-version', 'v4', ...Object.keys(VARIATIONS).flatMap((v) => ['--vary', v])]);
  assert.equal(run.code, 0, `exit ${run.code}\n${describe(failures(run))}\n${run.stderr.slice(-600)}`);
  assert.deepEqual(failures(run).filter((f) => f.check !== 'undocumented-field'), []);
  assert.ok(run.report!.findings.filter((f) => f.verdict === 'pass').length > 250);
});

test('extra fields are reported as undocumented, never as failures of the contract', async () => {
  const run = await runCli(['--api-version', 'v4', '--vary', 'extra-fields', '--grep', 'GET /clients$|GET /brokers$']);
  assert.equal(run.code, 0, describe(failures(run)));
  assert.ok(run.report!.findings.some((f) => f.check === 'undocumented-field' && /extra_info/.test(f.pointer ?? '')), 'the extra field is visible');
});

for (const v of ['late-subscribe', 'lag-counters', 'order']) {
  test(`variation ${v} alone: the checks it touches pass`, async () => {
    const run = await runCli(['--api-version', 'v4', '--vary', v, '--grep', 'subscribe|counters|subscriptions|every page']);
    assert.equal(run.code, 0, `exit ${run.code}\n${describe(failures(run))}`);
  });
}
