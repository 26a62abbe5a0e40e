// Turns what k6 left in the run folder (its end-of-test summary from handleSummary, and every
// sample in the gzipped CSV output) into the k6 part of load.json: exact totals, HDR
// histograms per endpoint and page depth, a per-second timeline, and for a capacity ramp the
// per-step figures (src/load/capacity.ts). Streams the CSV, so memory stays flat on long runs.
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { thresholdOutcomes, type K6SummaryData } from '../../load/lib/summary.ts';
import type { LoadOptions } from '../../load/lib/options.ts';
import { judgeSteps, type StepSamples } from './capacity.ts';
import { type Histogram, newHistogram, recordMs, summarize } from './histogram.ts';
import type { K6Part, TimePoint } from './model.ts';

export const K6_SUMMARY_FILE = 'k6-summary.json';
export const K6_SAMPLES_FILE = 'k6-samples.csv.gz';

/** One CSV line split into fields (k6 quotes a field only when it holds a comma or a quote). */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

interface Bucket {
  reqs: number;
  failed: number;
  codeErrors: number;
  hist: Histogram;
}

const WANTED = new Set(['http_req_duration', 'http_req_failed', 'hx_code_errors', 'checks', 'iterations', 'dropped_iterations']);

/** Read k6's samples and summary into the k6 part of the report. */
export async function k6PartFrom(dir: string, o: LoadOptions, meta: { exitCode: number; k6Version?: string }): Promise<K6Part> {
  const summaryPath = `${dir}/${K6_SUMMARY_FILE}`;
  const summary = existsSync(summaryPath) ? (JSON.parse(readFileSync(summaryPath, 'utf8')) as K6SummaryData) : undefined;
  const all = newHistogram();
  const byEndpoint = new Map<string, Histogram>();
  const byDepth = new Map<string, Histogram>();
  const seconds = new Map<number, Bucket>();
  const steps = new Map<number, StepSamples>();
  let t0: number | undefined;
  const pending: { ts: number; value: number }[] = []; // dropped iterations carry no step tag: placed by time
  const totals = { requests: 0, failedRequests: 0, codeErrors: 0, checksPassed: 0, checksFailed: 0, iterations: 0, droppedIterations: 0 };

  const samplesPath = `${dir}/${K6_SAMPLES_FILE}`;
  if (existsSync(samplesPath)) {
    const lines = createInterface({ input: createReadStream(samplesPath).pipe(createGunzip()), crlfDelay: Infinity });
    let col: Record<string, number> | undefined;
    for await (const line of lines) {
      if (!line) continue;
      const f = splitCsvLine(line);
      if (!col) {
        col = Object.fromEntries(f.map((name, i) => [name, i]));
        continue;
      }
      const metric = f[col.metric_name!]!;
      if (!WANTED.has(metric)) continue;
      if (f[col.name!] === 'setup' || f[col.group!] === '::setup' || f[col.group!] === '::teardown') continue;
      const ts = Number(f[col.timestamp!]);
      const value = Number(f[col.metric_value!]);
      t0 = t0 === undefined ? ts : Math.min(t0, ts);
      const tags = extraTags(f[col.extra_tags!] ?? '');
      const step = tags.get('step');
      const s = step === null ? undefined : (steps.get(Number(step)) ?? steps.set(Number(step), newStepSamples()).get(Number(step))!);
      const second = Math.floor(ts / 1000);
      const bucket = (): Bucket => seconds.get(second) ?? seconds.set(second, { reqs: 0, failed: 0, codeErrors: 0, hist: newHistogram() }).get(second)!;
      switch (metric) {
        case 'http_req_duration': {
          totals.requests++;
          recordMs(all, value);
          const endpoint = tags.get('endpoint');
          if (endpoint) recordMs(byEndpoint.get(endpoint) ?? byEndpoint.set(endpoint, newHistogram()).get(endpoint)!, value);
          const depth = tags.get('depth');
          if (depth) recordMs(byDepth.get(depth) ?? byDepth.set(depth, newHistogram()).get(depth)!, value);
          const b = bucket();
          b.reqs++;
          recordMs(b.hist, value);
          if (s) {
            s.requests++;
            recordMs(s.latency, value);
          }
          break;
        }
        case 'http_req_failed':
          if (value) {
            totals.failedRequests++;
            bucket().failed++;
            if (s) s.failed++;
          }
          break;
        case 'hx_code_errors':
          if (s) s.codeChecked++;
          if (value) {
            totals.codeErrors++;
            bucket().codeErrors++;
            if (s) s.codeErrors++;
          }
          break;
        case 'checks':
          if (value) totals.checksPassed++;
          else totals.checksFailed++;
          if (s) {
            if (value) s.checksPassed++;
            else s.checksFailed++;
          }
          break;
        case 'iterations':
          totals.iterations++;
          if (s) s.iterations++;
          break;
        case 'dropped_iterations':
          totals.droppedIterations += value;
          pending.push({ ts, value });
          break;
      }
    }
  }
  const start = t0 ?? 0;
  const timeline: TimePoint[] = [...seconds.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([sec, b]) => {
      const h = summarize(b.hist);
      return { t: Math.max(0, sec - Math.floor(start / 1000)), reqs: b.reqs, failed: b.failed, codeErrors: b.codeErrors, p50: h.p50, p95: h.p95, p99: h.p99 };
    });
  const mapOf = (m: Map<string, Histogram>): Record<string, ReturnType<typeof summarize>> => Object.fromEntries([...m.entries()].sort().map(([k, h]) => [k, summarize(h)]));
  const sent = summary?.metrics.hx_messages_accepted?.values.count;
  const part: K6Part = {
    scenario: o.scenario,
    profile: o.profile,
    exitCode: meta.exitCode,
    ...(meta.k6Version ? { k6Version: meta.k6Version } : {}),
    thresholds: summary ? thresholdOutcomes(summary) : [],
    totals: { ...totals, ...(sent !== undefined ? { messagesAccepted: sent } : {}) },
    ...(totals.requests ? { latency: summarize(all) } : {}),
    latencyByEndpoint: mapOf(byEndpoint),
    ...(byDepth.size ? { latencyByPageDepth: mapOf(byDepth) } : {}),
    timeline,
  };
  if (o.capacity) {
    for (const d of pending) {
      const idx = Math.min(o.capacity.steps - 1, Math.max(0, Math.floor((d.ts - start) / 1000 / o.capacity.stepDurationS)));
      (steps.get(idx) ?? steps.set(idx, newStepSamples()).get(idx)!).dropped += d.value;
    }
    part.capacity = judgeSteps(o.capacity, steps, o.thresholds);
  }
  return part;
}

/** k6's extra_tags column, `a=1&b=2`, written raw: a `+` is a plus, not a space. */
export function extraTags(raw: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const pair of raw ? raw.split('&') : []) {
    const eq = pair.indexOf('=');
    if (eq > 0) out.set(pair.slice(0, eq), decodeURIComponent(pair.slice(eq + 1)));
  }
  return out;
}

function newStepSamples(): StepSamples {
  return { requests: 0, failed: 0, codeErrors: 0, codeChecked: 0, checksPassed: 0, checksFailed: 0, iterations: 0, dropped: 0, latency: newHistogram() };
}
