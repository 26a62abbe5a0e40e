// Applying a gate to a contract run's findings: waived (never pass), expiry (the day of
// `expires` still holds), stale waivers, the gate's check kinds and strictness, the target.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../src/errors.ts';
import type { Finding } from '../../src/findings.ts';
import { applyGateToFindings, assertGateTarget, contractGateResult, gateChecks, gateToday } from '../../src/gate/apply.ts';
import type { Gate, Waiver } from '../../src/gate/model.ts';
import { daysAgo, gateVerdictLine } from '../../src/gate/words.ts';

const port: Finding = { endpoint: 'v4.list_clients', check: 'schema', verdict: 'fail', message: 'data[0].port: expected present, got missing', pointer: '/data/0/port', target: 'v4' };
const negative: Finding = { endpoint: 'v4.lookup_client', check: 'negative', verdict: 'fail', message: 'unknown client: expected code 112', target: 'v4' };
const undocumented: Finding = { endpoint: 'v4.list_clients', check: 'undocumented-field', verdict: 'fail', message: 'mountpoint: field not in the documents', pointer: '/data/0/mountpoint' };
const known: Finding = { endpoint: 'v4.list_node_metrics', check: 'schema', verdict: 'known-deviation', message: 'rules.matched missing', pointer: '/data/rules.matched', erratum: 'v4.metrics-keys-of-later-releases', reason: 'EMQX >=4.3.12 answers no rules.matched key' };
const passed: Finding = { endpoint: 'v4.list_clients', check: 'status', verdict: 'pass', message: 'HTTP 200' };

const portWaiver: Waiver = { endpoint: 'v4.list_clients', check: 'schema', pointer: '/data/*/port', reason: 'the proxy drops port', owner: 'ops-team', expires: '2026-11-30' };

test('a failure a live waiver matches becomes waived, never pass, and its reason names the waiver', () => {
  const o = applyGateToFindings([passed, port], { waivers: [portWaiver] }, '2026-11-01');
  assert.equal(o.passed, true);
  const f = o.findings.find((x) => x.pointer === '/data/0/port')!;
  assert.equal(f.verdict, 'waived');
  assert.equal(f.reason, 'waived by waiver #1 (v4.list_clients schema /data/*/port): the proxy drops port (owner ops-team, expires 2026-11-30)');
  assert.equal(f.message, port.message, 'the finding still says what was wrong');
  assert.deepEqual(o.waived, [f]);
  assert.deepEqual(o.failing, []);
  assert.equal(o.findings.length, 2, 'no finding is added or lost');
  assert.equal(o.findings.filter((x) => x.verdict === 'pass').length, 1, 'a waiver never makes a pass');
  assert.equal(port.verdict, 'fail', 'the input is not changed');
});

test('without a waiver the same failure fails the gate', () => {
  const o = applyGateToFindings([passed, port], {}, '2026-11-01');
  assert.equal(o.passed, false);
  assert.deepEqual(o.failing, [port]);
  assert.equal(o.findings[1]!.verdict, 'fail');
});

test('expiry: the day of `expires` still holds; the day after, the waiver waives nothing and fails the gate', () => {
  const onTheDay = applyGateToFindings([port], { waivers: [portWaiver] }, '2026-11-30');
  assert.equal(onTheDay.passed, true);
  assert.deepEqual(onTheDay.expired, []);
  assert.equal(onTheDay.findings[0]!.verdict, 'waived');

  const after = applyGateToFindings([port], { waivers: [portWaiver] }, '2026-12-01');
  assert.equal(after.passed, false);
  assert.equal(after.findings[0]!.verdict, 'fail', 'an expired waiver waives nothing');
  assert.deepEqual(after.failing, [port]);
  assert.deepEqual(after.expired, ['waiver #1 (v4.list_clients schema /data/*/port, owner ops-team) expired on 2026-11-30, 1 day ago']);
  assert.deepEqual(after.stale, [], 'an expired waiver is not also stale');

  // an expired waiver fails the gate even when nothing needed it any more
  const clean = applyGateToFindings([passed], { waivers: [{ ...portWaiver, endpoint: 'v4.list_routes' }, portWaiver] }, '2026-12-02');
  assert.equal(clean.passed, false);
  assert.deepEqual(clean.failing, []);
  assert.equal(clean.expired[1], 'waiver #2 (v4.list_clients schema /data/*/port, owner ops-team) expired on 2026-11-30, 2 days ago');
});

