// Comparing load runs: every figure judged against the tolerance and a small floor, the
// direction that is worse, the capacity knee (a ramp that never broke is only a lower bound),
// and the gate. The runs are the load-report tests' realistic fixtures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareRuns } from '../../src/compare/compare.ts';
import { compareLoadRuns, judge } from '../../src/compare/load.ts';
import { compareMarkdown } from '../../src/compare/markdown.ts';
import type { LoadReport } from '../../src/load/model.ts';
import { shard } from '../load-report/fixtures.ts';

const base = (id: string, extra: Parameters<typeof shard>[0] extends infer O ? Partial<O> : never = {}): LoadReport =>
  shard({ id, startedAt: '2026-12-02T10:00:00.000Z', seed: 5, ...extra }).report;

const verdicts = (a: LoadReport, b: LoadReport, tolerance?: number): Record<string, string> =>
  Object.fromEntries(compareLoadRuns(a, b, tolerance).comparison.metrics.map((m) => [m.id, m.verdict]));

test('the same run twice: every figure is unchanged and the gate passes', () => {
  const a = base('a');
  const v = verdicts(a, base('b'));
  assert.ok(Object.keys(v).length > 15, Object.keys(v).join(', '));
  assert.deepEqual(new Set(Object.values(v)), new Set(['unchanged']));
  assert.equal(compareRuns({ kind: 'load', report: a, source: 'a' }, { kind: 'load', report: base('b'), source: 'b' }).gate.verdict, 'pass');
});

test('slower answers are latency regressions; a lower request rate is one too; the tolerance decides', () => {
  const a = base('a');
  const slow = base('b', { slow: 1.6 });
  const v = verdicts(a, slow);
  for (const id of ['k6.latency.p95', 'k6.latency.p99', 'k6.endpoint.v4.list_clients.p95', 'k6.endpoint.v4.mqtt_publish_batch.p99']) assert.equal(v[id], 'regression', id);
  assert.equal(v['k6.requests.rate'], 'unchanged');
  assert.equal(verdicts(a, slow, 0.9)['k6.latency.p95'], 'unchanged', 'within a 90% tolerance');
  assert.equal(verdicts(slow, a)['k6.latency.p95'], 'improvement');
  const fewer = verdicts(a, base('b', { rate: 30 }));
  assert.equal(fewer['k6.requests.rate'], 'regression');
  assert.equal(fewer['k6.messages.rate'], 'regression');
  const report = compareRuns({ kind: 'load', report: a, source: 'a' }, { kind: 'load', report: slow, source: 'b' });
  assert.equal(report.gate.verdict, 'fail');
  assert.match(report.gate.reasons[0]!, /load regressions? beyond 10%: latency \(all requests\) p95/);
  const md = compareMarkdown(report);
  assert.match(md, /^## EMQX load runs compared: ✗ \d+ load regressions/);
  assert.match(md, /\| ✗ regression\s*\|\s*k6\s*\|\s*latency \(all requests\) p95\s*\|\s*[\d.]+ ms\s*\|\s*[\d.]+ ms\s*\|\s*\+\d+(\.\d)?%\s*\|/);
});

test('errors, loss, duplicates and REST→MQTT delivery: up (or down for the ratio) is worse', () => {
  const a = base('a');
  const b = structuredClone(base('b'));
  b.k6!.totals.failedRequests += 200;
  b.k6!.totals.codeErrors += 100;
  const q1 = b.swarm!.delivery['1']!;
  q1.lost += Math.ceil(q1.expected * 0.05);
  q1.duplicated += Math.ceil(q1.received * 0.05);
  b.restToMqtt!.ratio = a.restToMqtt!.ratio * 0.5;
  b.swarm!.clients.failed += 40;
  const v = verdicts(a, b);
  for (const id of ['k6.failed', 'k6.codeErrors', 'swarm.qos1.loss', 'swarm.qos1.duplicates', 'restToMqtt.ratio', 'swarm.connect.failed']) assert.equal(v[id], 'regression', id);
});

test('a tiny change near zero is not a regression: the floor', () => {
  const m = { id: 'x', group: 'k6', label: 'x', worse: 'up' as const };
  assert.equal(judge({ ...m, unit: 'ms', a: 0.4, b: 0.7 }, 0.1).verdict, 'unchanged', '+75% but 0.3 ms');
  assert.equal(judge({ ...m, unit: 'ms', a: 10, b: 12 }, 0.1).verdict, 'regression');
  assert.equal(judge({ ...m, unit: 'fraction', a: 0, b: 0.0004 }, 0.1).verdict, 'unchanged', 'from none to 0.04%');
  assert.equal(judge({ ...m, unit: 'fraction', a: 0, b: 0.02 }, 0.1).verdict, 'regression', 'from none to 2%');
  assert.equal(judge({ ...m, unit: 'ms', a: undefined, b: 3 }, 0.1).verdict, 'not-comparable');
});

test('the capacity knee: lower is a regression, a ramp that never broke is only a lower bound', () => {
  const a = base('a', { capacity: true });
  const knee = a.k6!.capacity!.kneeRate!;
  const lower = structuredClone(a);
  lower.k6!.capacity!.kneeRate = knee / 2;
  assert.equal(verdicts(a, lower)['k6.capacity.knee'], 'regression');
  const neverBroke = structuredClone(a);
  delete neverBroke.k6!.capacity!.kneeRate;
  neverBroke.k6!.capacity!.neverBroke = true;
  neverBroke.k6!.capacity!.highestRateTried = knee / 2;
  const m = compareLoadRuns(a, neverBroke).comparison.metrics.find((x) => x.id === 'k6.capacity.knee')!;
  assert.equal(m.verdict, 'not-comparable');
  assert.match(m.note!, /never broke/);
  const broke = structuredClone(a);
  delete broke.k6!.capacity!.kneeRate;
  assert.equal(verdicts(a, broke)['k6.capacity.knee'], 'regression', 'even the first step broke: 0');
});

test('skipped parts and different scenarios are noted, not compared', () => {
  const a = base('a');
  const b = base('b', { swarmSkipped: 'no MQTT URL' });
  const { comparison, notes } = compareLoadRuns(a, b);
  assert.ok(notes.some((n) => /B: the swarm part was skipped \(no MQTT URL\)/.test(n)), notes.join('\n'));
  assert.ok(comparison.metrics.filter((x) => x.group === 'swarm').every((x) => x.verdict === 'not-comparable'));
  const other = structuredClone(a);
  other.run.scenario = 'listings';
  assert.ok(compareLoadRuns(a, other).notes.some((n) => /differ in scenario or profile/.test(n)));
});
