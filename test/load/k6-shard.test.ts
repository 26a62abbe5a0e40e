// A k6 runner's shard report without k6: the latency bucket scheme (monotonic, contiguous,
// within its relative error over its range, under- and overflow), the submetrics that carry
// the counts, the line handleSummary prints from summary data, and `report merge` reading it
// from a runner's log next to a swarm pod's report.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BUCKET_COUNT,
  HIGHEST_MS,
  LOWEST_MS,
  OVERFLOW_BUCKET,
  RELATIVE_ERROR,
  UNDERFLOW_BUCKET,
  bucketOf,
  bucketRange,
  representativeMs,
} from '../../load/lib/latency-buckets.ts';
import { BUCKETS_PER_METRIC, SHARD_METRIC_COUNT, type K6ShardLine, parseShardSubmetric, shardCounterOf, shardMetricName, shardThresholds } from '../../load/lib/k6-shard.ts';
import { type K6SummaryData, summaryFiles } from '../../load/lib/summary.ts';
import { K6_SHARD_NOTE, k6ShardReport, lastK6ShardLine } from '../../src/load/k6-shard.ts';
import { decodeHistogram } from '../../src/load/histogram.ts';
import type { LoadReport } from '../../src/load/model.ts';
import { runReport } from '../../scripts/report.ts';
import { shard } from '../load-report/fixtures.ts';
import { captured, reportUsageError as usageError, tempDir } from '../load-report/helpers.ts';

const tmp = tempDir('k6-shard-');
after(tmp.remove);

// float arithmetic on the edges: a representative may be off by a few ulps more than the bound
const EPS = 1e-12;

test('latency buckets: contiguous ranges, every value in its own bucket, monotonic', () => {
  assert.equal(bucketRange(UNDERFLOW_BUCKET).lo, 0);
  assert.equal(bucketRange(1).lo, LOWEST_MS);
  for (let i = 1; i < BUCKET_COUNT; i++) assert.equal(bucketRange(i).lo, bucketRange(i - 1).hi, `bucket ${i} starts where ${i - 1} ends`);
  assert.equal(bucketRange(OVERFLOW_BUCKET).hi, Infinity);
  // every edge belongs to the bucket it opens
  for (let i = 0; i < BUCKET_COUNT; i++) assert.equal(bucketOf(bucketRange(i).lo), i, `edge of bucket ${i}`);
  let previous = -1;
  for (let v = 0.001; v < HIGHEST_MS * 4; v *= 1.0007) {
    const i = bucketOf(v);
    const { lo, hi } = bucketRange(i);
    assert.ok(v >= lo && v < hi, `${v} ms in bucket ${i} [${lo}, ${hi})`);
    assert.ok(i >= previous, `monotonic at ${v} ms`);
    previous = i;
  }
});

test('latency buckets: the representative is within 2% of every value from 0.05 ms to past 120 s', () => {
  assert.equal(RELATIVE_ERROR, 0.02);
  assert.ok(HIGHEST_MS >= 120_000, `covers 120 s (up to ${HIGHEST_MS} ms)`);
  let worst = 0;
  for (let v = LOWEST_MS; v < HIGHEST_MS; v *= 1.00013) worst = Math.max(worst, Math.abs(representativeMs(bucketOf(v)) - v) / v);
  // and at both edges of every bucket, where the error is largest
  for (let i = 1; i < OVERFLOW_BUCKET; i++) {
    const { lo, hi } = bucketRange(i);
    for (const v of [lo, hi * (1 - 1e-15)]) worst = Math.max(worst, Math.abs(representativeMs(i) - v) / v);
  }
  assert.ok(worst <= RELATIVE_ERROR + EPS, `worst relative error ${worst}`);
  assert.ok(worst > RELATIVE_ERROR * 0.99, `the bound is tight (${worst}), so it is the one stated`);
});

test('latency buckets: under- and overflow, and nonsense', () => {
  for (const v of [0, 0.01, LOWEST_MS * (1 - 1e-9), -5, Number.NaN]) assert.equal(bucketOf(v), UNDERFLOW_BUCKET, String(v));
  assert.equal(representativeMs(UNDERFLOW_BUCKET), LOWEST_MS / 2);
  for (const v of [HIGHEST_MS, 1e7, Infinity]) assert.equal(bucketOf(v), OVERFLOW_BUCKET, String(v));
  // the overflow bucket stands for at least its lower end: it never claims a request was faster
  assert.equal(representativeMs(OVERFLOW_BUCKET), HIGHEST_MS);
  assert.equal(bucketOf(120_000) < OVERFLOW_BUCKET, true, '120 s is still measured, not overflow');
  for (const bad of [-1, BUCKET_COUNT, 1.5]) assert.throws(() => bucketRange(bad), RangeError);
});

