// Merging shards: the merged report has to be the report the union of the shards' samples
// would have given (histograms exactly, counts summed, timelines aligned on wall-clock time),
// and has to say what it could not combine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeHistogram } from '../../src/load/histogram.ts';
import { isOrderStatistic, mergeLoadReports, reportNotes } from '../../src/load/merge.ts';
import type { LoadReport, TimePoint } from '../../src/load/model.ts';
import { loadReportProblems } from '../../src/load/report/validate.ts';
import { reportFromSamples, shard } from './fixtures.ts';
import { withoutHdr } from './helpers.ts';

const A = shard({ id: 'shard-a', startedAt: '2026-12-02T10:00:00.000Z', seed: 1, capacity: true });
// starts 2 s later, is slower (breaches the listing threshold) and runs another capacity ramp
const B = shard({ id: 'shard-b', startedAt: '2026-12-02T10:00:02.000Z', seed: 2, slow: 1.3, clients: 150, capacity: true });
const union = reportFromSamples([A.samples, B.samples], { id: 'union', startedAt: '2026-12-02T10:00:00.000Z' });
const merged = mergeLoadReports([A.report, B.report]);

const withoutOrderStatistics = (line: TimePoint[]): TimePoint[] =>
  line.map((p) => Object.fromEntries(Object.entries(p).filter(([k]) => !isOrderStatistic(k))) as TimePoint);

test('the merged report is a valid LoadReport', () => {
  assert.deepEqual(loadReportProblems(merged), []);
  assert.equal(merged.run.shards, 2);
  assert.equal(merged.run.startedAt, A.report.run.startedAt);
  assert.equal(merged.run.finishedAt, B.report.run.finishedAt);
  assert.equal(merged.run.id, '2026-12-02T10-00-00Z-smoke-merged');
  assert.equal(merged.run.target, A.report.run.target, 'the same target is not repeated');
});

test('histograms merge exactly: counts and percentiles equal those of the union of the samples', () => {
  const k6 = merged.k6!;
  const u = union.k6!;
  assert.ok(k6.latency!.count > 1000);
  assert.deepEqual(withoutHdr(k6.latency), withoutHdr(u.latency));
  assert.deepEqual(withoutHdr(k6.latencyByEndpoint), withoutHdr(u.latencyByEndpoint));
  assert.deepEqual(withoutHdr(k6.latencyByPageDepth), withoutHdr(u.latencyByPageDepth));
  const s = merged.swarm!;
  const us = union.swarm!;
  assert.deepEqual(withoutHdr(s.e2eLatency), withoutHdr(us.e2eLatency));
  assert.deepEqual(withoutHdr(s.connectLatency), withoutHdr(us.connectLatency));
  assert.deepEqual(withoutHdr(s.subscribeLatency), withoutHdr(us.subscribeLatency));
  assert.deepEqual(withoutHdr(merged.restToMqtt!.latency), withoutHdr(union.restToMqtt!.latency));
  // the encoded histogram itself holds every count, not just the percentiles shown
  const a = decodeHistogram(k6.latency!.hdr);
  const b = decodeHistogram(u.latency!.hdr);
  assert.equal(a.totalCount, b.totalCount);
  for (const p of [1, 10, 25, 50, 75, 90, 99, 99.9, 100]) assert.equal(a.getValueAtPercentile(p), b.getValueAtPercentile(p), `p${p}`);
});

test('counts are summed: k6 totals, clients, failures by reason, delivery, REST→MQTT with its ratio recomputed', () => {
  assert.deepEqual(merged.k6!.totals, union.k6!.totals);
  assert.deepEqual(merged.swarm!.clients, union.swarm!.clients);
  assert.deepEqual(merged.swarm!.delivery, union.swarm!.delivery);
  assert.deepEqual(merged.swarm!.cpu, union.swarm!.cpu);
  const { latency: _l, ...rest } = merged.restToMqtt!;
  const { latency: _u, ...unionRest } = union.restToMqtt!;
  assert.deepEqual(rest, unionRest);
  assert.equal(rest.ratio, rest.delivered / rest.sent);
  assert.ok(merged.swarm!.delivery['1']!.lost >= 2, 'both shards lost a QoS 1 message');
});

test('timelines are aligned on wall-clock time and summed per second; per-second percentiles are dropped with a note', () => {
  const k6 = merged.k6!.timeline;
  assert.equal(k6.length, 22, 'shard B ran 2 s after shard A: 20 + 2 seconds');
  assert.deepEqual(k6, withoutOrderStatistics(union.k6!.timeline));
  assert.ok(k6.every((p) => p.p95 === undefined && p.p50 === undefined && p.p99 === undefined));
  assert.deepEqual(merged.swarm!.timeline, union.swarm!.timeline);
  // connections are a level: the sum of the shards' levels, not of their samples
  const at5 = merged.swarm!.timeline.find((p) => p.t === 5)!;
  assert.equal(at5.connections, A.report.swarm!.timeline[5]!.connections! + B.report.swarm!.timeline[3]!.connections!);
  const notes = reportNotes(merged);
  assert.ok(notes.some((n) => /k6 timeline: per-second p50, p95, p99 are left out/.test(n)), notes.join('\n'));
});

