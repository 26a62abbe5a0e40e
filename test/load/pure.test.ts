// The pure helpers of the load part, in Node: topic patterns, payload stamps, page-depth tags,
// the profiles and k6 options, step-ramp arithmetic, step judgement and knee finding, the
// summary's JUnit, and the reading of k6's CSV.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { boundedTopics, depthBucket, expandTopic } from '../../load/lib/topics.ts';
import { parseStamp, stampPayload } from '../../src/load/stamp.ts';
import { GATE_MIX, PROFILES, k6Options, optionsProblem, resolveOptions } from '../../load/lib/options.ts';
import { STEP_RAMP_S, rampStages, rampSteps, stepAt } from '../../load/lib/ramp.ts';
import { findKnee, judgeStep, type StepSamples } from '../../src/load/capacity.ts';
import { newHistogram, recordMs } from '../../src/load/histogram.ts';
import { thresholdOutcomes, thresholdsJunit, textSummary, type K6SummaryData } from '../../load/lib/summary.ts';
import { extraTags, splitCsvLine } from '../../src/load/k6-results.ts';
import { expectsHasnext } from '../../src/pagination.ts';
import { REPO_ROOT } from '../../src/schema-registry.ts';

test('topic patterns expand {vu}, {seq} and {i}; bounded patterns list their topics', () => {
  assert.equal(expandTopic('t/{vu}/{seq}/{i}', { vu: 3, seq: 42, i: 7 }), 't/3/42/7');
  assert.equal(expandTopic('plain/topic', { vu: 1, seq: 1, i: 0 }), 'plain/topic');
  assert.deepEqual(boundedTopics('t/{vu}/{i}', 2, 2), ['t/1/0', 't/1/1', 't/2/0', 't/2/1']);
  assert.equal(boundedTopics('t/{seq}', 2, 2), undefined);
});

test('a stamp survives a round trip as text and as bytes, padded to the payload size', () => {
  const s = { run: 'hxrun1', source: 'k6-7', seq: 1234, sentMs: 1764672000123.456 };
  const p = stampPayload(s, 128);
  assert.equal(p.length, 128);
  assert.deepEqual(parseStamp(p), s);
  assert.deepEqual(parseStamp(Buffer.from(p)), s);
  assert.equal(stampPayload(s, 4).startsWith('hx1|hxrun1|k6-7|1234|'), true, 'never cut shorter than the stamp');
  for (const foreign of ['hello', 'hx1|only|three', Buffer.from([0x68, 0x78, 0x31]), 'hx1|r|s|notanumber|1|']) assert.equal(parseStamp(foreign), undefined);
});

test('page depth buckets', () => {
  assert.deepEqual([1, 2, 4, 5, 16, 17, 300].map(depthBucket), ['1', '2-4', '2-4', '5-16', '5-16', '17+', '17+']);
});

test('every profile resolves to valid options for every scenario; flags override', () => {
  for (const profile of PROFILES) {
    for (const scenario of ['publish-batch', 'listings', 'gate'] as const) {
      const o = resolveOptions({ scenario, profile, runId: 'r' });
      assert.equal(optionsProblem(o), undefined, `${scenario}/${profile}`);
    }
  }
  const o = resolveOptions({ scenario: 'publish-batch', profile: 'smoke', runId: 'r', rate: 42, batchSize: 7, thresholds: { p95Ms: 12 } as never });
  assert.equal(o.rate, 42);
  assert.equal(o.batchSize, 7);
  assert.equal(o.thresholds.p95Ms, 12);
  assert.equal(o.thresholds.p99Ms, 1000, 'the other thresholds keep their defaults');
});

test('option problems are named in one line', () => {
  const base = { scenario: 'publish-batch' as const, profile: 'smoke' as const, runId: 'r' };
  assert.match(optionsProblem(resolveOptions({ ...base, qos: 3 as never }))!, /qos must be 0, 1 or 2/);
  assert.match(optionsProblem(resolveOptions({ ...base, topic: 'a/#' }))!, /wildcard/);
  assert.match(optionsProblem(resolveOptions({ ...base, apiVersion: 'v3' }))!, /3\.x API has no \/mqtt\/publish_batch/);
  assert.match(optionsProblem(resolveOptions({ ...base, thresholds: { checkRate: 2 } as never }))!, /check rate threshold must be between 0 and 1/);
});