test('a Date is taken as its local day', () => {
  assert.equal(applyGateToFindings([port], { waivers: [portWaiver] }, new Date(2026, 10, 30, 23, 59)).passed, true);
  assert.equal(applyGateToFindings([port], { waivers: [portWaiver] }, new Date(2026, 11, 1, 0, 1)).passed, false);
});

test('stale: a live waiver that matched no failure is a warning, not a failure', () => {
  const routes: Waiver = { endpoint: 'v4.list_routes', check: 'schema', reason: 'r', owner: 'ops-team', expires: '2027-01-31' };
  const o = applyGateToFindings([passed, port], { waivers: [portWaiver, routes] }, '2026-11-01');
  assert.equal(o.passed, true);
  assert.deepEqual(o.stale, ['waiver #2 (v4.list_routes schema, owner ops-team, expires 2027-01-31) is stale: it matched no failure']);
  // a waiver matching only a pass is stale too
  const onPass = applyGateToFindings([passed], { waivers: [{ ...routes, endpoint: 'v4.list_clients', check: 'status' }] }, '2026-11-01');
  assert.equal(onPass.stale.length, 1);
  // two waivers on one failure: the first names it, neither is stale
  const twice = applyGateToFindings([port], { waivers: [portWaiver, { ...portWaiver, pointer: '/data/**' }] }, '2026-11-01');
  assert.deepEqual(twice.stale, []);
  assert.match(twice.findings[0]!.reason!, /waiver #1 /);
});

test('known deviations are waivable only when they count (strictDocs); a waiver for one otherwise is stale and says why', () => {
  const w: Waiver = { endpoint: 'v4.list_*_metrics', check: 'schema', pointer: '/data/**/rules.matched', reason: 'EMQX 4.4 has no rules.matched', owner: 'broker-team', expires: '2027-06-30' };
  const lax = applyGateToFindings([known], { waivers: [w] }, '2026-11-01');
  assert.equal(lax.passed, true);
  assert.equal(lax.findings[0]!.verdict, 'known-deviation');
  assert.match(lax.stale[0]!, /is stale: it matched no failure \(it matches known deviations, which count only with contract.strictDocs: true\)/);

  const strictNoWaiver = applyGateToFindings([known], { contract: { strictDocs: true } }, '2026-11-01');
  assert.equal(strictNoWaiver.passed, false);
  assert.deepEqual(strictNoWaiver.failing, [known]);

  const strict = applyGateToFindings([known], { contract: { strictDocs: true }, waivers: [w] }, '2026-11-01');
  assert.equal(strict.passed, true);
  assert.equal(strict.findings[0]!.verdict, 'waived');
  assert.match(strict.findings[0]!.reason!, /^waived by waiver #1 \(v4.list_\*_metrics schema \/data\/\*\*\/rules.matched\): EMQX 4.4 has no rules.matched \(owner broker-team, expires 2027-06-30\); was a known deviation \(erratum v4.metrics-keys-of-later-releases\)$/);

  // --strict-docs on the command line makes the gate stricter too
  assert.equal(applyGateToFindings([known], {}, '2026-11-01', { strictDocs: true }).passed, false);
});

test('the gate\'s check kinds: failures of other kinds are reported, not failing', () => {
  const gate: Gate = { contract: { checks: ['schema'] } };
  const o = applyGateToFindings([port, negative], gate, '2026-11-01');
  assert.deepEqual(o.failing, [port]);
  assert.deepEqual(o.outside, [negative]);
  assert.equal(o.findings.find((f) => f.check === 'negative')!.verdict, 'fail', 'still a failure in the report');
  const only = applyGateToFindings([negative], gate, '2026-11-01');
  assert.equal(only.passed, true);
  assert.match(gateVerdictLine(contractGateResult({ file: 'g.yml', gate }, only)), /^gate g.yml: passed; 0 waived, 1 failure outside the gate's check kinds \(reported only\)$/);
});

test('undocumented fields: reported apart unless the gate holds them (strictFields or the kind listed)', () => {
  const o = applyGateToFindings([undocumented], {}, '2026-11-01');
  assert.equal(o.passed, true);
  assert.deepEqual(o.outside, [], 'not counted as a failure outside the gate: they are never failures by default');
  assert.equal(applyGateToFindings([undocumented], { contract: { strictFields: true } }, '2026-11-01').passed, false);
  assert.equal(applyGateToFindings([undocumented], { contract: { checks: ['schema', 'undocumented-field'] } }, '2026-11-01').passed, false);
  assert.equal(applyGateToFindings([undocumented], {}, '2026-11-01', { strictFields: true }).passed, false, '--strict-fields adds them');
  // a waiver can waive one whether or not they count
  const w: Waiver = { endpoint: 'v4.list_clients', check: 'undocumented-field', pointer: '/data/*/mountpoint', reason: 'r', owner: 'o', expires: '2027-01-01' };
  const waived = applyGateToFindings([undocumented], { contract: { strictFields: true }, waivers: [w] }, '2026-11-01');
  assert.equal(waived.passed, true);
  assert.equal(waived.findings[0]!.verdict, 'waived');
  assert.deepEqual([...gateChecks({})].sort(), ['envelope', 'mqtt-effect', 'negative', 'pagination', 'schema', 'semantics', 'status']);
});

test('skipped, not-implemented and passing findings are left as they are', () => {
  const skipped: Finding = { endpoint: 'v4.kickout_client', check: 'semantics', verdict: 'skipped', message: 'not allowed', reason: 'not allowed' };
  const absent: Finding = { endpoint: 'v4.list_auth_users', check: 'status', verdict: 'not-implemented', message: 'absent' };
  const w: Waiver = { endpoint: 'v4.*', check: 'semantics', reason: 'r', owner: 'o', expires: '2027-01-01' };
  const o = applyGateToFindings([skipped, absent, passed], { waivers: [w] }, '2026-11-01');
  assert.deepEqual(o.findings, [skipped, absent, passed]);
  assert.equal(o.stale.length, 1, 'a skipped check is not a failure to waive');
});

test('the target: another profile or API version is a usage error; omitted means any', () => {
  const loaded = { file: 'gate.yml', gate: { target: { profile: 'reference', apiVersion: 'v4' } } as Gate };
  assert.doesNotThrow(() => assertGateTarget(loaded, 'reference', ['v4']));
  assert.throws(() => assertGateTarget(loaded, 'emqx-v4', ['v4']), (e: Error) => e instanceof UsageError && e.message === '--gate gate.yml is meant for profile reference, but this run\'s profile is emqx-v4');
  assert.throws(() => assertGateTarget(loaded, 'reference', ['v3']), /meant for API version v4, but this run checks v3$/);
  assert.throws(() => assertGateTarget(loaded, 'reference', ['v4', 'cloud', 'v3']), /this run checks v4 \+ cloud \+ v3 \(choose one with --api-version v4\)/);
  assert.doesNotThrow(() => assertGateTarget({ file: 'g', gate: {} }, 'emqx-v3', ['v3']));
  assert.doesNotThrow(() => assertGateTarget({ file: 'g', gate: { target: { profile: 'reference' } } }, 'reference', ['v4', 'cloud', 'v3']));
});

test('today: EMQX_HARNESS_TODAY when set (a real date), else the local date', () => {
  assert.equal(gateToday({ EMQX_HARNESS_TODAY: '2026-12-02' }), '2026-12-02');
  assert.equal(gateToday({}, new Date(2026, 0, 5, 12)), '2026-01-05');
  assert.throws(() => gateToday({ EMQX_HARNESS_TODAY: 'tomorrow' }), (e: Error) => e instanceof UsageError && /EMQX_HARNESS_TODAY must be a date YYYY-MM-DD, got "tomorrow"/.test(e.message));
  assert.throws(() => gateToday({ EMQX_HARNESS_TODAY: '2026-02-30' }), UsageError);
  assert.equal(daysAgo('2026-02-28', '2026-03-01'), '1 day ago');
  assert.equal(daysAgo('2024-02-28', '2024-03-01'), '2 days ago', 'leap day counted');
});