test('shard counters: a few Counters, each bucket on one, every submetric read back', () => {
  assert.equal(SHARD_METRIC_COUNT, Math.ceil(BUCKET_COUNT / BUCKETS_PER_METRIC));
  assert.ok(SHARD_METRIC_COUNT <= 25, `${SHARD_METRIC_COUNT} Counters per VU`);
  for (let b = 0; b < BUCKET_COUNT; b++) assert.ok(shardCounterOf(b) < SHARD_METRIC_COUNT);
  const t = shardThresholds(['v4.mqtt_publish_batch', 'v4.list_clients']);
  const keys = Object.keys(t);
  // the buckets of two endpoints, and the two setup submetrics
  assert.equal(keys.length, 2 * BUCKET_COUNT + 2);
  assert.ok(Object.values(t).every((x) => Array.isArray(x) && x.length === 0), 'no expression: nothing is judged');
  assert.deepEqual(parseShardSubmetric(`${shardMetricName(4)}{endpoint:v4.list_clients,b:100}`), { endpoint: 'v4.list_clients', bucket: 100 });
  assert.deepEqual(parseShardSubmetric(`${shardMetricName(4)}{b:100,endpoint:v4.list_clients}`), { endpoint: 'v4.list_clients', bucket: 100 }, 'in any tag order');
  assert.equal(parseShardSubmetric('http_req_duration{endpoint:x}'), undefined);
  assert.equal(parseShardSubmetric(`${shardMetricName(0)}{endpoint:x,b:${BUCKET_COUNT}}`), undefined);
  for (const k of keys.filter((k) => k.startsWith('hx_shard_lat_'))) {
    const at = parseShardSubmetric(k)!;
    assert.equal(k.startsWith(`${shardMetricName(shardCounterOf(at.bucket))}{`), true, `${k} is on its bucket's Counter`);
  }
});

const counter = (count: number): K6SummaryData['metrics'][string] => ({ type: 'counter', contains: 'default', values: { count, rate: count / 3 } });
const rate = (passes: number, fails: number): K6SummaryData['metrics'][string] => ({ type: 'rate', contains: 'default', values: { rate: passes / (passes + fails || 1), passes, fails } });

/** What k6 hands handleSummary in a runner with HX_SHARD_REPORT: built-ins, ours, and the bucket submetrics (most of them zero). */
function summaryData(scale = 1): K6SummaryData {
  const metrics: K6SummaryData['metrics'] = {
    http_reqs: counter(100 * scale + 3),
    'http_reqs{name:setup}': counter(3),
    http_req_failed: { ...rate(2 * scale, 101 * scale), thresholds: { 'rate<0.01': { ok: false } } },
    'http_req_failed{name:setup}': rate(0, 3),
    http_req_duration: { type: 'trend', contains: 'time', values: { min: 0.4, med: 2.1, 'p(95)': 9.5, 'p(99)': 20, max: 31 }, thresholds: { 'p(95)<500': { ok: true } } },
    hx_code_errors: rate(1 * scale, 99 * scale),
    checks: rate(297 * scale, 3 * scale),
    iterations: counter(100 * scale),
    dropped_iterations: counter(4 * scale),
    hx_messages_accepted: counter(990 * scale),
  };
  for (const [name] of Object.entries(shardThresholds(['v4.mqtt_publish_batch', 'v4.lookup_node_stats']))) if (name.startsWith('hx_shard_lat_')) metrics[name] = counter(0);
  const put = (endpoint: string, ms: number, n: number): void => {
    const b = bucketOf(ms);
    metrics[`${shardMetricName(shardCounterOf(b))}{endpoint:${endpoint},b:${b}}`] = counter(n * scale);
  };
  put('v4.mqtt_publish_batch', 2, 60);
  put('v4.mqtt_publish_batch', 9, 10);
  put('v4.lookup_node_stats', 1, 25);
  put('v4.lookup_node_stats', 30, 5);
  for (let i = 0; i < SHARD_METRIC_COUNT; i++) metrics[shardMetricName(i)] = counter(0);
  return { metrics, state: { testRunDurationMs: 3_000 }, setup_data: { node: 'emqx@10.0.0.1', clientids: ['secret-looking-client'] }, options: {} };
}