test('k6 options: constant arrival rates with thresholds; the gate splits its rate; capacity ramps without k6 thresholds', () => {
  const pb = k6Options(resolveOptions({ scenario: 'publish-batch', profile: 'smoke', runId: 'r', rate: 10, durationS: 3 }));
  assert.deepEqual(pb.scenarios, { 'publish-batch': { executor: 'constant-arrival-rate', exec: 'publishBatch', rate: 10, timeUnit: '1s', duration: '3s', preAllocatedVUs: 2, maxVUs: 10 } });
  assert.deepEqual(Object.keys(pb.thresholds as object).sort(), ['checks', 'http_req_duration', 'http_req_failed', 'hx_code_errors']);
  const gate = k6Options(resolveOptions({ scenario: 'gate', profile: 'smoke', runId: 'r', rate: 10 })).scenarios as Record<string, { rate: number; timeUnit: string; exec: string }>;
  assert.deepEqual(Object.keys(gate), ['publish', 'listings', 'lookups']);
  assert.deepEqual([gate.publish!.rate, gate.listings!.rate, gate.lookups!.rate], [4, 2, 4]);
  const slow = k6Options(resolveOptions({ scenario: 'gate', profile: 'smoke', runId: 'r', rate: 7 })).scenarios as Record<string, { rate: number; timeUnit: string }>;
  assert.deepEqual([slow.listings!.rate, slow.listings!.timeUnit], [84, '1m'], 'a fractional rate becomes a count per minute');
  assert.equal(GATE_MIX.publish + GATE_MIX.listings + GATE_MIX.lookups, 1);
  const v3 = k6Options(resolveOptions({ scenario: 'gate', profile: 'smoke', runId: 'r', apiVersion: 'v3' })).scenarios as Record<string, { exec: string }>;
  assert.equal(v3.publish!.exec, 'publishOne');
  const cap = k6Options(resolveOptions({ scenario: 'listings', profile: 'capacity', runId: 'r' }));
  assert.deepEqual(cap.thresholds, {});
  assert.equal((cap.scenarios as Record<string, { executor: string }>).listings!.executor, 'ramping-arrival-rate');
});

test('step ramp: stages follow the steps exactly, and a moment belongs to its step', () => {
  const r = { startRate: 10, stepRate: 5, steps: 4, stepDurationS: 6 };
  assert.deepEqual(rampSteps(r).map((s) => [s.rate, s.startS]), [[10, 0], [15, 6], [20, 12], [25, 18]]);
  const stages = rampStages(r);
  const total = stages.reduce((n, s) => n + Number(s.duration.replace('s', '')), 0);
  assert.equal(total, 24);
  assert.deepEqual(stages.slice(0, 3), [{ target: 10, duration: '6s' }, { target: 15, duration: `${STEP_RAMP_S}s` }, { target: 15, duration: '5s' }]);
  assert.deepEqual([0, 5.99, 6, 17.5, 23.9, 40].map((t) => stepAt(r, t)), [0, 0, 1, 2, 3, 3]);
});

function samples(ms: number[], extra: Partial<StepSamples> = {}): StepSamples {
  const latency = newHistogram();
  for (const v of ms) recordMs(latency, v);
  return { requests: ms.length, failed: 0, codeErrors: 0, codeChecked: ms.length, checksPassed: ms.length * 3, checksFailed: 0, iterations: ms.length, dropped: 0, latency, ...extra };
}
const T = { p95Ms: 50, p99Ms: 100, failedRate: 0.01, codeErrorRate: 0.01, checkRate: 0.99 };

test('a step holds only when every threshold holds, and each breach is named', () => {
  assert.equal(judgeStep(10, 5, samples(Array(100).fill(5)), T).held, true);
  const slow = judgeStep(10, 5, samples([...Array(90).fill(5), ...Array(10).fill(80)]), T);
  assert.deepEqual([slow.held, slow.breaches.length, /^p95 80/.test(slow.breaches[0]!)], [false, 1, true]);
  const failed = judgeStep(10, 5, samples(Array(100).fill(5), { failed: 2 }), T);
  assert.match(failed.breaches.join(), /failed 2\.00% ≥ 1\.00%/);
  const dropped = judgeStep(10, 5, samples(Array(40).fill(5), { dropped: 10 }), T);
  assert.match(dropped.breaches.join(), /10 iterations dropped/);
  assert.equal(dropped.achievedRate, 8);
  assert.deepEqual(judgeStep(10, 5, undefined, T).breaches, ['no request completed in this step']);
});

