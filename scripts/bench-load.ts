// Benchmark: POST /mqtt/publish_batch driven by k6 (through `emqx-harness load`) against the
// reference broker and, when one answers, a real EMQX 4.4. Prints messages per second accepted
// by the API and delivered to an MQTT subscriber, p50/p99 of the HTTP calls and of REST→MQTT
// delivery, and the CPU of k6 against the broker's, so a user can see which one was the limit.
//
//   npx tsx scripts/bench-load.ts [--rate 100] [--batch-size 50] [--duration 15s]
//
// Figures are printed as a Markdown table (for the README) and written to reports/bench-load.json.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { connectClient } from '../src/mqtt.ts';
import { parseStamp } from '../src/load/stamp.ts';
import { newHistogram, recordMs, summarize } from '../src/load/histogram.ts';
import { cpuOfPid } from '../src/load/proc-cpu.ts';
import { findK6, K6_INSTALL_HINT } from '../src/load/k6-binary.ts';
import type { LoadReport } from '../src/load/model.ts';
import { REPO_ROOT } from '../src/schema-registry.ts';

const { values: v } = parseArgs({ options: { rate: { type: 'string', default: '100' }, 'batch-size': { type: 'string', default: '50' }, duration: { type: 'string', default: '15s' }, 'max-vus': { type: 'string', default: '100' } } });

interface Broker {
  name: string;
  apiUrl: string;
  mqttUrl: string;
  appId: string;
  appSecret: string;
  pid: number;
  stop(): Promise<void>;
}

async function startReference(): Promise<Broker> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'reference', 'main.ts'), '--http-port', '0', '--mqtt-port', '0', '--app-secret', 'bench-secret'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (c) => {
      out += c;
      if (/api v3/.test(out)) resolve();
    });
    child.on('exit', () => reject(new Error(`the reference broker exited: ${out}`)));
  });
  return {
    name: 'reference broker (aedes, one Node process)',
    apiUrl: /api v4\s+(\S+)/.exec(out)![1]!,
    mqttUrl: /mqtt\s+(\S+)/.exec(out)![1]!,
    appId: 'admin',
    appSecret: 'bench-secret',
    pid: child.pid!,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

async function realEmqx(): Promise<Broker | undefined> {
  const apiUrl = process.env.EMQX_API_URL ?? 'http://127.0.0.1:38081/api/v4';
  const appId = process.env.EMQX_APP_ID ?? 'admin';
  const appSecret = process.env.EMQX_APP_SECRET ?? 'public';
  try {
    const res = await fetch(`${apiUrl}/brokers`, { headers: { authorization: `Basic ${Buffer.from(`${appId}:${appSecret}`).toString('base64')}` }, signal: AbortSignal.timeout(3000) });
    const version = ((await res.json()) as { data?: { version?: string }[] }).data?.[0]?.version;
    if (!version?.startsWith('4.')) return undefined;
    // the broker's CPU is its Erlang VM's (named beam.smp, or emqx when started by its script); EMQX_PID overrides
    const pid = Number(process.env.EMQX_PID ?? execFileSync('pgrep', ['-f', '-n', 'beam.smp|-progname .*emqx'], { encoding: 'utf8' }).trim());
    return { name: `EMQX ${version} (real)`, apiUrl, mqttUrl: process.env.EMQX_MQTT_URL ?? 'mqtt://127.0.0.1:31883', appId, appSecret, pid, stop: async () => undefined };
  } catch {
    return undefined;
  }
}

interface Figures {
  target: string;
  requestedMsgPerS: number;
  acceptedMsgPerS: number;
  deliveredMsgPerS: number;
  delivered: number;
  accepted: number;
  httpP50Ms: number;
  httpP99Ms: number;
  deliveryP50Ms: number;
  deliveryP99Ms: number;
  k6CpuPct: number;
  brokerCpuPct: number;
  droppedIterations: number;
}

async function bench(broker: Broker): Promise<Figures> {
  const topicRoot = `hx/bench/${Date.now().toString(36)}`;
  const sub = await connectClient(broker.mqttUrl, { clientId: `${topicRoot.replace(/\//g, '-')}-sub`, timeoutMs: 10_000 });
  const seen = new Set<string>();
  const latency = newHistogram();
  sub.client.on('message', (_t, payload) => {
    const s = parseStamp(payload);
    if (!s) return;
    const key = `${s.source}/${s.seq}`;
    if (seen.has(key)) return;
    seen.add(key);
    recordMs(latency, Date.now() - s.sentMs);
  });
  await sub.subscribe(`${topicRoot}/#`, 0);
  const reports = mkdtempSync(join(tmpdir(), 'bench-load-'));
  const cpuBefore = cpuOfPid(broker.pid);
  const started = Date.now();
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'scripts', 'cli.ts'), 'load', '--target', 'emqx-v4', '--api-url', broker.apiUrl, '--app-id', broker.appId, '--scenario', 'publish-batch', '--profile', 'stress', '--rate', v.rate!, '--batch-size', v['batch-size']!, '--duration', v.duration!, '--max-vus', v['max-vus']!, '--topic', `${topicRoot}/{vu}`, '--p95', '60000', '--p99', '60000', '--reports', reports], {
      cwd: REPO_ROOT,
      env: { ...process.env, EMQX_APP_SECRET: broker.appSecret, CI: 'true' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('exit', (c) => resolve(c ?? 1));
  });
  const wallS = (Date.now() - started) / 1000;
  // let the last deliveries land: a subscriber that fell behind is still reading, and cutting it
  // off after a fixed pause would count the broker's backlog as messages it never delivered
  for (let last = -1, quietSince = Date.now(), until = Date.now() + 30_000; Date.now() < until && Date.now() - quietSince < 1500; ) {
    if (seen.size !== last) [last, quietSince] = [seen.size, Date.now()];
    await new Promise((r) => setTimeout(r, 100));
  }
  const cpuAfter = cpuOfPid(broker.pid);
  await sub.end();
  const dir = readdirSync(reports).find((d) => d !== 'latest');
  if (!dir) throw new Error(`the load run wrote no report (exit ${code})`);
  const report = JSON.parse(readFileSync(join(reports, dir, 'load.json'), 'utf8')) as LoadReport;
  const k6 = report.k6!;
  const runS = (Date.parse(report.run.finishedAt!) - Date.parse(report.run.startedAt)) / 1000;
  const loadS = Number(v.duration!.replace(/s$/, ''));
  const brokerMs = cpuBefore && cpuAfter ? cpuAfter.userMs + cpuAfter.systemMs - cpuBefore.userMs - cpuBefore.systemMs : NaN;
  const d = summarize(latency);
  const pct = (ms: number, s: number): number => Math.round((ms / 1000 / s) * 1000) / 10;
  return {
    target: broker.name,
    requestedMsgPerS: Number(v.rate) * Number(v['batch-size']),
    accepted: k6.totals.messagesAccepted ?? 0,
    acceptedMsgPerS: Math.round((k6.totals.messagesAccepted ?? 0) / loadS),
    delivered: seen.size,
    deliveredMsgPerS: Math.round(seen.size / loadS),
    httpP50Ms: k6.latency?.p50 ?? NaN,
    httpP99Ms: k6.latency?.p99 ?? NaN,
    deliveryP50Ms: d.p50,
    deliveryP99Ms: d.p99,
    // share of one core over the whole run (k6 and broker alike), of availableParallelism() cores
    k6CpuPct: k6.cpu ? pct(k6.cpu.userMs + k6.cpu.systemMs, runS) : NaN,
    brokerCpuPct: pct(brokerMs, wallS),
    droppedIterations: k6.totals.droppedIterations,
  };
}

