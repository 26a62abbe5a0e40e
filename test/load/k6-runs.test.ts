// Each k6 scenario runs for real, for a few seconds, through `emqx-harness load`: against the
// reference broker, and against a real EMQX 4.4 when one answers. The assertions are on the
// run's load.json (requests made, checks passed, thresholds held) and on the exit code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NO_K6, type LoadRun, runLoadCli, said } from './run-load.ts';
import { NO_REAL_BROKER, realBroker } from '../real/real-broker.ts';

const SHORT = ['--profile', 'smoke', '--duration', '3s'];

function assertHeld(run: LoadRun, scenario: string): void {
  assert.equal(run.code, 0, said(run));
  const k6 = run.report?.k6;
  assert.ok(k6, `no k6 part in load.json\n${said(run)}`);
  assert.equal(k6.scenario, scenario);
  assert.ok(k6.totals.requests >= 5, `only ${k6.totals.requests} requests`);
  assert.equal(k6.totals.failedRequests, 0, said(run));
  assert.equal(k6.totals.codeErrors, 0);
  assert.equal(k6.totals.checksFailed, 0, said(run));
  assert.ok(k6.totals.checksPassed > k6.totals.requests, 'every answer is checked (status, code, schema)');
  assert.ok(k6.thresholds.length >= 5 && k6.thresholds.every((t) => t.ok), JSON.stringify(k6.thresholds));
  assert.ok(k6.latency && k6.latency.count === k6.totals.requests, 'one latency sample per request');
  assert.ok(k6.timeline.length >= 2, 'a per-second timeline');
  // handleSummary's own files sit in the same run folder
  assert.ok(existsSync(join(run.reportDir!, 'k6-summary.json')) && existsSync(join(run.reportDir!, 'k6-junit.xml')));
}

test('publish-batch against the reference broker: batches accepted item by item, answers match the schema', { skip: NO_K6, timeout: 120_000 }, async () => {
  const run = await runLoadCli(['--scenario', 'publish-batch', ...SHORT, '--batch-size', '5', '--base64', '--qos', '1']);
  assertHeld(run, 'publish-batch');
  const k6 = run.report!.k6!;
  assert.equal(k6.totals.messagesAccepted, k6.totals.requests * 5);
  assert.ok(k6.latencyByEndpoint?.['v4.mqtt_publish_batch']);
});

test('listings against the filled reference broker: walks judged page by page, latency by page depth', { skip: NO_K6, timeout: 120_000 }, async () => {
  const run = await runLoadCli(['--scenario', 'listings', ...SHORT, '--limit', '10', '--fill', '60']);
  assertHeld(run, 'listings');
  const depths = Object.keys(run.report!.k6!.latencyByPageDepth ?? {});
  // 60 clients with two subscriptions each at 10 a page: /subscriptions goes 13 pages deep
  assert.ok(depths.includes('1') && depths.includes('2-4') && depths.includes('5-16'), depths.join(','));
  const summary = JSON.parse(readFileSync(join(run.reportDir!, 'k6-summary.json'), 'utf8')) as { metrics: Record<string, { values: { count: number } }> };
  assert.ok(summary.metrics.hx_walks_judged!.values.count >= 2, 'walks were judged, not just made');
});

test('3.x listings (/connections, /sessions, /subscriptions, /routes) and the 3.x gate against the reference broker', { skip: NO_K6, timeout: 120_000 }, async () => {
  const walks = await runLoadCli(['--scenario', 'listings', '--api-version', 'v3', ...SHORT, '--limit', '10', '--fill', '30']);
  assertHeld(walks, 'listings');
  assert.deepEqual(Object.keys(walks.report!.k6!.latencyByEndpoint!).sort(), ['v3.list_connections', 'v3.list_routes', 'v3.list_sessions', 'v3.list_subscriptions']);
  assertHeld(await runLoadCli(['--scenario', 'gate', '--api-version', 'v3', ...SHORT]), 'gate');
});

test('gate against the reference broker: the mix holds its thresholds', { skip: NO_K6, timeout: 120_000 }, async () => {
  assertHeld(await runLoadCli(['--scenario', 'gate', ...SHORT]), 'gate');
});

test('a breached threshold makes the command exit 1 and says which', { skip: NO_K6, timeout: 120_000 }, async () => {
  // every answer 60 ms late, against a p95 limit of 40 ms
  const run = await runLoadCli(['--scenario', 'gate', ...SHORT, '--deviate', 'slow:60', '--p95', '40']);
  assert.equal(run.code, 1, said(run));
  const breached = run.report!.k6!.thresholds.filter((t) => !t.ok);
  assert.deepEqual(breached.map((t) => `${t.metric} ${t.expression}`), ['http_req_duration p(95)<40']);
  assert.match(readFileSync(join(run.reportDir!, 'k6-junit.xml'), 'utf8'), /<failure message="threshold breached: http_req_duration p\(95\)&#60;40"/);
});

