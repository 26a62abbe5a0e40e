// Proof that the suites catch deviations: the reference broker is started with each of its
// named deviations, and the run must fail on the right endpoint and pointer with a readable
// message; the unmodified broker passes everything. (Runs share a broker where the
// deviations are scoped to different paths.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '../../src/findings.ts';
import { DEVIATIONS } from '../../reference/deviations.ts';
import { type CliRun, describe, failures, runCli } from './run-cli.ts';

interface Expect {
  deviation: string;
  /** a finding that proves the deviation was caught */
  caught: (f: Finding) => boolean;
}

const dataPointer = (field: string) => new RegExp(`^/data(/\\d+)?/${field}$`);

function assertCaught(run: CliRun, expects: Expect[]): void {
  assert.ok(run.report, `no report written; stderr: ${run.stderr.slice(-500)}`);
  for (const e of expects) {
    const hit = run.report.findings.find(e.caught);
    assert.ok(hit, `deviation ${e.deviation} was not caught. Failures:\n${describe(failures(run))}`);
    assert.ok(hit.message.length > 20 && !hit.message.includes('[object Object]'), `unreadable message: ${hit.message}`);
  }
}

const RESPONSE_SHAPE: Expect[] = [
  { deviation: 'drop-field:port@/clients', caught: (f) => f.endpoint === 'v4.list_clients' && f.check === 'schema' && f.verdict === 'fail' && dataPointer('port').test(f.pointer ?? '') && /expected present, got missing/.test(f.message) },
  { deviation: 'type-change:connections@/nodes', caught: (f) => f.endpoint === 'v4.list_nodes' && f.check === 'schema' && f.verdict === 'fail' && dataPointer('connections').test(f.pointer ?? '') && /expected integer, got "/.test(f.message) },
  { deviation: 'extra-field:surprise@/brokers', caught: (f) => f.endpoint === 'v4.list_brokers' && f.check === 'undocumented-field' && f.verdict === 'fail' && dataPointer('surprise').test(f.pointer ?? '') },
  { deviation: 'omit-meta@/routes', caught: (f) => f.endpoint === 'v4.list_routes' && f.check === 'envelope' && f.verdict === 'fail' && f.pointer === '/meta' },
  { deviation: 'wrong-count:3@/subscriptions', caught: (f) => f.endpoint === 'v4.list_subscriptions' && f.check === 'pagination' && f.verdict === 'fail' && /meta\.count/.test(f.message) },
  { deviation: 'no-hasnext@/subscriptions', caught: (f) => f.endpoint === 'v4.list_subscriptions' && f.check === 'pagination' && f.verdict === 'fail' && /hasnext/.test(f.message) },
  { deviation: 'duplicate-across-pages@/clients', caught: (f) => f.endpoint === 'v4.list_clients' && f.check === 'pagination' && f.verdict === 'fail' && /exactly one page/.test(f.message) },
  { deviation: 'nonzero-code:102@/listeners', caught: (f) => f.endpoint === 'v4.list_listeners' && f.check === 'envelope' && f.verdict === 'fail' && f.pointer === '/code' && f.actual === '102' },
  { deviation: 'wrong-status:202@/stats', caught: (f) => f.endpoint === 'v4.list_stats' && f.check === 'status' && f.verdict === 'fail' && f.actual === '202' },
  { deviation: 'missing-endpoint@/resource_types', caught: (f) => f.endpoint === 'v4.list_resource_types' && f.verdict === 'not-implemented' },
];

const EFFECTS: Expect[] = [
  { deviation: 'drop-publish', caught: (f) => f.endpoint === 'v4.mqtt_publish' && f.check === 'mqtt-effect' && f.verdict === 'fail' },
  { deviation: 'ignore-kick', caught: (f) => f.endpoint === 'v4.kickout_client' && f.check === 'mqtt-effect' && f.verdict === 'fail' && /closes the MQTT connection/.test(f.message) },
  { deviation: 'json-framework-errors', caught: (f) => f.endpoint === 'v4.list_brokers' && f.check === 'negative' && f.verdict === 'fail' && f.pointer === 'content-type' },
  { deviation: 'batch-first-only', caught: (f) => f.endpoint === 'v4.mqtt_publish_batch' && f.check === 'mqtt-effect' && f.verdict === 'fail' && /payloads received/.test(f.message) },
];

// What a real broker can get wrong that earlier harness versions passed or excused.
const NO_FALSE_PASS: Expect[] = [
  // listed in the route list, so a 404 is a broken endpoint, never "not implemented"
  { deviation: 'listed-404@/routes', caught: (f) => f.endpoint === 'v4.list_routes' && f.check === 'status' && f.verdict === 'fail' && f.actual === '404' },
  // the listing that should show the rule gone answers 500: a failure of the listing, and no pass
  { deviation: 'list-500-after-delete@/resources', caught: (f) => f.endpoint === 'v4.list_resources' && f.check === 'status' && f.verdict === 'fail' && /HTTP 500/.test(f.actual ?? '') },
  // JSON served as text/plain is judged by its content type
  { deviation: 'json-as-text@/brokers', caught: (f) => f.endpoint === 'v4.list_brokers' && f.check === 'envelope' && f.verdict === 'fail' && /text\/plain/.test(f.actual ?? '') },
];

const V3: Expect[] = [
  { deviation: 'ignore-ban', caught: (f) => f.endpoint === 'v3.create_banned' && f.check === 'mqtt-effect' && f.verdict === 'fail' && /refused at CONNECT/.test(f.message) },
  { deviation: 'drop-field:client_id@/connections', caught: (f) => f.endpoint === 'v3.list_connections' && f.check === 'schema' && f.verdict === 'fail' && dataPointer('client_id').test(f.pointer ?? '') },
];

const deviate = (list: Expect[]): string[] => list.flatMap((e) => ['--deviate', e.deviation]);

test('the unmodified reference broker passes every check of /api/v4 (as EMQX 4.4.19), /api and /api/v3, with every endpoint covered', async () => {
  const run = await runCli([]);
  const contract = failures(run).filter((f) => f.check !== 'undocumented-field');
  assert.equal(run.code, 0, `exit ${run.code}\n${describe(contract)}\n${run.stderr.slice(-800)}`);
  assert.deepEqual(contract, []);
  assert.equal(run.report!.coverage.filter((c) => c.checks.length === 0).length, 0, 'every endpoint has a check');
  assert.equal(run.report!.coverage.length, 51 + 89);
  assert.ok(run.report!.findings.filter((f) => f.verdict === 'pass').length > 500);
});

test('response shape, envelope, status and pagination deviations are caught on their endpoint and pointer', async () => {
  const run = await runCli(['--api-version', 'v4', ...deviate(RESPONSE_SHAPE)]);
  assert.equal(run.code, 1, `exit ${run.code}: ${run.stderr.slice(-500)}`);
  assertCaught(run, RESPONSE_SHAPE);
});

test('deviations of effect are caught by the MQTT checks, framework-error shape by the negative cases', async () => {
  const run = await runCli(['--api-version', 'v4', ...deviate(EFFECTS)]);
  assert.equal(run.code, 1);
  assertCaught(run, EFFECTS);
});

test('3.x deviations are caught too', async () => {
  const run = await runCli(['--api-version', 'v3', ...deviate(V3)]);
  assert.equal(run.code, 1);
  assertCaught(run, V3);
});

test('intermittent 500s are reported as status failures naming the answer', async () => {
  const run = await runCli(['--api-version', 'v4', '--deviate', 'flaky-500:9@/clients']);
  assert.equal(run.code, 1);
  assert.ok(run.report!.findings.some((f) => f.verdict === 'fail' && f.check === 'status' && f.actual === '500'), describe(failures(run)));
});

test('a target that stops answering ends the run with one line naming the last request, a partial report and exit 2', async () => {
  const run = await runCli(['--api-version', 'v4', '--deviate', 'slow:4000@/metrics', '--timeout-ms', '1000']);
  assert.equal(run.code, 2, run.stderr);
  const line = run.stderr.trim().split('\n').at(-1)!;
  assert.match(line, /^emqx-harness: the target stopped answering: no answer within 1000 ms \(last request: GET http:\/\/127\.0\.0\.1:\d+\/api\/v4\/(nodes\/[^/]+\/)?metrics\)$/);
  assert.ok(run.report?.run.interrupted?.reason.includes('stopped answering'), 'the partial report says why it ended');
});

test('a listed route that answers 404, a listing that breaks after a delete, and JSON served as text are failures, never passes', async () => {
  const run = await runCli(['--api-version', 'v4', ...deviate(NO_FALSE_PASS)]);
  assert.equal(run.code, 1);
  assertCaught(run, NO_FALSE_PASS);
  const findings = run.report!.findings;
  assert.ok(!findings.some((f) => f.endpoint === 'v4.list_routes' && f.verdict === 'not-implemented'), 'a listed route is not classified not-implemented');
  assert.ok(!findings.some((f) => f.verdict === 'pass' && /the resource is gone/.test(f.message)), 'no pass read from a broken listing');
});

const DEVIATIONS_COVERED = [...RESPONSE_SHAPE, ...EFFECTS, ...V3, ...NO_FALSE_PASS].map((e) => e.deviation.split(/[:@]/)[0]).concat(['flaky-500', 'slow']);
// load-side deviations: the swarm's loss accounting catches these (test/swarm/exact.test.ts)
const CAUGHT_BY_THE_SWARM = ['drop-mqtt'];

test('every deviation the reference broker knows is caught by a test (here, or by the swarm)', () => {
  const untested = Object.keys(DEVIATIONS).filter((d) => !DEVIATIONS_COVERED.includes(d) && !CAUGHT_BY_THE_SWARM.includes(d));
  assert.deepEqual(untested, []);
  assert.equal(new Set(DEVIATIONS_COVERED).size, 20, 'the README says 20 of 20 are caught by the contract suites');
});

test('an undocumented field alone is reported but does not fail the run, unless --strict-fields', async () => {
  const args = ['--api-version', 'v4', '--deviate', 'extra-field:surprise@/brokers', '--grep', 'GET /brokers'];
  const lenient = await runCli(args);
  assert.equal(lenient.code, 0, describe(failures(lenient)));
  assert.ok(lenient.report!.findings.some((f) => f.check === 'undocumented-field' && f.pointer === '/data/0/surprise'));
  assert.match(lenient.stdout, /◇ 2 undocumented fields reported apart/);
  const strict = await runCli([...args, '--strict-fields']);
  assert.equal(strict.code, 1);
});