test('a threshold holds only if it held on every shard', () => {
  const rows = (r: LoadReport): Record<string, boolean> => Object.fromEntries(r.k6!.thresholds.map((t) => [`${t.metric} ${t.expression}`, t.ok]));
  const a = rows(A.report);
  const b = rows(B.report);
  const m = rows(merged);
  assert.deepEqual(Object.keys(m), Object.keys(a));
  for (const key of Object.keys(m)) assert.equal(m[key], a[key]! && b[key]!, key);
  assert.ok(Object.values(a).every(Boolean), 'shard A held every threshold');
  assert.equal(m['http_req_duration{endpoint:v4.list_clients} p(95)<150'], false, 'shard B breached it, so the merged run did');
  assert.equal(merged.k6!.exitCode, 99);
});

test('capacity ramps of several shards are dropped with a note naming each knee; a single report keeps its ramp', () => {
  assert.equal(merged.k6!.capacity, undefined);
  const note = reportNotes(merged).find((n) => n.startsWith('capacity ramps are per shard'));
  assert.ok(note, reportNotes(merged).join('\n'));
  assert.match(note, /shard shard-a knee 800\/s/);
  assert.match(note, /shard shard-b knee \d+\/s/);

  const one = mergeLoadReports([A.report], { id: A.report.run.id });
  assert.deepEqual(withoutHdr(one), withoutHdr(A.report), 'merging one report changes nothing');
  assert.deepEqual(reportNotes(one), []);
});

test('shards that started at fractional offsets land in whole merged seconds without double counting', () => {
  const C = shard({ id: 'shard-c', startedAt: '2026-12-02T10:00:02.600Z', seed: 3 }).report;
  const m = mergeLoadReports([A.report, C]);
  const ts = m.k6!.timeline.map((p) => p.t);
  assert.deepEqual(ts, [...new Set(ts)].sort((x, y) => x - y), 'one point per second, in order');
  const sum = (line: TimePoint[], metric: string): number => line.reduce((n, p) => n + (p[metric] ?? 0), 0);
  assert.equal(sum(m.k6!.timeline, 'reqs'), sum(A.report.k6!.timeline, 'reqs') + sum(C.k6!.timeline, 'reqs'));
  assert.equal(sum(m.swarm!.timeline, 'sent'), sum(A.report.swarm!.timeline, 'sent') + sum(C.swarm!.timeline, 'sent'));
  // C's second 0 started 2.6 s after A's: it lands in merged second 3
  assert.equal(m.k6!.timeline.find((p) => p.t === 3)!.reqs, A.report.k6!.timeline[3]!.reqs! + C.k6!.timeline[0]!.reqs!);
});

test('skipped parts: skipped everywhere stays skipped; skipped on some shards is merged from the others with a note', () => {
  const noK6 = shard({ id: 'no-k6', startedAt: '2026-12-02T10:00:01.000Z', seed: 4, k6Skipped: 'k6 is not installed' }).report;
  const m = mergeLoadReports([A.report, noK6]);
  assert.equal(m.k6!.skipped, undefined);
  assert.deepEqual(m.k6!.totals, A.report.k6!.totals);
  assert.ok(reportNotes(m).includes('k6 part skipped on shard no-k6: k6 is not installed'), reportNotes(m).join('\n'));
  // k6 ran on one shard only: its per-second percentiles and its ramp are kept
  assert.ok(m.k6!.timeline.some((p) => typeof p.p95 === 'number'));
  assert.ok(m.k6!.capacity);

  const both = mergeLoadReports([noK6, shard({ id: 'no-k6-2', startedAt: '2026-12-02T10:00:03.000Z', seed: 5, k6Skipped: 'k6 is not installed' }).report]);
  assert.equal(both.k6!.skipped, 'k6 is not installed');
  assert.deepEqual(loadReportProblems(both), []);
});

test('interrupted if any shard was, with that shard named; notes of merged reports are carried along', () => {
  const cut = shard({ id: 'cut', startedAt: '2026-12-02T10:00:01.000Z', seed: 6, interrupted: 'SIGINT' }).report;
  const m = mergeLoadReports([A.report, cut]);
  assert.deepEqual(m.run.interrupted, { reason: 'shard cut: SIGINT' });
  const again = mergeLoadReports([m, B.report]);
  assert.equal(again.run.shards, 3);
  assert.ok(reportNotes(again).some((n) => n.startsWith(`shard ${m.run.id}: `)), reportNotes(again).join('\n'));
  assert.deepEqual(again.run.interrupted, { reason: `shard ${m.run.id}: shard cut: SIGINT` });
});

test('shards of one distributed run share its id: the merged id is `<id>-merged` and notes number the shards', () => {
  const same = (r: LoadReport): LoadReport => ({ ...structuredClone(r), run: { ...structuredClone(r.run), id: 'run-42' } });
  const m = mergeLoadReports([same(A.report), same(B.report)]);
  assert.equal(m.run.id, 'run-42-merged');
  const note = reportNotes(m).find((n) => n.startsWith('capacity ramps'))!;
  assert.match(note, /shard 1 knee 800\/s; shard 2 knee/);
});