test('the knee: the rate before the first confirmed breach; an isolated breach is noise; a ramp that never breaks says so', () => {
  const s = (...held: boolean[]): { rate: number; held: boolean }[] => held.map((h, i) => ({ rate: (i + 1) * 10, held: h }));
  assert.deepEqual(findKnee(s(true, true, false, false)), { kneeRate: 20, neverBroke: false });
  assert.deepEqual(findKnee(s(true, false, true, true, false, false)), { kneeRate: 40, neverBroke: false });
  assert.deepEqual(findKnee(s(true, true, true, false)), { kneeRate: 30, neverBroke: false });
  assert.deepEqual(findKnee(s(true, true, true)), { kneeRate: 30, neverBroke: true });
  assert.deepEqual(findKnee(s(false, false)), { kneeRate: undefined, neverBroke: false });
});

test("handleSummary's thresholds: outcomes, JUnit with a failure per breach, and a text summary", () => {
  const data: K6SummaryData = {
    metrics: {
      http_req_duration: { type: 'trend', values: { med: 2, 'p(95)': 30, 'p(99)': 50, max: 60 }, thresholds: { 'p(95)<20': { ok: false }, 'p(99)<100': { ok: true } } },
      checks: { type: 'rate', values: { rate: 1, passes: 10, fails: 0 }, thresholds: { 'rate>0.99': { ok: true } } },
      http_reqs: { type: 'counter', values: { count: 10, rate: 2 } },
    },
  };
  assert.deepEqual(thresholdOutcomes(data).map((t) => [t.metric, t.expression, t.ok]), [['checks', 'rate>0.99', true], ['http_req_duration', 'p(95)<20', false], ['http_req_duration', 'p(99)<100', true]]);
  const xml = thresholdsJunit(data, 'k6.gate');
  assert.match(xml, /tests="3" failures="1"/);
  assert.match(xml, /<failure message="threshold breached: http_req_duration p\(95\)&#60;20"\/>/);
  const text = textSummary(data, 'gate (k6)');
  assert.match(text, /✗ http_req_duration p\(95\)<20/);
  assert.match(text, /p95 30\.0ms/);
});

test("k6's CSV: quoted fields and raw extra tags", () => {
  assert.deepEqual(splitCsvLine('a,"b,c",d'), ['a', 'b,c', 'd']);
  assert.deepEqual(splitCsvLine('a,"say ""hi""",'), ['a', 'say "hi"', '']);
  assert.deepEqual([...extraTags('depth=17+&endpoint=v4.list_clients&step=3')], [['depth', '17+'], ['endpoint', 'v4.list_clients'], ['step', '3']]);
});

test('hasnext is expected on 4.x from 4.1 on the listings that carry it, never on 3.x, unknown without a release', () => {
  assert.equal(expectsHasnext('v4', true, '4.4.19'), true);
  assert.equal(expectsHasnext('v4', true, '4.0.13'), false);
  assert.equal(expectsHasnext('v4', false, '4.4.19'), false);
  assert.equal(expectsHasnext('v3', true, '3.2.0'), false);
  assert.equal(expectsHasnext('v4', true, undefined), undefined);
});

test('k6 reads only k6/* and our own files: the scenarios and their modules import nothing else', () => {
  const files = ['load/scenarios/publish-batch.ts', 'load/scenarios/listings.ts', 'load/scenarios/gate.ts', 'load/lib/work.ts', 'load/lib/options.ts', 'load/lib/ramp.ts', 'load/lib/topics.ts', 'load/lib/summary.ts', 'load/lib/k6-shard.ts', 'load/lib/latency-buckets.ts', 'src/pagination.ts', 'src/load/stamp.ts', 'src/url-encoding.ts'];
  for (const f of files) {
    const imports = [...readFileSync(join(REPO_ROOT, f), 'utf8').matchAll(/^import\s[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
    for (const i of imports) assert.ok(i === 'k6' || i.startsWith('k6/') || i.startsWith('./') || i.startsWith('../'), `${f} imports ${i}`);
  }
  const bundle = readFileSync(join(REPO_ROOT, 'load/generated/contract.js'), 'utf8');
  assert.doesNotMatch(bundle, /\bimport\s*[^(]|\brequire\(/, 'the generated contract module imports nothing');
});
