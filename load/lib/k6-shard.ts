// A k6 runner's shard report: what a runner in a k6-operator pod prints as one JSON line at
// the end (HX_SHARD_REPORT set), so that `kubectl logs` holds it and `emqx-harness report
// merge` can rebuild the k6 part of load.json from it (src/load/k6-shard.ts). On one machine
// `emqx-harness load` reads k6's CSV samples instead; a pod keeps those to itself.
// Pure: k6 and Node import it.
//
// Latency travels as counts per (endpoint, latency bucket), load/lib/latency-buckets.ts.
// k6 only sums what its metrics are given, and only metrics created in the init context
// exist, so the counts have to be k6 metrics known before the first request. One Counter per
// (endpoint, bucket) would be thousands per VU, and a k6 Counter costs each VU about 2.5 KB
// and 25 µs to create (600 Counters: 3.3 s and 290 MB more for 200 VUs). So there are few
// Counters, each over BUCKETS_PER_METRIC consecutive buckets, and every request adds 1 to its
// bucket's Counter tagged with its endpoint and bucket; `thresholds` with no expressions make
// k6 keep one submetric per (endpoint, bucket), which handleSummary then sees with its count.
// k6 matches each sample against the submetrics of its own Counter only, so a sample costs
// (endpoints × BUCKETS_PER_METRIC) tag comparisons, not (endpoints × BUCKET_COUNT).
import { BUCKET_COUNT, LOWEST_MS, RELATIVE_ERROR } from './latency-buckets.ts';
import type { K6SummaryData, ThresholdOutcome } from './summary.ts';
import type { K6Part } from '../../src/load/model.ts';

/** Set (to anything but empty) in a runner's env: count latency buckets and print the shard line. */
export const SHARD_ENV = 'HX_SHARD_REPORT';
/** The key that marks the line; its value is the line's format version. */
export const SHARD_MARKER = 'hxK6Shard';
export const SHARD_FORMAT = 1;

/** Buckets per Counter: 23 Counters in all (with them a VU takes about 125 KB more, measured with 200 VUs). */
export const BUCKETS_PER_METRIC = 24;
export const SHARD_METRIC_COUNT = Math.ceil(BUCKET_COUNT / BUCKETS_PER_METRIC);

export function shardMetricName(counter: number): string {
  return `hx_shard_lat_${String(counter).padStart(2, '0')}`;
}

/** The Counter (its index) a bucket is counted on. */
export function shardCounterOf(bucket: number): number {
  return Math.floor(bucket / BUCKETS_PER_METRIC);
}

/**
 * setup() requests are not the load: k6's totals include them, the CSV reading of
 * `emqx-harness load` leaves them out, and so does the shard by subtracting these.
 */
const SETUP_REQS = 'http_reqs{name:setup}';
const SETUP_FAILED = 'http_req_failed{name:setup}';

/**
 * The `thresholds` entries that make k6 keep the counts: an empty list of expressions keeps a
 * submetric without judging anything, so no threshold outcome, JUnit case or exit code changes.
 */
export function shardThresholds(endpoints: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = { [SETUP_REQS]: [], [SETUP_FAILED]: [] };
  for (const endpoint of endpoints) {
    for (let b = 0; b < BUCKET_COUNT; b++) out[`${shardMetricName(shardCounterOf(b))}{endpoint:${endpoint},b:${b}}`] = [];
  }
  return out;
}

/** Whether a metric of the summary data is one of the shard's (left out of k6-summary.json: the line has them). */
export function isShardMetric(name: string): boolean {
  return name.startsWith('hx_shard_lat_') || name === SETUP_REQS || name === SETUP_FAILED;
}

/** The same totals as a k6 part of load.json (a type only: nothing of src/ reaches k6). */
export type K6ShardTotals = K6Part['totals'];

