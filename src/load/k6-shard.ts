// A k6 runner's shard line (load/lib/k6-shard.ts), found in its log, as a LoadReport that
// `report merge` takes next to the swarm pods' reports: the runner's totals and threshold
// outcomes as it printed them, and latency histograms rebuilt from its bucket counts, each
// bucket's count recorded at the bucket's representative value. Counts are exact; a value is
// within the bucket scheme's relative error, and the report's notes say so wherever it is read.
import { SHARD_FORMAT, SHARD_MARKER, type K6ShardLine } from '../../load/lib/k6-shard.ts';
import { BUCKET_COUNT, LOWEST_MS, RELATIVE_ERROR, representativeMs } from '../../load/lib/latency-buckets.ts';
import { type Histogram, newHistogram, recordMsCount, summarize } from './histogram.ts';
import type { K6Part, LatencyHistogram, LoadReport } from './model.ts';

/** What a line starts with; a log prefix before it (kubectl logs --timestamps) is allowed. */
const LINE_START = `{"${SHARD_MARKER}":`;

export const K6_SHARD_NOTE = `k6 latency rebuilt from the runner's bucket counts (HX_SHARD_REPORT): exact in counts, each value within ${+(RELATIVE_ERROR * 100).toFixed(2)}% (log-linear buckets from ${LOWEST_MS} ms, load/lib/latency-buckets.ts); a runner prints no per-second timeline and no latency by page depth`;

export class K6ShardError extends Error {}

/** Whether a text (a runner's log) holds a shard line at all. */
export function hasK6ShardLine(text: string): boolean {
  return text.includes(LINE_START);
}

/**
 * The last shard line of a log and its 1-based line number: a runner prints one, and a log
 * that holds more (a pod restarted, logs appended) is judged by its last run.
 */
export function lastK6ShardLine(text: string): { value: unknown; line: number } | undefined {
  const lines = text.split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i--) {
    const at = lines[i]!.indexOf(LINE_START);
    if (at < 0) continue;
    try {
      return { value: JSON.parse(lines[i]!.slice(at)), line: i + 1 };
    } catch (e) {
      throw new K6ShardError(`line ${i + 1}: a k6 shard line that is not valid JSON (cut short?): ${(e as Error).message.split('\n')[0]}`);
    }
  }
  return undefined;
}

/** What is wrong with a parsed line, one entry per problem; empty when it can be read. */
export function k6ShardProblems(value: unknown): string[] {
  const problems: string[] = [];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return ['should be a JSON object'];
  const v = value as Record<string, unknown>;
  if (v[SHARD_MARKER] !== SHARD_FORMAT) return [`${SHARD_MARKER} ${JSON.stringify(v[SHARD_MARKER])}: this harness reads format ${SHARD_FORMAT}`];
  const scheme = v.bucketScheme as Record<string, unknown> | undefined;
  if (scheme?.lowestMs !== LOWEST_MS || scheme?.bucketCount !== BUCKET_COUNT) {
    return [`bucketScheme ${JSON.stringify(scheme)}: this harness reads buckets from ${LOWEST_MS} ms, ${BUCKET_COUNT} of them (a runner bundled from another release?)`];
  }
  for (const k of ['runId', 'scenario', 'profile']) if (typeof v[k] !== 'string' || v[k] === '') problems.push(`${k}: should be a string`);
  for (const k of ['startedAt', 'finishedAt']) if (typeof v[k] !== 'string' || Number.isNaN(Date.parse(v[k] as string))) problems.push(`${k}: should be an ISO date and time`);
  if (v.target !== undefined && typeof v.target !== 'string') problems.push('target: should be a string');
  const count = (x: unknown): boolean => typeof x === 'number' && Number.isInteger(x) && x >= 0;
  const totals = v.totals as Record<string, unknown> | undefined;
  if (totals === null || typeof totals !== 'object') problems.push('totals: should be an object');
  else {
    for (const k of ['requests', 'failedRequests', 'codeErrors', 'checksPassed', 'checksFailed', 'iterations', 'droppedIterations']) if (!count(totals[k])) problems.push(`totals.${k}: should be a count`);
    if (totals.messagesAccepted !== undefined && !count(totals.messagesAccepted)) problems.push('totals.messagesAccepted: should be a count');
  }
  if (!Array.isArray(v.thresholds)) problems.push('thresholds: should be a list');
  else {
    (v.thresholds as unknown[]).forEach((t, i) => {
      const r = t as Record<string, unknown> | null;
      if (!r || typeof r.metric !== 'string' || typeof r.expression !== 'string' || typeof r.ok !== 'boolean') problems.push(`thresholds[${i}]: should be {metric, expression, ok}`);
    });
  }
  const buckets = v.buckets as Record<string, unknown> | undefined;
  if (buckets === null || typeof buckets !== 'object' || Array.isArray(buckets)) problems.push('buckets: should be an object');
  else {
    for (const [endpoint, counts] of Object.entries(buckets)) {
      if (counts === null || typeof counts !== 'object' || Array.isArray(counts)) {
        problems.push(`buckets.${endpoint}: should be an object`);
        continue;
      }
      for (const [b, n] of Object.entries(counts as Record<string, unknown>)) {
        if (!/^\d+$/.test(b) || Number(b) >= BUCKET_COUNT) problems.push(`buckets.${endpoint}.${b}: no such bucket (0 to ${BUCKET_COUNT - 1})`);
        else if (!count(n) || n === 0) problems.push(`buckets.${endpoint}.${b}: should be a positive count`);
      }
    }
  }
  return problems;
}

/** The runner's shard as a one-shard load report; `harnessVersion` is the reading harness's (a runner does not know its own). */
export function k6ShardReport(line: K6ShardLine, harnessVersion: string): LoadReport {
  const all = newHistogram();
  const byEndpoint: Record<string, LatencyHistogram> = {};
  for (const [endpoint, counts] of Object.entries(line.buckets).sort(([a], [b]) => a.localeCompare(b))) {
    const h: Histogram = newHistogram();
    for (const [b, n] of Object.entries(counts)) {
      const ms = representativeMs(Number(b));
      recordMsCount(h, ms, n);
      recordMsCount(all, ms, n);
    }
    byEndpoint[endpoint] = summarize(h);
  }
  const k6: K6Part = {
    scenario: line.scenario,
    profile: line.profile,
    thresholds: line.thresholds.map((t) => ({ metric: t.metric, expression: t.expression, ok: t.ok })),
    totals: { ...line.totals },
    ...(all.totalCount > 0 ? { latency: summarize(all) } : {}),
    latencyByEndpoint: byEndpoint,
    timeline: [],
  };
  return {
    run: {
      id: line.runId,
      kind: 'load',
      target: line.target ?? '(not recorded by the runner)',
      scenario: line.scenario,
      profile: line.profile,
      startedAt: line.startedAt,
      finishedAt: line.finishedAt,
      harnessVersion,
      shards: 1,
      notes: [K6_SHARD_NOTE],
    },
    k6,
  };
}