test('handleSummary with HX_SHARD_REPORT: the text summary, then one JSON line; k6-summary.json without the bucket submetrics', () => {
  const env = { HX_SHARD_REPORT: '1', EMQX_API_URL: 'http://admin:pw-in-url@emqx.svc:8081/api/v4', EMQX_APP_SECRET: 'app-s3cret-9f1', HX_RUN_ID: 'env-run' };
  const files = summaryFiles(summaryData(), env, 'gate', { runId: 'pb-1', profile: 'stress' });
  const out = files.stdout!;
  assert.match(out, /^\n {2}gate \(k6\)\n {4}requests/, 'the text summary first, as before');
  const lines = out.trimEnd().split('\n');
  const line = JSON.parse(lines.at(-1)!) as K6ShardLine;
  assert.equal(lines.filter((l) => l.includes('hxK6Shard')).length, 1);
  assert.equal(line.hxK6Shard, 1);
  assert.deepEqual([line.runId, line.scenario, line.profile, line.target], ['pb-1', 'gate', 'stress', 'http://emqx.svc:8081/api/v4']);
  // setup's requests are not the load's
  assert.deepEqual(line.totals, { requests: 100, failedRequests: 2, codeErrors: 1, checksPassed: 297, checksFailed: 3, iterations: 100, droppedIterations: 4, messagesAccepted: 990 });
  assert.deepEqual(line.buckets, {
    'v4.lookup_node_stats': { [bucketOf(1)]: 25, [bucketOf(30)]: 5 },
    'v4.mqtt_publish_batch': { [bucketOf(2)]: 60, [bucketOf(9)]: 10 },
  });
  assert.deepEqual(line.thresholds, [
    { metric: 'http_req_duration', expression: 'p(95)<500', ok: true },
    { metric: 'http_req_failed', expression: 'rate<0.01', ok: false },
  ]);
  assert.equal(Date.parse(line.finishedAt) - Date.parse(line.startedAt), 3_000);
  for (const secret of ['app-s3cret-9f1', 'pw-in-url', 'secret-looking-client']) assert.ok(!out.includes(secret), secret);
  const kept = JSON.parse(files['k6-summary.json']!) as K6SummaryData;
  assert.ok(!Object.keys(kept.metrics).some((k) => k.startsWith('hx_shard_lat_') || k.includes('{name:setup}')), 'the bucket counters stay out of k6-summary.json');
  assert.ok(kept.metrics.http_reqs);

  // without it, nothing changes: no line
  const plain = summaryFiles(summaryData(), { EMQX_API_URL: env.EMQX_API_URL }, 'gate');
  assert.ok(!plain.stdout!.includes('hxK6Shard'));
  assert.equal(summaryFiles(summaryData(), { HX_SUMMARY_DIR: '/tmp/run', HX_SHARD_REPORT: '1' }, 'gate').stdout?.startsWith('{"hxK6Shard":1,'), true, 'run by the harness: the line alone');
});

test('a runner log: the last shard line wins, a log prefix is allowed; histograms rebuilt with exact counts', () => {
  const line = JSON.parse(summaryFiles(summaryData(), { HX_SHARD_REPORT: '1' }, 'gate', { runId: 'pb-1', profile: 'stress' }).stdout!.trimEnd().split('\n').at(-1)!) as K6ShardLine;
  const older = { ...line, totals: { ...line.totals, requests: 1 } };
  const log = `time="…" level=info msg="starting"\n${JSON.stringify(older)}\n  text summary\n2026-12-02T10:00:00.000000000Z ${JSON.stringify(line)}\n`;
  const found = lastK6ShardLine(log)!;
  assert.equal(found.line, 4);
  assert.deepEqual(found.value, line);
  assert.equal(lastK6ShardLine('no line here\n'), undefined);
  assert.throws(() => lastK6ShardLine(`${JSON.stringify(line).slice(0, 80)}\n`), /line 1: a k6 shard line that is not valid JSON/);

  const report = k6ShardReport(line, '9.9.9');
  const k6 = report.k6!;
  assert.equal(k6.latency!.count, 100);
  assert.equal(k6.latency!.count, k6.totals.requests);
  assert.equal(k6.latencyByEndpoint!['v4.mqtt_publish_batch']!.count, 70);
  assert.equal(decodeHistogram(k6.latencyByEndpoint!['v4.lookup_node_stats']!.hdr).totalCount, 30);
  // p50 of 60×2 ms, 25×1 ms, 10×9 ms, 5×30 ms is 2 ms; p99 is 30 ms
  assert.ok(Math.abs(k6.latency!.p50 - 2) / 2 <= RELATIVE_ERROR + 0.002, `p50 ${k6.latency!.p50}`);
  assert.ok(Math.abs(k6.latency!.p99 - 30) / 30 <= RELATIVE_ERROR + 0.002, `p99 ${k6.latency!.p99}`);
  assert.deepEqual(k6.timeline, []);
  assert.deepEqual(report.run.notes, [K6_SHARD_NOTE]);
  assert.equal(report.run.harnessVersion, '9.9.9');
});

