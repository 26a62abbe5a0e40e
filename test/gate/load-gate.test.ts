// A gate on a load run: thresholds before k6 starts (the stricter of flag and gate), and
// what fails the run after it (the built-in rules, QoS 1 loss and REST→MQTT ratio as the
// gate sets them, requirements the run could not measure).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveOptions } from '../../load/lib/options.ts';
import type { K6Part, LoadReport, SwarmPart } from '../../src/load/model.ts';
import { gateLoadThresholds, loadGateLines, loadGateProblems, loadGateResult, withGateThresholds } from '../../src/gate/load-run.ts';
import type { Gate } from '../../src/gate/model.ts';

function k6(over: Partial<K6Part> = {}): K6Part {
  return {
    scenario: 'gate',
    profile: 'smoke',
    exitCode: 0,
    thresholds: [{ metric: 'http_req_duration', expression: 'p(95)<300', ok: true }],
    totals: { requests: 100, failedRequests: 0, codeErrors: 0, checksPassed: 300, checksFailed: 0, iterations: 25, droppedIterations: 0, messagesAccepted: 1000 },
    timeline: [],
    ...over,
  };
}

function swarm(lost: Record<string, number>): SwarmPart {
  const delivery = Object.fromEntries(['0', '1', '2'].map((q) => [q, { published: 1000, expected: 1000, received: 1000 - (lost[q] ?? 0), lost: lost[q] ?? 0, duplicated: 0 }]));
  return { clients: { target: 50, connected: 50, failed: 0, failuresByReason: {} }, e2eLatency: {}, delivery, timeline: [] };
}

function report(over: Partial<LoadReport> = {}): LoadReport {
  return { run: { id: 'r', kind: 'load', target: 'http://x/api/v4', profile: 'smoke', startedAt: '2026-12-01T00:00:00Z', finishedAt: '2026-12-01T00:00:10Z', harnessVersion: '0', shards: 1 }, k6: k6(), ...over };
}

test('gateLoadThresholds: the five k6 thresholds the gate sets, nothing else', () => {
  assert.deepEqual(gateLoadThresholds({}), {});
  assert.deepEqual(gateLoadThresholds({ load: { p95Ms: 1, checkRate: 0.9, maxLossQos1: 0, minRestToMqttRatio: 1 } }), { p95Ms: 1, checkRate: 0.9 });
});

test('the gate overrides the profile; where a flag sets the same threshold, the stricter holds', () => {
  const gate: Gate = { load: { p95Ms: 200, p99Ms: 400, failedRate: 0.05, checkRate: 0.9 } };
  const merged = withGateThresholds({ p95Ms: 100, p99Ms: 900, failedRate: 0.01, checkRate: 0.95, codeErrorRate: 0.02 }, gate);
  assert.deepEqual(merged, { p95Ms: 100, p99Ms: 400, failedRate: 0.01, checkRate: 0.95, codeErrorRate: 0.02 });
  // through resolveOptions, as scripts/load.ts hands them over: the capacity profile's p95 of 100 ms gives way to the gate's
  const o = resolveOptions({ scenario: 'gate', profile: 'capacity', runId: 'x', thresholds: withGateThresholds({}, { load: { p95Ms: 1 } }) as never });
  assert.equal(o.thresholds.p95Ms, 1);
  assert.equal(o.thresholds.p99Ms, 250, 'the profile keeps what the gate does not set');
});

test('a run that held everything passes; a breached k6 threshold fails it', () => {
  assert.deepEqual(loadGateProblems(report(), {}), []);
  const breached = report({ k6: k6({ exitCode: 99, thresholds: [{ metric: 'http_req_duration', expression: 'p(95)<1', ok: false }] }) });
  assert.deepEqual(loadGateProblems(breached, { load: { p95Ms: 1 } }), ['threshold breached: http_req_duration p(95)<1']);
  // exit 99 with no breach recorded still fails
  assert.deepEqual(loadGateProblems(report({ k6: k6({ exitCode: 99 }) }), {}), ['k6 reported a breached threshold (exit 99)']);
});

