// handleSummary for every scenario: k6's end-of-test data as JSON (which `emqx-harness load`
// turns into load.json), JUnit with one test case per threshold (for CI reporters, also when
// a scenario is run with plain `k6 run`), and a short text summary on stdout.
// Pure: k6 and Node import it.
import { SHARD_ENV, isShardMetric, shardLine } from './k6-shard.ts';

interface K6Metric {
  type: string;
  contains?: string;
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}

export interface K6SummaryData {
  metrics: Record<string, K6Metric>;
  state?: { testRunDurationMs?: number };
  [key: string]: unknown;
}

export interface ThresholdOutcome {
  metric: string;
  expression: string;
  ok: boolean;
}

export function thresholdOutcomes(data: K6SummaryData): ThresholdOutcome[] {
  return Object.entries(data.metrics)
    .flatMap(([metric, m]) => Object.entries(m.thresholds ?? {}).map(([expression, t]) => ({ metric, expression, ok: t.ok })))
    .sort((a, b) => a.metric.localeCompare(b.metric) || a.expression.localeCompare(b.expression));
}

const xml = (s: string): string => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function thresholdsJunit(data: K6SummaryData, suite: string): string {
  const t = thresholdOutcomes(data);
  const failed = t.filter((x) => !x.ok).length;
  const cases = t
    .map((x) => `    <testcase classname="${xml(suite)}.thresholds" name="${xml(`${x.metric}: ${x.expression}`)}">${x.ok ? '' : `<failure message="${xml(`threshold breached: ${x.metric} ${x.expression}`)}"/>`}</testcase>`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="k6 thresholds" tests="${t.length}" failures="${failed}">\n  <testsuite name="${xml(suite)}" tests="${t.length}" failures="${failed}">\n${cases}\n  </testsuite>\n</testsuites>\n`;
}

const ms = (v: number | undefined): string => (v === undefined ? '-' : v < 1 ? `${(v * 1000).toFixed(0)}µs` : v < 1000 ? `${v.toFixed(1)}ms` : `${(v / 1000).toFixed(2)}s`);

export function textSummary(data: K6SummaryData, title: string): string {
  const m = data.metrics;
  const count = (name: string): number => m[name]?.values.count ?? 0;
  const rate = (name: string): number | undefined => m[name]?.values.rate;
  const d = m.http_req_duration?.values ?? {};
  const lines = [
    '',
    `  ${title}`,
    `    requests ........ ${count('http_reqs')} (${(m.http_reqs?.values.rate ?? 0).toFixed(1)}/s), failed ${((rate('http_req_failed') ?? 0) * 100).toFixed(2)}%, code≠0 ${((rate('hx_code_errors') ?? 0) * 100).toFixed(2)}%`,
    `    latency ......... med ${ms(d.med)}  p95 ${ms(d['p(95)'])}  p99 ${ms(d['p(99)'])}  max ${ms(d.max)}`,
    `    checks .......... ${((rate('checks') ?? 0) * 100).toFixed(2)}% of ${(m.checks?.values.passes ?? 0) + (m.checks?.values.fails ?? 0)}`,
  ];
  if (m.hx_messages_sent) lines.push(`    messages ........ ${count('hx_messages_sent')} sent, ${count('hx_messages_accepted')} accepted`);
  if (m.hx_walks_judged || m.hx_walks_unstable) lines.push(`    listing walks ... ${count('hx_walks_judged')} judged, ${count('hx_walks_unstable')} not judged (the listing changed during the walk), ${count('hx_walks_truncated')} cut at the page bound`);
  if (m.dropped_iterations) lines.push(`    dropped ......... ${count('dropped_iterations')} iterations (k6 had no free VU: raise maxVUs or lower the rate)`);
  const t = thresholdOutcomes(data);
  if (t.length) {
    lines.push('    thresholds:');
    for (const x of t) lines.push(`      ${x.ok ? '✓' : '✗'} ${x.metric} ${x.expression}`);
  }
  return `${lines.join('\n')}\n\n`;
}

/**
 * handleSummary's result. Run by `emqx-harness load` (HX_SUMMARY_DIR set: its run folder), the
 * files go there and the terminal summary is the harness's own, made from every sample; run
 * with plain `k6 run`, the files go to the working directory and the text to stdout. A runner
 * with HX_SHARD_REPORT set (a k6-operator pod) also prints its shard report, one JSON line
 * after the text, for `report merge` to find in its log (load/lib/k6-shard.ts).
 */
export function summaryFiles(data: K6SummaryData, env: Record<string, string | undefined>, scenario: string, run?: { runId: string; profile: string }): Record<string, string> {
  const dir = env.HX_SUMMARY_DIR ? `${env.HX_SUMMARY_DIR.replace(/\/+$/, '')}/` : '';
  const shard = !!env[SHARD_ENV];
  // the shard's thousands of bucket counters are in its line, not in the summary people read
  const kept = shard ? { ...data, metrics: Object.fromEntries(Object.entries(data.metrics).filter(([name]) => !isShardMetric(name))) } : data;
  const text = dir ? '' : textSummary(kept, `${scenario} (k6)`);
  const line = shard
    ? `${JSON.stringify(shardLine(data, { runId: run?.runId ?? env.HX_RUN_ID ?? 'hx-k6', scenario, profile: run?.profile ?? env.HX_PROFILE ?? 'smoke', apiUrl: env.EMQX_API_URL, nowMs: Date.now() }, thresholdOutcomes(data)))}\n`
    : '';
  return {
    [`${dir}k6-summary.json`]: JSON.stringify(kept, null, 2),
    [`${dir}k6-junit.xml`]: thresholdsJunit(kept, `k6.${scenario}`),
    ...(text || line ? { stdout: text + line } : {}),
  };
}
