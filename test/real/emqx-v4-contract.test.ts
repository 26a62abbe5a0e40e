// Ground truth in the loop: the v4 suite against a real EMQX 4.4 must give zero failures,
// no not-implemented beyond the routes its release does not have, every known deviation
// reported as known with its erratum, and nothing left behind; --strict-docs must turn the
// known deviations into a failing run that names them; and the reference broker started as
// the same release must give the same verdict per check.
//
// The broker: EMQX_API_URL, EMQX_APP_ID, EMQX_APP_SECRET, EMQX_MQTT_URL (and EMQX_NODE,
// EMQX_VERSION) when set; otherwise a local real node on the ports the CI starts one on
// (API 127.0.0.1:38081, MQTT 127.0.0.1:31883, admin/public) if it answers; otherwise skipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectations, outcomeFor } from '../../src/expectations.ts';
import type { Finding } from '../../src/findings.ts';
import { type CliRun, describe as list, runCli } from '../contracts/run-cli.ts';
import { NO_REAL_BROKER, realBroker } from './real-broker.ts';

const real = await realBroker();
const SKIP = real ? false : NO_REAL_BROKER;
const ARGS = ['--profile', 'emqx-v4', '--allow-mutations', '--allow-disruptive'];

/** The endpoints the table says this release does not route: the only not-implemented allowed. */
function unroutedBy(release: string): Set<string> {
  return new Set(expectations().filter((e) => e.endpoint.startsWith('v4.') && outcomeFor(e, release)?.routeAbsent).map((e) => e.endpoint));
}

const verdicts = (run: CliRun): Map<string, string> => {
  const out = new Map<string, Set<string>>();
  for (const f of run.report?.findings ?? []) {
    if (f.check === 'undocumented-field') continue;
    const k = `${f.endpoint} ${f.check}`;
    (out.get(k) ?? out.set(k, new Set()).get(k)!).add(f.verdict);
  }
  return new Map([...out].map(([k, v]) => [k, [...v].sort().join('+')]));
};

let realRun: CliRun | undefined;

test('the v4 suite against a real EMQX 4.4: no failure, only the release\'s own absences, known deviations named, nothing left', { skip: SKIP, timeout: 180_000 }, async () => {
  realRun = await runCli(ARGS, { env: real! });
  const r = realRun;
  const findings = r.report?.findings ?? [];
  const fails = findings.filter((f) => f.verdict === 'fail' && f.check !== 'undocumented-field');
  assert.equal(fails.length, 0, `failures on the real broker:\n${list(fails)}\n${r.stderr.slice(-400)}`);
  assert.equal(r.code, 0, r.stdout.slice(-600));
  const release = r.report!.run.emqxVersion!;
  const allowed = unroutedBy(release);
  const ni = findings.filter((f) => f.verdict === 'not-implemented');
  assert.deepEqual(ni.filter((f) => !allowed.has(f.endpoint)).map((f) => f.endpoint), [], 'unexpected not-implemented');
  const known = findings.filter((f) => f.verdict === 'known-deviation');
  assert.ok(known.length > 0, 'EMQX 4.4 differs from its documents (metrics keys, action parameter types): expected known deviations');
  assert.ok(known.every((f: Finding) => f.erratum && f.reason && f.pointer), `every known deviation names its erratum and pointer:\n${list(known)}`);
  assert.ok(!findings.some((f) => /left on the target|sweep for leftovers/.test(f.message)), 'nothing left on the broker');
  assert.ok(findings.filter((f) => f.verdict === 'pass').length > 200, 'the run checked things');
});

test('--strict-docs makes known deviations fail the run, naming them', { skip: SKIP, timeout: 120_000 }, async () => {
  const r = await runCli([...ARGS, '--strict-docs', '--grep', 'GET /(nodes/\\{node\\}/)?metrics|GET /actions'], { env: real! });
  assert.equal(r.code, 1, r.stdout.slice(-600));
  const known = (r.report?.findings ?? []).filter((f) => f.verdict === 'known-deviation');
  assert.ok(known.length > 0);
  assert.match(r.stdout, /known deviation/i);
  for (const f of known) assert.ok(r.stdout.includes(f.erratum!) || r.stdout.includes('known-deviation'), `the terminal names ${f.erratum}`);
});

test('the reference broker as the same release gives the same verdict per check as the real one', { skip: SKIP, timeout: 180_000 }, async () => {
  assert.ok(realRun?.report, 'the real run ran first');
  const release = realRun.report.run.emqxVersion!;
  const ref = await runCli(['--api-version', 'v4', '--emqx-version', release]);
  const a = verdicts(realRun);
  const b = verdicts(ref);
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  const differ = keys.filter((k) => a.get(k) !== b.get(k)).map((k) => `  ${k}: real ${a.get(k) ?? '—'}, reference ${b.get(k) ?? '—'}`);
  assert.deepEqual(differ, [], `verdicts differ:\n${differ.join('\n')}`);
});

test('the example gate for EMQX 4.4 holds on the real broker: its known deviations waived, never passed', { skip: SKIP, timeout: 180_000 }, async () => {
  const r = await runCli([...ARGS, '--gate', 'examples/gates/emqx-v4.4.yml'], { env: real! });
  assert.equal(r.code, 0, `${r.stdout.slice(-1200)}\n${r.stderr.slice(-400)}`);
  const findings = r.report?.findings ?? [];
  const waived = findings.filter((f) => f.verdict === 'waived');
  assert.ok(waived.length > 0, 'the metrics and action-parameter deviations are waived');
  assert.ok(waived.every((f) => /waiver/i.test(f.reason ?? '')), 'each waived finding names its waiver');
  assert.equal(findings.filter((f) => f.verdict === 'known-deviation').length, 0, 'under the gate every known deviation is waived or fails');
});