test('QoS 1 loss: any fails without maxLossQos1; with it, the loss rate is held to it; QoS 2 loss always fails', () => {
  const lossy = report({ swarm: swarm({ '1': 3 }) });
  assert.match(loadGateProblems(lossy, {}).join('\n'), /QoS 1: 3 of 1,000 messages lost/);
  assert.deepEqual(loadGateProblems(lossy, { load: { maxLossQos1: 0.005 } }), [], '0.3% is within 0.5%');
  assert.deepEqual(loadGateProblems(lossy, { load: { maxLossQos1: 0.003 } }), [], 'the limit itself holds');
  assert.deepEqual(loadGateProblems(lossy, { load: { maxLossQos1: 0.001 } }), ['QoS 1: 3 of 1,000 messages lost (0.30%), the gate allows 0.10% (load.maxLossQos1)']);
  assert.match(loadGateProblems(report({ swarm: swarm({ '2': 1 }) }), { load: { maxLossQos1: 0.5 } }).join('\n'), /QoS 2: 1 of 1,000 messages lost/);
  assert.deepEqual(loadGateProblems(report({ swarm: swarm({ '0': 50 }) }), {}), [], 'QoS 0 may lose messages');
});

test('REST→MQTT: without minRestToMqttRatio any loss at QoS ≥ 1 fails; with it, the ratio is held to it', () => {
  const rest = { sent: 1000, delivered: 990, duplicated: 0, ratio: 0.99 };
  const r = report({ swarm: swarm({}), restToMqtt: rest });
  assert.deepEqual(loadGateProblems(r, {}, { restQos: 0 }), [], 'QoS 0 promises nothing');
  assert.deepEqual(loadGateProblems(r, {}, { restQos: 1 }), ['REST→MQTT: 10 of 1,000 messages accepted at QoS 1 never reached a subscriber']);
  assert.deepEqual(loadGateProblems(r, { load: { minRestToMqttRatio: 0.99 } }, { restQos: 1 }), []);
  assert.deepEqual(loadGateProblems(r, { load: { minRestToMqttRatio: 0.999 } }, { restQos: 0 }), ['REST→MQTT: 990 of 1,000 messages delivered (99%), the gate needs 99.9% (load.minRestToMqttRatio)']);
});

test('a requirement the run could not measure fails the gate', () => {
  assert.deepEqual(loadGateProblems(report(), { load: { maxLossQos1: 0 } }), ['the gate sets load.maxLossQos1 but the run measured no QoS 1 delivery (run with --with-swarm and QoS 1 in --swarm-qos)']);
  assert.deepEqual(loadGateProblems(report(), { load: { minRestToMqttRatio: 1 } }), ['the gate sets load.minRestToMqttRatio but the run measured no REST→MQTT delivery (run with --with-swarm and a scenario that publishes)']);
  const noK6 = report({ k6: { ...k6(), skipped: 'k6 is not installed', thresholds: [] }, swarm: swarm({}) });
  assert.deepEqual(loadGateProblems(noK6, { load: { p95Ms: 100 } }), ['the gate sets k6 thresholds but k6 did not run (k6 is not installed)']);
  assert.deepEqual(loadGateProblems(noK6, { load: { maxLossQos1: 0 } }), [], 'the swarm alone can answer for the swarm');
});

test('capacity: a ramp whose first step broke fails; one with a knee passes', () => {
  const step = { rate: 100, startS: 0, durationS: 8, achievedRate: 100, p95Ms: 400, p99Ms: 500, failedRate: 0, codeErrorRate: 0, checkRate: 1, droppedIterations: 0, held: false, breaches: ['p95 400 ms > 100 ms'] };
  const broke = report({ k6: k6({ thresholds: [], capacity: { steps: [step], neverBroke: false, highestRateTried: 100 } }) });
  assert.deepEqual(loadGateProblems(broke, {}), ['capacity: even the first step (100/s) broke: p95 400 ms > 100 ms']);
  const knee = report({ k6: k6({ thresholds: [], capacity: { steps: [{ ...step, held: true, breaches: [] }, step, step], kneeRate: 100, neverBroke: false, highestRateTried: 200 } }) });
  assert.deepEqual(loadGateProblems(knee, {}), []);
});

test('the gate\'s part of load.json and its terminal lines', () => {
  const o = resolveOptions({ scenario: 'gate', profile: 'smoke', runId: 'x', thresholds: { p95Ms: 1 } as never });
  const breached = report({ k6: k6({ exitCode: 99, thresholds: [{ metric: 'http_req_duration', expression: 'p(95)<1', ok: false }] }) });
  const g = loadGateResult({ file: 'gate.yml', gate: { load: { p95Ms: 1 } } }, breached, { thresholds: o.thresholds, qos: 0 });
  assert.deepEqual(g, { file: 'gate.yml', passed: false, thresholds: o.thresholds, problems: ['threshold breached: http_req_duration p(95)<1'] });
  assert.deepEqual(loadGateLines(g), ['✗ gate gate.yml: failed (1 problem)', '  ✗ threshold breached: http_req_duration p(95)<1']);
  assert.deepEqual(loadGateLines({ ...g, passed: true, problems: [] }), ['✓ gate gate.yml: passed']);
});
