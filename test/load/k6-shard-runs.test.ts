// Two k6 runners as the k6-operator starts them (execution segments 0:1/2 and 1/2:1 of one
// scenario, HX_SHARD_REPORT=1, stdout and stderr captured into one file as `kubectl logs`
// has them) against the reference broker, then `report merge` on both logs through the CLI.
// Besides its shard line each runner writes every sample as CSV, which the pods cannot hand
// over but this test can: the merged report's counts must equal the samples', and its
// percentiles must be within the bucket precision of the samples' own.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createReadStream, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { RELATIVE_ERROR } from '../../load/lib/latency-buckets.ts';
import type { K6ShardLine } from '../../load/lib/k6-shard.ts';
import { k6Env } from '../../src/load/k6-binary.ts';
import { K6_SHARD_NOTE, k6ShardReport, lastK6ShardLine } from '../../src/load/k6-shard.ts';
import { splitCsvLine } from '../../src/load/k6-results.ts';
import { REPO_ROOT } from '../../src/schema-registry.ts';
import { K6, NO_K6, runLoadCli, said } from './run-load.ts';
import { tempDir } from '../load-report/helpers.ts';

const tmp = tempDir('k6-shard-runs-');
let broker: { apiUrl(v: 'v4'): string; appId: string; appSecret: string; close(): Promise<void> } | undefined;

before(async () => {
  if (NO_K6) return;
  const { startReferenceBroker } = await import('../../reference/index.ts');
  broker = await startReferenceBroker({ httpPort: 0, mqttPort: 0 });
});
after(async () => {
  await broker?.close();
  tmp.remove();
});

interface Runner {
  log: string;
  samples: string;
  code: number | null;
}

/** One runner: `k6 run` with the segment flags the operator gives runner `index` of two. */
function runRunner(index: number, scenario: string, options: Record<string, unknown>): Promise<Runner> {
  const dir = join(tmp.dir, `runner-${index}`);
  mkdirSync(dir, { recursive: true });
  const log = join(dir, `hx-shard-test-k6-${index + 1}.k6.log`);
  const samples = join(dir, 'samples.csv.gz');
  const segment = index === 0 ? '0:1/2' : '1/2:1';
  const args = ['run', '--quiet', `--execution-segment=${segment}`, '--execution-segment-sequence=0,1/2,1', '--out', `csv=${samples}`, '--tag', `instance_id=${index}`, join(REPO_ROOT, 'load', 'scenarios', `${scenario}.ts`)];
  const env = k6Env(process.env, {
    EMQX_API_URL: broker!.apiUrl('v4'),
    EMQX_APP_ID: broker!.appId,
    EMQX_APP_SECRET: broker!.appSecret,
    HX_RUN_ID: 'hx-shard-test',
    HX_PROFILE: 'smoke',
    HX_OPTIONS: JSON.stringify(options),
    HX_SHARD_REPORT: '1',
  });
  // one file for both streams, in the order written, as a pod's log holds them
  const fd = openSync(log, 'w');
  return new Promise((resolve) => {
    // the working directory takes the runner's k6-summary.json and k6-junit.xml, as a pod's does
    const child = spawn(K6!.path, args, { cwd: dir, env, stdio: ['ignore', fd, fd] });
    child.on('exit', (code) => resolve({ log, samples, code }));
  });
}

/** Every non-setup http_req_duration of a runner's CSV, in ms (as src/load/k6-results.ts reads them). */
async function durations(file: string): Promise<number[]> {
  const out: number[] = [];
  let col: Record<string, number> | undefined;
  for await (const line of createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity })) {
    if (!line) continue;
    const f = splitCsvLine(line);
    if (!col) {
      col = Object.fromEntries(f.map((name, i) => [name, i]));
      continue;
    }
    if (f[col.metric_name!] !== 'http_req_duration' || f[col.name!] === 'setup' || f[col.group!] === '::setup') continue;
    out.push(Number(f[col.metric_value!]));
  }
  return out;
}