test('report merge: two runner logs and a swarm pod report into one run, the precision noted once', async () => {
  const runner = (runId: string, scale: number): string => {
    const out = summaryFiles(summaryData(scale), { HX_SHARD_REPORT: '1', EMQX_API_URL: 'http://emqx.svc:8081/api/v4' }, 'gate', { runId, profile: 'stress' }).stdout!;
    return `     /\\      Grafana   /‾‾/\n  execution: local\ntime="2026-12-02T10:00:00Z" level=warning msg="v4.list_clients: slow"\n${out}`;
  };
  const a = join(tmp.dir, 'hx-run-k6-1-abcde.k6.log');
  const b = join(tmp.dir, 'hx-run-k6-2-fghij.k6.log');
  writeFileSync(a, runner('run-7', 1));
  writeFileSync(b, runner('run-7', 2));
  const swarm = structuredClone(shard({ id: 'run-7', startedAt: new Date().toISOString(), seed: 3 }).report);
  delete swarm.k6;
  const pod = join(tmp.dir, 'hx-run-swarm-0.json');
  writeFileSync(pod, `${JSON.stringify(swarm)}\n`);

  const out = join(tmp.dir, 'merged');
  const { result, stderr } = await captured(() => runReport(['merge', a, b, pod, '--out', out, '--no-color']));
  assert.equal(result, 0);
  assert.match(stderr, /merged 3 shard reports: 1 .*\.k6\.log:\d+, 2 .*\.k6\.log:\d+, 3 .*swarm-0\.json$/m);
  const merged = JSON.parse(readFileSync(join(out, 'load.json'), 'utf8')) as LoadReport;
  assert.equal(merged.run.shards, 3);
  assert.equal(merged.k6!.totals.requests, 300);
  assert.equal(merged.k6!.totals.messagesAccepted, 2970);
  assert.equal(merged.k6!.latency!.count, 300);
  assert.ok(merged.swarm && merged.swarm.clients.target === swarm.swarm!.clients.target, 'the swarm part is the pod\'s');
  // both runners say the same about their precision: said once, naming both
  const notes = merged.run.notes ?? [];
  assert.deepEqual(notes.filter((n) => n.includes('bucket counts')), [`shard 1, shard 2: ${K6_SHARD_NOTE}`]);
  // the runner's failing threshold makes the merged one fail
  assert.deepEqual(merged.k6!.thresholds.filter((t) => !t.ok).map((t) => t.metric), ['http_req_failed']);
});

test('report merge: a runner log without a shard line, or with a broken one, is one line naming the file', async () => {
  const plain = join(tmp.dir, 'no-shard.k6.log');
  writeFileSync(plain, '\n  gate (k6)\n    requests ........ 76 (25.0/s)\n');
  assert.match(await usageError(['merge', plain]), new RegExp(`^${plain}: not JSON and no line of it is a JSON object, nor a k6 runner's shard line \\(\\{"hxK6Shard":…\\}, printed when HX_SHARD_REPORT is set\\)`));

  const line = summaryFiles(summaryData(), { HX_SHARD_REPORT: '1' }, 'gate', { runId: 'r', profile: 'smoke' }).stdout!.trimEnd().split('\n').at(-1)!;
  const cut = join(tmp.dir, 'cut.k6.log');
  writeFileSync(cut, `starting\n${line.slice(0, 120)}\n`);
  assert.match(await usageError(['merge', cut]), new RegExp(`^${cut}: line 2: a k6 shard line that is not valid JSON`));

  const other = JSON.parse(line) as K6ShardLine;
  const scheme = join(tmp.dir, 'scheme.k6.log');
  writeFileSync(scheme, `${JSON.stringify({ ...other, bucketScheme: { lowestMs: 0.1, bucketCount: 300, relativeError: 0.01 } })}\n`);
  assert.match(await usageError(['merge', scheme]), new RegExp(`^${scheme}:1: not a k6 shard report: bucketScheme .* another release`));

  const shape = join(tmp.dir, 'shape.k6.log');
  writeFileSync(shape, `${JSON.stringify({ ...other, totals: { ...other.totals, requests: -1 }, buckets: { x: { 9999: 1 } } })}\n`);
  const message = await usageError(['merge', shape]);
  assert.match(message, /totals\.requests: should be a count/);
  assert.match(message, /buckets\.x\.9999: no such bucket/);
});
