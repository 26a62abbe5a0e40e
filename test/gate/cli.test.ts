// `emqx-harness contract --gate FILE` as a user meets it, against the real reference broker:
// a broken /clients fails without a gate, is waived (never passed) with one, fails again once
// the waiver expired; stale waivers are reported; a bad gate file is exit 2 and one line.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startReferenceBroker } from '../../reference/index.ts';
import { REPO_ROOT } from '../../src/schema-registry.ts';
import { type CliRun, describe, failures, runCli } from '../contracts/run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'harness-gate-'));
function gateFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

// the reference broker loses `port` in /clients; only the GET /clients check runs (seconds)
const BROKEN = ['--api-version', 'v4', '--deviate', 'drop-field:port@/clients', '--grep', 'GET /clients$', '--workers', '1'];
const PORT_GATE = gateFile(
  'port.yml',
  `# waives exactly the dropped field
target:
  profile: reference
  apiVersion: v4
waivers:
  - endpoint: v4.list_clients
    check: schema
    pointer: /data/*/port
    reason: the proxy in front of the test broker drops port
    owner: ops-team
    expires: 2026-11-30
  - endpoint: v4.list_routes
    check: schema
    reason: a waiver nothing needs
    owner: ops-team
    expires: 2027-01-31
`,
);
const EXPIRED_LINE = 'waiver #1 (v4.list_clients schema /data/*/port, owner ops-team) expired on 2026-11-30, 2 days ago';
const STALE_LINE = 'waiver #2 (v4.list_routes schema, owner ops-team, expires 2027-01-31) is stale: it matched no failure';

// the slow runs start together and each test awaits its own
const SECRET = 'harness-gate-s3cret';
const broker = await startReferenceBroker({ httpPort: 0, mqttPort: 0, appSecret: SECRET });
after(() => broker.close());
const runs = {
  noGate: runCli(BROKEN),
  // the day of `expires` is still valid
  waived: runCli([...BROKEN, '--gate', PORT_GATE], { env: { EMQX_HARNESS_TODAY: '2026-11-30' } }),
  expired: runCli([...BROKEN, '--gate', PORT_GATE], { env: { EMQX_HARNESS_TODAY: '2026-12-02' } }),
  // the EMQX 4.4 example against the reference broker as EMQX 4.4.19, seen as a real broker
  emqx44: runCli(['--profile', 'emqx-v4', '--api-url', broker.apiUrl('v4'), '--mqtt-url', broker.mqttUrl, '--grep', 'metrics|actions', '--workers', '1', '--gate', join(REPO_ROOT, 'examples', 'gates', 'emqx-v4.4.yml')], {
    env: { EMQX_APP_SECRET: SECRET, EMQX_HARNESS_TODAY: '2026-12-01' },
  }),
};

const said = (run: CliRun): string => `exit ${run.code}\n${describe(failures(run))}\n--- stdout\n${run.stdout.slice(-2000)}\n--- stderr\n${run.stderr.slice(-1000)}`;
const portFinding = (run: CliRun) => run.report?.findings.find((f) => f.endpoint === 'v4.list_clients' && f.check === 'schema' && f.pointer === '/data/0/port');

test('without a gate the dropped field fails the run (exit 1)', { timeout: 180_000 }, async () => {
  const run = await runs.noGate;
  assert.equal(run.code, 1, said(run));
  assert.equal(portFinding(run)?.verdict, 'fail', said(run));
  assert.equal(run.report!.gate, undefined, 'no gate, no gate block');
  assert.deepEqual(Object.keys(run.report!).filter((k) => k === 'gate'), []);
});