/** The value at a percentile as HDR histograms pick it: the k-th smallest, k = round(p·n), at least 1. */
function percentile(sorted: number[], p: number): number {
  const k = Math.max(1, Math.floor((p / 100) * sorted.length + 0.5));
  return sorted[k - 1]!;
}

test('two k6 runners (execution segments) with HX_SHARD_REPORT, merged from their logs: totals add up, counts exact, percentiles within the buckets', { skip: NO_K6, timeout: 180_000 }, async () => {
  // the gate calls several endpoints (publish_batch, the listings, lookups) and makes setup requests
  const options = { rate: 40, durationS: 3 };
  const runners = await Promise.all([runRunner(0, 'gate', options), runRunner(1, 'gate', options)]);
  const lines: K6ShardLine[] = runners.map((r, i) => {
    const text = readFileSync(r.log, 'utf8');
    assert.equal(r.code, 0, `runner ${i}:\n${text.slice(-3000)}`);
    assert.match(text, /gate \(k6\)\n\s+requests/, 'the text summary is still there');
    return lastK6ShardLine(text)!.value as K6ShardLine;
  });
  // the operator's segments split the load: both ran a share of it
  for (const l of lines) assert.ok(l.totals.requests >= 10, `a runner made ${l.totals.requests} requests`);

  const merge = await runLoadCli(['merge', ...runners.map((r) => r.log)], { command: 'report' });
  assert.equal(merge.code, 0, said(merge));
  const merged = merge.report!;
  assert.equal(merged.run.shards, 2);
  assert.equal(merged.run.id, 'hx-shard-test-merged');
  const k6 = merged.k6!;
  for (const key of ['requests', 'failedRequests', 'codeErrors', 'checksPassed', 'checksFailed', 'iterations', 'droppedIterations', 'messagesAccepted'] as const) {
    assert.equal(k6.totals[key], lines[0]!.totals[key]! + lines[1]!.totals[key]!, `totals.${key}`);
  }
  assert.equal(k6.totals.failedRequests, 0);
  assert.ok(k6.thresholds.length >= 5 && k6.thresholds.every((t) => t.ok), JSON.stringify(k6.thresholds));
  assert.equal(k6.latency!.count, k6.totals.requests, 'every request is in the merged histogram');
  const endpoints = Object.keys(k6.latencyByEndpoint!);
  assert.ok(endpoints.includes('v4.mqtt_publish_batch') && endpoints.includes('v4.list_clients') && endpoints.includes('v4.lookup_node_stats'), endpoints.join(', '));
  assert.equal(Object.values(k6.latencyByEndpoint!).reduce((n, h) => n + h.count, 0), k6.totals.requests);
  assert.deepEqual(merged.run.notes, [`shard 1, shard 2: ${K6_SHARD_NOTE}`]);

  // what the pods could not hand over: every sample of both runners
  const own = await Promise.all(runners.map((r) => durations(r.samples)));
  const near = (what: string, value: number, samples: number[], p: number): void => {
    const exact = percentile([...samples].sort((a, b) => a - b), p);
    // the bucket's 2%, the HDR histogram's 3 significant digits and its microseconds
    const tolerance = exact * (RELATIVE_ERROR + 0.0015) + 0.002;
    assert.ok(Math.abs(value - exact) <= tolerance, `${what} p${p}: ${value} ms from the buckets, ${exact} ms from the samples (tolerance ${tolerance.toFixed(4)} ms)`);
  };
  lines.forEach((l, i) => {
    const alone = k6ShardReport(l, 'test').k6!.latency!;
    assert.equal(alone.count, own[i]!.length, `runner ${i} counted exactly the requests k6 sampled`);
    near(`runner ${i}`, alone.p50, own[i]!, 50);
  });
  const all = own.flat();
  assert.equal(all.length, k6.totals.requests);
  near('merged', k6.latency!.p50, all, 50);
  near('merged', k6.latency!.p99, all, 99);
});
