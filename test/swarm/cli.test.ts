// `emqx-harness swarm` as a user runs it (scripts/swarm.ts in its own process): Ctrl-C mid-run,
// one-line errors, the report on stdout, and how flags and env become options.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startReferenceBroker, type ReferenceBroker } from '../../reference/index.ts';
import type { LoadReport } from '../../src/load/model.ts';
import { optionsFromArgs } from '../../scripts/swarm.ts';
import { startSwarm } from '../../load/swarm/index.ts';
import { freePort, testRunId } from './helpers.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = join(ROOT, 'scripts', 'swarm.ts');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; result: Promise<Run>; stderr: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, ...args], { cwd: ROOT, env: { ...process.env, EMQX_MQTT_URL: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const result = new Promise<Run>((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
  return { child, result, stderr: () => stderr };
}

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function api(b: ReferenceBroker, path: string): Promise<{ data: unknown; meta?: { count: number } }> {
  const res = await fetch(`${b.apiUrl('v4')}${path}`, { headers: { authorization: `Basic ${Buffer.from(`${b.appId}:${b.appSecret}`).toString('base64')}` } });
  return (await res.json()) as { data: unknown; meta?: { count: number } };
}

describe('against the reference broker', () => {
  let b: ReferenceBroker;
  let reports: string;
  before(async () => {
    b = await startReferenceBroker({ httpPort: 0, mqttPort: 0 });
    reports = mkdtempSync(join(tmpdir(), 'hx-swarm-reports-'));
  });
  after(async () => {
    await b?.close();
    rmSync(reports, { recursive: true, force: true });
  });

  test('Ctrl-C mid-run: exit 130, a partial report marked interrupted, every client disconnected with DISCONNECT', async () => {
    const runId = testRunId('sigint');
    const run = start(['--mqtt-url', b.mqttUrl, '--run-id', runId, '--clients', '40', '--subscribers', '20', '--publishers', '5', '--pub-rate', '20', '--qos', '1', '--duration', '60s', '--workers', '2', '--reports', reports]);
    await until(() => run.stderr().includes('swarm: publishing'), 30_000, 'the publishing phase');
    // some traffic first, so the partial report has something to say
    await new Promise((r) => setTimeout(r, 1200));
    run.child.kill('SIGINT');
    const r = await run.result;
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /Ctrl-C: stopping, disconnecting every client/);
    const file = join(reports, runId, 'load.json');
    assert.ok(existsSync(file), 'the partial report is written');
    assert.ok(existsSync(join(reports, runId, 'load.html')), 'with its page');
    const report = JSON.parse(readFileSync(file, 'utf8')) as LoadReport;
    assert.equal(report.run.kind, 'load');
    assert.match(report.run.interrupted?.reason ?? '', /interrupted by Ctrl-C/);
    assert.equal(report.swarm!.clients.connected, 40);
    const d = report.swarm!.delivery['1']!;
    assert.ok(d.published > 0 && d.received > 0, JSON.stringify(d));
    assert.match(r.stdout, /INTERRUPTED: interrupted by Ctrl-C/);
    // the broker's side: no client left, and every connection ended with DISCONNECT (EMQX's
    // `normal` shutdown reason), none by a dropped socket (`tcp_closed`); the probe client is one of them
    const clients = await api(b, '/clients');
    assert.equal(clients.meta?.count, 0, 'no client left on the broker');
    const listeners = JSON.stringify((await api(b, '/listeners')).data);
    const shutdown = JSON.parse(/"shutdown_count":(\{[^}]*\}|\[\])/.exec(listeners)![1]!) as Record<string, number>;
    assert.deepEqual(Object.keys(shutdown), ['normal'], JSON.stringify(shutdown));
    assert.equal(shutdown.normal, 41);
  });

  test('persistent MQTT 3.1.1 sessions are ended at the end (none left on the broker), or kept with keepSessions', async () => {
    const input = { mqttUrl: b.mqttUrl, clients: 6, subscribers: 6, subTopics: ['hx/{run}/#'], clean: false, durationMs: 300, workers: 2 };
    const r = await startSwarm({ ...input, runId: testRunId('persist') }).done;
    assert.equal(r.disconnect.clean, 6);
    assert.equal(r.disconnect.sessionsCleared, 6);
    assert.equal((await api(b, '/clients')).meta?.count, 0, 'no session left');
    const kept = await startSwarm({ ...input, runId: testRunId('keep'), keepSessions: true }).done;
    assert.equal(kept.disconnect.sessionsCleared, 0);
    const left = await api(b, '/clients');
    assert.equal(left.meta?.count, 6, 'the offline sessions stay listed');
    // tidy up for the tests after this one
    await startSwarm({ ...input, runId: testRunId('tidy'), clientIdPattern: `hx-${kept.runId}-{i}`, durationMs: 1 }).done;
    assert.equal((await api(b, '/clients')).meta?.count, 0);
  });

  test('--print-report prints load.json as one JSON line on stdout and writes no file', async () => {
    const runId = testRunId('print');
    const r = await start(['--mqtt-url', b.mqttUrl, '--run-id', runId, '--clients', '3', '--subscribers', '2', '--sub-topic', 'hx/{run}/#', '--publishers', '1', '--qos', '2', '--pub-rate', '0', '--messages', '20', '--print-report', '--reports', reports, '--drain-quiet', '300ms']).result;
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, r.stdout);
    const report = JSON.parse(lines[0]!) as LoadReport;
    assert.equal(report.run.id, runId);
    assert.deepEqual(report.swarm!.delivery['2'], { published: 20, expected: 40, received: 40, lost: 0, duplicated: 0 });
    assert.ok(report.swarm!.timeline.length >= 1);
    assert.ok(!existsSync(join(reports, runId)), 'no file');
    assert.match(r.stderr, /report {6}printed on stdout/);
  });
});