test('a gate waiving exactly that endpoint, check and pointer passes it: waived with the reason, never pass (exit 0)', { timeout: 180_000 }, async () => {
  const run = await runs.waived;
  assert.equal(run.code, 0, said(run));
  const f = portFinding(run);
  assert.equal(f?.verdict, 'waived', said(run));
  assert.equal(f!.reason, 'waived by waiver #1 (v4.list_clients schema /data/*/port): the proxy in front of the test broker drops port (owner ops-team, expires 2026-11-30)');
  assert.ok(!run.report!.findings.some((x) => x.pointer === '/data/0/port' && x.verdict === 'pass'), 'a waived check is never a pass');
  assert.deepEqual(run.report!.gate, { file: PORT_GATE, passed: true, waived: 1, failing: 0, outside: 0, expired: [], stale: [STALE_LINE] });
  // the stale waiver is a warning on the terminal and in summary.md
  assert.ok(run.stdout.split('\n').some((l) => l.trim() === `⚠ ${STALE_LINE}`), said(run));
  assert.match(run.stdout, /✓ gate .*port\.yml: passed; 1 waived, 1 stale waiver/);
  const summary = readFileSync(join(run.reportDir!, 'summary.md'), 'utf8');
  assert.match(summary, /## Gate\n\n- ✓ gate .*port\.yml: passed; 1 waived, 1 stale waiver\n- ⚠ waiver #2 /);
  assert.match(summary, /⚑ Waived checks/);
});

test('once the waiver expired it waives nothing and fails the gate, saying which waiver and since when (exit 1)', { timeout: 180_000 }, async () => {
  const run = await runs.expired;
  assert.equal(run.code, 1, said(run));
  assert.equal(portFinding(run)?.verdict, 'fail', said(run));
  assert.deepEqual(run.report!.gate?.expired, [EXPIRED_LINE]);
  assert.equal(run.report!.gate?.passed, false);
  assert.equal(run.report!.gate?.failing, 1);
  assert.ok(run.stdout.split('\n').some((l) => l.trim() === `✗ ${EXPIRED_LINE}`), said(run));
  assert.match(run.stdout, /✗ gate .*port\.yml: failed \(1 failure, 1 expired waiver\)/);
});

test('examples/gates/emqx-v4.4.yml: EMQX 4.4\'s known metrics and action deviations count (strictDocs) and are all waived (exit 0)', { timeout: 180_000 }, async () => {
  const run = await runs.emqx44;
  assert.equal(run.code, 0, said(run));
  const findings = run.report!.findings;
  assert.deepEqual(findings.filter((f) => f.verdict === 'known-deviation'), [], 'every known deviation seen is waived');
  const waived = findings.filter((f) => f.verdict === 'waived');
  assert.ok(waived.some((f) => f.endpoint === 'v4.list_all_metrics' && f.pointer === '/data/0/metrics/rules.matched'), said(run));
  assert.ok(waived.some((f) => f.endpoint === 'v4.list_node_metrics' && f.pointer === '/data/rules.matched'), said(run));
  assert.ok(waived.some((f) => f.endpoint === 'v4.list_actions' && /\/params\/[^/]+\/type$/.test(f.pointer ?? '')), said(run));
  for (const f of waived) assert.match(f.reason!, /^waived by waiver #\d \(.*\): .* \(owner [\w-]+, expires 2027-06-30\); was a known deviation \(erratum v4\./);
  assert.equal(run.report!.gate?.passed, true);
  assert.deepEqual(run.report!.gate?.stale, [], 'no waiver of the example is stale against EMQX 4.4.19');
});

test('a gate file with an error: exit 2, one line naming the file and the line, nothing run', async () => {
  const bad = gateFile('bad.yml', 'target:\n  profile: reference\nwaivers:\n  - endpoint: v4.list_clients\n    check: schema\n    expires: next week\n    reason: r\n    owner: o\n');
  const run = await runCli([...BROKEN, '--gate', bad]);
  assert.equal(run.code, 2, said(run));
  assert.equal(run.stderr, `emqx-harness: ${bad}:6: waivers[0].expires must be a date YYYY-MM-DD, got "next week"\n`);
  assert.deepEqual(readdirSync(run.reportsRoot), [], 'no run was started');

  const json = gateFile('bad.json', '{\n  "contract": {\n    "strictdocs": true\n  }\n}\n');
  const jrun = await runCli([...BROKEN, '--gate', json]);
  assert.equal(jrun.code, 2);
  assert.equal(jrun.stderr, `emqx-harness: ${json}:3: contract.strictdocs is not a gate setting (expected one of: checks, strictDocs, strictFields)\n`);

  const missing = await runCli([...BROKEN, '--gate', join(dir, 'nope.yml')]);
  assert.equal(missing.code, 2);
  assert.equal(missing.stderr, `emqx-harness: --gate ${join(dir, 'nope.yml')}: no such file\n`);
});

test('a gate for another target, or a bad EMQX_HARNESS_TODAY: exit 2, one line, no run', async () => {
  const forV4 = gateFile('emqx-v4.yml', 'target:\n  profile: emqx-v4\n  apiVersion: v4\n');
  const run = await runCli([...BROKEN, '--gate', forV4]);
  assert.equal(run.code, 2, said(run));
  assert.equal(run.stderr, `emqx-harness: --gate ${forV4} is meant for profile emqx-v4, but this run's profile is reference\n`);
  assert.deepEqual(readdirSync(run.reportsRoot), []);

  const v3 = await runCli(['--api-version', 'v3', '--gate', PORT_GATE]);
  assert.equal(v3.code, 2);
  assert.equal(v3.stderr, `emqx-harness: --gate ${PORT_GATE} is meant for API version v4, but this run checks v3\n`);

  const today = await runCli([...BROKEN, '--gate', PORT_GATE], { env: { EMQX_HARNESS_TODAY: '30/11/2026' } });
  assert.equal(today.code, 2);
  assert.equal(today.stderr, 'emqx-harness: EMQX_HARNESS_TODAY must be a date YYYY-MM-DD, got "30/11/2026"\n');
});

test('--help names --gate', async () => {
  const run = await runCli(['--help']);
  assert.match(run.stdout, /--gate FILE/);
});