test('a contract deviation under load fails the checks, not only latency', { skip: NO_K6, timeout: 120_000 }, async () => {
  const run = await runLoadCli(['--scenario', 'publish-batch', ...SHORT, '--deviate', 'nonzero-code:102@/mqtt']);
  assert.equal(run.code, 1, said(run));
  const k6 = run.report!.k6!;
  assert.equal(k6.totals.codeErrors, k6.totals.requests);
  assert.deepEqual(k6.thresholds.filter((t) => !t.ok).map((t) => t.metric).sort(), ['checks', 'hx_code_errors']);
});

test('capacity: a stepped ramp finds the knee where the target stops keeping up', { skip: NO_K6, timeout: 180_000 }, async () => {
  // 2 VUs against answers 100 ms late can start about 20 iterations a second: the steps above drop iterations
  const run = await runLoadCli(['--scenario', 'publish-batch', '--profile', 'capacity', '--start-rate', '6', '--step-rate', '6', '--steps', '5', '--step-duration', '3s', '--max-vus', '2', '--deviate', 'slow:100', '--p95', '400', '--p99', '800']);
  assert.equal(run.code, 0, said(run));
  const c = run.report!.k6!.capacity!;
  assert.equal(c.steps.length, 5);
  assert.deepEqual(c.steps.map((s) => s.rate), [6, 12, 18, 24, 30]);
  assert.equal(c.neverBroke, false, JSON.stringify(c.steps));
  assert.ok(c.kneeRate === 12 || c.kneeRate === 18, `knee ${c.kneeRate}: ${JSON.stringify(c.steps.map((s) => [s.rate, s.achievedRate, s.breaches]))}`);
  const broken = c.steps.filter((s) => s.rate > c.kneeRate!);
  assert.ok(broken.some((s) => s.breaches.some((b) => /dropped/.test(b))), 'the breach is named');
});

test('without k6 the command says in one line how to install it and that the k6 part was skipped', { timeout: 60_000 }, async () => {
  const run = await runLoadCli(['--scenario', 'gate'], { env: { K6_BIN: '/nonexistent/k6' } });
  assert.equal(run.code, 2);
  const lines = run.stderr.trim().split('\n');
  assert.equal(lines.length, 1, run.stderr);
  assert.match(lines[0]!, /k6 not found: install k6 from Grafana .*K6_BIN.*the k6 part was skipped/);
});

test('usage errors are one line and exit 2', { timeout: 60_000 }, async () => {
  for (const args of [['--scenario', 'nope'], ['--profile', 'capacity', '--duration', '5s'], ['--rate', 'fast'], ['--target', 'emqx-v3', '--scenario', 'publish-batch', '--api-url', 'http://127.0.0.1:9/api/v3']]) {
    const run = await runLoadCli(args, { env: { K6_BIN: '/nonexistent/k6' } });
    assert.equal(run.code, 2, `${args.join(' ')}: ${said(run)}`);
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
    assert.doesNotMatch(run.stderr, /\n\s+at /);
  }
});

test('an unreachable target is one line and exit 2', { skip: NO_K6, timeout: 60_000 }, async () => {
  const run = await runLoadCli(['--target', 'emqx-v4', '--api-url', 'http://127.0.0.1:9/api/v4']);
  assert.equal(run.code, 2, said(run));
  assert.match(run.stderr.trim(), /^emqx-harness: cannot reach http:\/\/127\.0\.0\.1:9\/api\/v4/);
});

test('Ctrl-C mid-run stops k6, still writes the report and exits 130', { skip: NO_K6, timeout: 120_000 }, async () => {
  const run = await runLoadCli(['--scenario', 'gate', '--profile', 'smoke', '--duration', '60s'], {
    onSpawn: (kill) => setTimeout(() => kill('SIGINT'), 8_000),
  });
  assert.equal(run.code, 130, said(run));
  assert.match(run.report!.run.interrupted!.reason, /Ctrl-C/);
  assert.ok(run.report!.k6!.totals.requests > 0, 'what ran is in the partial report');
});

const real = await realBroker();

test('each scenario against a real EMQX 4.4: requests made, every check passed, thresholds held', { skip: NO_K6 || (real ? false : NO_REAL_BROKER), timeout: 180_000 }, async () => {
  for (const scenario of ['publish-batch', 'listings', 'gate']) {
    const run = await runLoadCli(['--scenario', scenario, ...SHORT, '--fill', '30'], { env: { ...real! } });
    assertHeld(run, scenario);
    assert.equal(run.report!.run.emqxVersion?.startsWith('4.'), true);
    const secret = real!.EMQX_APP_SECRET!;
    if (secret.length > 3) assert.ok(!readFileSync(join(run.reportDir!, 'load.json'), 'utf8').includes(secret), 'the secret is not in the report');
  }
});