/** The line, as JSON. Counts only: no URL query, no header, no setup data, no secret. */
export interface K6ShardLine {
  [SHARD_MARKER]: number;
  runId: string;
  scenario: string;
  profile: string;
  /** the API URL the runner loaded, without user info */
  target?: string;
  startedAt: string;
  finishedAt: string;
  /** the runner's own threshold outcomes, judged on its share of the load */
  thresholds: ThresholdOutcome[];
  totals: K6ShardTotals;
  /** what the bucket indexes mean, so a reader can refuse a scheme it does not know */
  bucketScheme: { lowestMs: number; bucketCount: number; relativeError: number };
  /** per endpoint: bucket index → requests, only buckets that counted any */
  buckets: Record<string, Record<string, number>>;
  /** k6's own http_req_duration figures (setup requests included), to check the buckets against */
  k6Trend: Record<string, number>;
}

export interface ShardInfo {
  runId: string;
  scenario: string;
  profile: string;
  apiUrl?: string;
  /** when handleSummary ran, ms since the epoch */
  nowMs: number;
}

/** The submetric name `hx_shard_lat_NN{endpoint:ID,b:N}` read back; undefined for any other. */
export function parseShardSubmetric(name: string): { endpoint: string; bucket: number } | undefined {
  const m = /^hx_shard_lat_\d+\{(.*)\}$/.exec(name);
  if (!m) return undefined;
  const tags = new Map(m[1]!.split(',').map((kv) => {
    const at = kv.indexOf(':');
    return [kv.slice(0, at).trim(), kv.slice(at + 1).trim()] as const;
  }));
  const endpoint = tags.get('endpoint');
  const bucket = Number(tags.get('b'));
  if (!endpoint || !Number.isInteger(bucket) || bucket < 0 || bucket >= BUCKET_COUNT) return undefined;
  return { endpoint, bucket };
}

export function shardLine(data: K6SummaryData, info: ShardInfo, thresholds: ThresholdOutcome[]): K6ShardLine {
  const m = data.metrics;
  const value = (name: string, key: string): number => m[name]?.values[key] ?? 0;
  const buckets: Record<string, Record<string, number>> = {};
  for (const [name, metric] of Object.entries(m)) {
    const at = parseShardSubmetric(name);
    const count = metric.values.count ?? 0;
    if (!at || count <= 0) continue;
    (buckets[at.endpoint] ??= {})[String(at.bucket)] = count;
  }
  const totals: K6ShardTotals = {
    requests: value('http_reqs', 'count') - value(SETUP_REQS, 'count'),
    // http_req_failed is a rate: its passes are the failed requests
    failedRequests: value('http_req_failed', 'passes') - value(SETUP_FAILED, 'passes'),
    codeErrors: value('hx_code_errors', 'passes'),
    checksPassed: value('checks', 'passes'),
    checksFailed: value('checks', 'fails'),
    iterations: value('iterations', 'count'),
    droppedIterations: value('dropped_iterations', 'count'),
    ...(m.hx_messages_accepted ? { messagesAccepted: value('hx_messages_accepted', 'count') } : {}),
  };
  const durationMs = data.state?.testRunDurationMs ?? 0;
  return {
    [SHARD_MARKER]: SHARD_FORMAT,
    runId: info.runId,
    scenario: info.scenario,
    profile: info.profile,
    ...(info.apiUrl ? { target: withoutUserInfo(info.apiUrl) } : {}),
    startedAt: new Date(info.nowMs - durationMs).toISOString(),
    finishedAt: new Date(info.nowMs).toISOString(),
    thresholds,
    totals,
    bucketScheme: { lowestMs: LOWEST_MS, bucketCount: BUCKET_COUNT, relativeError: RELATIVE_ERROR },
    buckets: Object.fromEntries(Object.entries(buckets).sort(([a], [b]) => a.localeCompare(b))),
    k6Trend: { ...(m.http_req_duration?.values ?? {}) },
  };
}

// k6 has no URL class; credentials in the API URL are refused upstream, this keeps them out regardless
function withoutUserInfo(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}