const k6 = findK6();
if (!k6) {
  console.error(`bench-load: k6 not found: ${K6_INSTALL_HINT}`);
  process.exit(2);
}
const results: Figures[] = [];
const ref = await startReference();
try {
  results.push(await bench(ref));
} finally {
  await ref.stop();
}
const real = await realEmqx();
if (real) results.push(await bench(real));
else console.error('bench-load: no real EMQX 4.x answers (EMQX_API_URL or 127.0.0.1:38081): measured the reference broker only');

const header = `publish_batch through k6 ${k6.version}: ${v.rate} batches/s × ${v['batch-size']} messages for ${v.duration}, ${availableParallelism()} cores, k6 and broker on one machine`;
const table = [
  `| target | asked msg/s | accepted msg/s | delivered msg/s | HTTP p50 / p99 | REST→MQTT p50 / p99 | k6 CPU | broker CPU | dropped iterations |`,
  `| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`,
  ...results.map((r) => `| ${r.target} | ${r.requestedMsgPerS} | ${r.acceptedMsgPerS} | ${r.deliveredMsgPerS} | ${r.httpP50Ms} / ${r.httpP99Ms} ms | ${r.deliveryP50Ms} / ${r.deliveryP99Ms} ms | ${r.k6CpuPct}% | ${r.brokerCpuPct}% | ${r.droppedIterations} |`),
];
console.log(`\n${header}\n\n${table.join('\n')}\n\n(CPU: share of one core over the run; 100% = one core busy.)`);
mkdirSync(join(REPO_ROOT, 'reports'), { recursive: true });
writeFileSync(join(REPO_ROOT, 'reports', 'bench-load.json'), `${JSON.stringify({ header, results }, null, 2)}\n`);