test('usage errors and an unreachable broker: one line on stderr, exit 2', async () => {
  const port = await freePort();
  const cases: [string[], RegExp][] = [
    [['--clients', 'many'], /^emqx-harness: --clients must be a number, got "many"$/],
    [['--bogus'], /^emqx-harness: Unknown option '--bogus'.* \(see emqx-harness swarm --help\)$/],
    [['--qos', '3'], /^emqx-harness: --qos must be 0, 1, 2 or a comma list of them, got "3"$/],
    [['--duration', 'forever'], /^emqx-harness: --duration must be a duration like 30s/],
    [['--sub-topic', 'a/#/b', '--subscribers', '1'], /^emqx-harness: --sub-topic "a\/#\/b": # must be a whole level and the last one$/],
    [['--mqtt-url', `mqtt://127.0.0.1:${port}`], new RegExp(`^emqx-harness: cannot connect to mqtt://127\\.0\\.0\\.1:${port} with MQTT 3\\.1\\.1: ECONNREFUSED$`)],
  ];
  await Promise.all(
    cases.map(async ([args, re]) => {
      const r = await start(args).result;
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0]!, re);
    }),
  );
});

test('a broker that refuses the protocol: one line naming the CONNACK, exit 2', async () => {
  const b = await startReferenceBroker({ httpPort: 0, mqttPort: 0 });
  try {
    const r = await start(['--mqtt-url', b.mqttUrl, '--protocol', '5']).result;
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr.trim(), `emqx-harness: cannot connect to ${b.mqttUrl} with MQTT 5: CONNACK 1 (unacceptable protocol version)`);
  } finally {
    await b.close();
  }
});

test('--help lists every option with its env name', async () => {
  const r = await start(['--help']).result;
  assert.equal(r.code, 0);
  for (const s of ['--mqtt-url', 'EMQX_MQTT_URL', 'EMQX_MQTT_USERNAME', 'EMQX_MQTT_PASSWORD', '--ca-file', 'EMQX_TLS_CA', '--insecure', 'EMQX_TLS_INSECURE', '--protocol', '--clients', '--connect-rate', '--max-connecting', '--client-id', '--username', '--persistent', '--keep-sessions', '--session-expiry', '--keepalive', '--connect-timeout', '--subscribers', '--sub-topic', '--sub-qos', '--publishers', '--pub-topic', '--qos', '--pub-rate', '--pub-rate-total', '--messages', '--payload-size', '--inflight', '--duration', '--drain-timeout', '--drain-quiet', '--overlap', '--workers', '--shard', 'JOB_COMPLETION_INDEX', '--run-id', 'EMQX_HARNESS_RUN_ID', '--rest-source', '--reports', '--print-report', '--quiet', 'Exit codes']) {
    assert.ok(r.stdout.includes(s), s);
  }
});

test('flags and env become options: credentials from env only, shards from JOB_COMPLETION_INDEX, a total rate split over publishers', () => {
  const env = { EMQX_MQTT_URL: 'mqtts://broker:8883', EMQX_MQTT_USERNAME: 'user', EMQX_MQTT_PASSWORD: 'secret', EMQX_TLS_INSECURE: 'true', JOB_COMPLETION_INDEX: '3' };
  const p = optionsFromArgs(['--clients', '100', '--publishers', '4', '--pub-rate-total', '1000', '--shard', 'auto/8', '--persistent', '--qos', '0,2', '--sub-topic', 'a/#', '--sub-topic', '$share/g/b/+', '--connect-timeout', '2s', '--quiet'], env)!;
  assert.equal(p.input.mqttUrl, 'mqtts://broker:8883');
  assert.equal(p.input.username, 'user');
  assert.equal(p.input.password, 'secret');
  assert.equal(p.input.insecure, true);
  assert.deepEqual(p.input.shard, { index: 3, count: 8 });
  assert.equal(p.input.pubRate, 250);
  assert.equal(p.input.clean, false);
  assert.deepEqual(p.input.qos, [0, 2]);
  assert.deepEqual(p.input.subTopics, ['a/#', '$share/g/b/+']);
  assert.equal(p.input.connectTimeoutMs, 2000);
  assert.match(p.input.runId, /-swarm$/);
  assert.equal(p.quiet, true);
  assert.throws(() => optionsFromArgs(['--pub-rate', '1', '--pub-rate-total', '5']), /not both/);
  assert.equal(optionsFromArgs(['--help']), undefined);
});
