// `emqx-harness swarm`: an MQTT client swarm against any broker: N clients connecting at a rate,
// subscribers and publishers in one run, end-to-end latency, loss and duplicates per QoS from the
// payload stamp. Writes reports/<run-id>/ (load.json, load.html, junit.xml), or prints the report as one JSON line.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { UsageError } from '../src/errors.ts';
import type { LatencyHistogram, LoadReport } from '../src/load/model.ts';
import { writeLoadReport } from '../src/load/write.ts';
import { newRunId } from '../src/run-config.ts';
import { type SwarmInput, type SwarmResult, startSwarm } from '../load/swarm/index.ts';
import { DEFAULTS, type SwarmOptions, parseDuration, parseQosList, parseShard, perPublisherRate } from '../load/swarm/options.ts';
import { progressPrinter } from '../load/swarm/progress.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HARNESS_VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

const HELP = `emqx-harness swarm — an MQTT client swarm: connections, subscribers and publishers in one run

Usage: emqx-harness swarm [options]

  emqx-harness swarm --clients 1000 --connect-rate 500 --subscribers 1000 --sub-topic 'hx/{i}/#' \\
    --publishers 10 --pub-topic 'hx/{i}/x' --pub-rate 100 --qos 1 --payload-size 64 --duration 30s

Clients have shard-local indexes 0…clients-1 and the placeholder {i} is the global index
(shard I of N: I*clients + local); {run} is the run id. Subscribers are the FIRST --subscribers
clients, publishers the LAST --publishers clients (disjoint when clients = subscribers +
publishers); the others only connect and hold. Every payload carries the run id, the publisher
(its client id), a sequence and the send time; receivers count each message's copies against
what their subscriptions call for. Flags override the env variables in brackets.

Target:
  --mqtt-url URL          mqtt://host:1883 or mqtts://host:8883 (default mqtt://127.0.0.1:1883) [EMQX_MQTT_URL]
                          credentials for every client: env EMQX_MQTT_USERNAME / EMQX_MQTT_PASSWORD
                          (env only: a flag would show in ps and shell history)
  --ca-file FILE          CA for mqtts://                                        [EMQX_TLS_CA]
  --insecure              accept any TLS certificate                             [EMQX_TLS_INSECURE]
  --protocol 4|5          MQTT 3.1.1 (4, default) or MQTT 5 (5)

Clients:
  --clients N             clients of this shard (default ${DEFAULTS.clients})
  --connect-rate N        new connections per second (default ${DEFAULTS.connectRate}; 0 = as fast as
                          --max-connecting allows)
  --max-connecting N      connection attempts in progress at once (default ${DEFAULTS.maxConnecting})
  --client-id PATTERN     client id (default ${DEFAULTS.clientIdPattern}; must contain {i})
  --username PATTERN      a username per client, e.g. 'u-{i}' (default: EMQX_MQTT_USERNAME for all)
  --persistent            persistent sessions (clean session / clean start false); at the end they are
                          ended (MQTT 5: Session Expiry 0 in DISCONNECT; 3.1.1: one more connect per
                          client with clean session)
  --keep-sessions         leave persistent sessions on the broker at the end
  --session-expiry S      MQTT 5 persistent sessions: Session Expiry Interval (default ${DEFAULTS.sessionExpiry})
  --keepalive S           keepalive seconds (default ${DEFAULTS.keepalive}; 0 = none)
  --connect-timeout D     wait for CONNACK / SUBACK (default 10s)

Subscribers:
  --subscribers N         the first N clients subscribe (default 0)
  --sub-topic FILTER      filter pattern, repeatable (default ${DEFAULTS.subTopics[0]}); + and # wildcards,
                          $share/<group>/<filter> shared subscriptions, {i} and {run}
  --sub-qos Q             subscription QoS (default ${DEFAULTS.subQos})

Publishers:
  --publishers N          the last N clients publish (default 0)
  --pub-topic TOPIC       topic pattern (default ${DEFAULTS.pubTopic}); {i}, {run}, {seq}
  --qos Q[,Q…]            0, 1, 2 or a list publishers take in turn, e.g. 0,1,2 (default 0)
  --pub-rate N            messages per second per publisher (default ${DEFAULTS.pubRate}; 0 = as fast as
                          the connection and --inflight allow)
  --pub-rate-total N      messages per second over all publishers of the shard (instead of --pub-rate)
  --messages N            messages per publisher (default: until --duration ends)
  --payload-size BYTES    payload size, stamp included (default ${DEFAULTS.payloadSize})
  --inflight N            unacknowledged QoS 1/2 messages per publisher (default ${DEFAULTS.inflight};
                          MQTT 5: at most the broker's Receive Maximum)

Run:
  --duration D            how long publishers publish, or connections are held without
                          publishers: 30s, 5m, 1h (default 60s)
  --drain-timeout D       after publishing, the longest wait for messages in flight (default 10s);
                          the drain ends sooner when every expected copy arrived, or nothing
                          arrived for --drain-quiet (default 1s) with nothing in flight
  --overlap MODEL         how the broker counts copies for one client's overlapping subscriptions:
                          auto (default: measured by a probe client when a subscriber holds two or
                          more filters), per-subscription (mosquitto with MQTT 5), per-filter
                          (EMQX 4.4: the first subscription of a filter counts, $share/g/f is f),
                          per-client (aedes, the reference broker), per-client-all (mosquitto, 3.1.1)
  --workers N             worker processes (default: one per core; with the broker on the same
                          machine leave it a core, e.g. --workers 1 on 2 cores)
  --shard I/N             Kubernetes Indexed Jobs: this pod is shard I of N (client indexes
                          I*clients … (I+1)*clients-1); auto/N takes I from JOB_COMPLETION_INDEX.
                          Each shard accounts delivery between its own publishers and subscribers.
  --run-id ID             run id (default: a new one); give every shard the same   [EMQX_HARNESS_RUN_ID]
  --rest-source PREFIX    count messages of this run from sources with PREFIX (k6: k6-) as REST→MQTT
  --reports DIR           where reports/<run-id>/load.json goes (default ./reports)
  --print-report          print the report as one JSON line on stdout instead of writing the file
  --quiet                 no progress on stderr (otherwise every second on a terminal, every 5 s else)
  -h, --help

Ctrl-C (or SIGTERM) stops the swarm: publishers stop, every client sends DISCONNECT and a
partial report is written, marked interrupted; a second Ctrl-C exits at once.

Exit codes: 0 the run completed · 1 the broker broke a delivery guarantee (QoS 1/2 messages lost,
QoS 2 duplicated) · 2 usage, configuration or connectivity error · 130 interrupted.`;

function num(raw: string | undefined, flag: string): number | undefined {
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v)) throw new UsageError(`${flag} must be a number, got "${raw}"`);
  return v;
}

const bool = (v: string | undefined): boolean | undefined => (v === undefined ? undefined : /^(1|true|yes)$/i.test(v));

/** The options from argv and env (exported for the tests); `undefined` when --help was asked. */
export function optionsFromArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): { input: SwarmInput; reports: string; printReport: boolean; quiet: boolean } | undefined {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h' },
        'mqtt-url': { type: 'string' },
        'ca-file': { type: 'string' },
        insecure: { type: 'boolean' },
        protocol: { type: 'string' },
        clients: { type: 'string' },
        'connect-rate': { type: 'string' },
        'max-connecting': { type: 'string' },
        'client-id': { type: 'string' },
        username: { type: 'string' },
        persistent: { type: 'boolean' },
        'keep-sessions': { type: 'boolean' },
        'session-expiry': { type: 'string' },
        keepalive: { type: 'string' },
        'connect-timeout': { type: 'string' },
        subscribers: { type: 'string' },
        'sub-topic': { type: 'string', multiple: true },
        'sub-qos': { type: 'string' },
        publishers: { type: 'string' },
        'pub-topic': { type: 'string' },
        qos: { type: 'string' },
        'pub-rate': { type: 'string' },
        'pub-rate-total': { type: 'string' },
        messages: { type: 'string' },
        'payload-size': { type: 'string' },
        inflight: { type: 'string' },
        duration: { type: 'string' },
        'drain-timeout': { type: 'string' },
        'drain-quiet': { type: 'string' },
        overlap: { type: 'string' },
        workers: { type: 'string' },
        shard: { type: 'string' },
        'run-id': { type: 'string' },
        'rest-source': { type: 'string' },
        reports: { type: 'string' },
        'print-report': { type: 'boolean' },
        quiet: { type: 'boolean' },
      },
    });
  } catch (e) {
    throw new UsageError(`${(e as Error).message.split('\n')[0]} (see emqx-harness swarm --help)`);
  }
  const v = parsed.values;
  if (v.help) return undefined;
  if (v['pub-rate'] !== undefined && v['pub-rate-total'] !== undefined) throw new UsageError('give --pub-rate (per publisher) or --pub-rate-total, not both');
  const protocol = v.protocol === undefined ? undefined : v.protocol === '4' || v.protocol === '3.1.1' ? 4 : v.protocol === '5' ? 5 : undefined;
  if (v.protocol !== undefined && protocol === undefined) throw new UsageError(`--protocol must be 4 (MQTT 3.1.1) or 5, got "${v.protocol}"`);
  const subQos = v['sub-qos'] === undefined ? undefined : parseQosList(v['sub-qos'], '--sub-qos');
  if (subQos && subQos.length !== 1) throw new UsageError('--sub-qos takes one QoS');
  const publishers = num(v.publishers, '--publishers');
  const total = num(v['pub-rate-total'], '--pub-rate-total');
  const runId = v['run-id'] ?? (env.EMQX_HARNESS_RUN_ID || undefined) ?? newRunId('swarm');
  const input: SwarmInput = {
    mqttUrl: v['mqtt-url'] ?? (env.EMQX_MQTT_URL || undefined) ?? 'mqtt://127.0.0.1:1883',
    runId,
    username: env.EMQX_MQTT_USERNAME || undefined,
    password: env.EMQX_MQTT_PASSWORD || undefined,
    caFile: v['ca-file'] ?? (env.EMQX_TLS_CA || undefined),
    insecure: v.insecure ?? bool(env.EMQX_TLS_INSECURE) ?? false,
    ...(protocol ? { protocol: protocol as 4 | 5 } : {}),
    clients: num(v.clients, '--clients'),
    connectRate: num(v['connect-rate'], '--connect-rate'),
    maxConnecting: num(v['max-connecting'], '--max-connecting'),
    clientIdPattern: v['client-id'],
    usernamePattern: v.username,
    clean: v.persistent ? false : undefined,
    keepSessions: v['keep-sessions'],
    sessionExpiry: num(v['session-expiry'], '--session-expiry'),
    keepalive: num(v.keepalive, '--keepalive'),
    connectTimeoutMs: v['connect-timeout'] === undefined ? undefined : parseDuration(v['connect-timeout'], '--connect-timeout'),
    subscribers: num(v.subscribers, '--subscribers'),
    subTopics: v['sub-topic'],
    subQos: subQos?.[0],
    publishers,
    pubTopic: v['pub-topic'],
    qos: v.qos === undefined ? undefined : parseQosList(v.qos),
    pubRate: total !== undefined ? (total === 0 ? 0 : perPublisherRate(total, publishers ?? 0)) : num(v['pub-rate'], '--pub-rate'),
    messages: num(v.messages, '--messages'),
    payloadSize: num(v['payload-size'], '--payload-size'),
    inflight: num(v.inflight, '--inflight'),
    durationMs: v.duration === undefined ? undefined : parseDuration(v.duration, '--duration'),
    drainTimeoutMs: v['drain-timeout'] === undefined ? undefined : parseDuration(v['drain-timeout'], '--drain-timeout'),
    drainQuietMs: v['drain-quiet'] === undefined ? undefined : parseDuration(v['drain-quiet'], '--drain-quiet'),
    overlap: v.overlap as SwarmOptions['overlap'] | undefined,
    workers: num(v.workers, '--workers'),
    shard: v.shard === undefined ? undefined : parseShard(v.shard, env),
    restSource: v['rest-source'],
  };
  if (total !== undefined && (publishers ?? 0) === 0) throw new UsageError('--pub-rate-total needs --publishers');
  // drop the unset ones: the defaults live in options.ts
  for (const k of Object.keys(input) as (keyof SwarmInput)[]) if (input[k] === undefined) delete input[k];
  return { input, reports: resolve(v.reports ?? join(ROOT, 'reports')), printReport: v['print-report'] ?? false, quiet: v.quiet ?? false };
}

/** The load report of a swarm run (load.json). */
export function loadReport(r: SwarmResult): LoadReport {
  return {
    run: {
      id: r.runId,
      kind: 'load',
      target: r.target,
      profile: 'swarm',
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
      ...(r.interrupted ? { interrupted: r.interrupted } : {}),
      harnessVersion: HARNESS_VERSION,
      shards: 1,
      ...(r.notes.length ? { notes: r.notes } : {}),
    },
    swarm: r.swarm,
    ...(r.restToMqtt ? { restToMqtt: r.restToMqtt } : {}),
  };
}

/** reports/<run-id>/: load.json, load.html and junit.xml, through the one report writer (the MQTT password redacted). */
export function writeLoadJson(root: string, report: LoadReport): string {
  const secrets = [process.env.EMQX_MQTT_PASSWORD].filter((s): s is string => !!s);
  const { dir } = writeLoadReport(root, report, { secrets });
  return join(dir, 'load.html');
}

const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');
const lat = (h: LatencyHistogram | undefined): string => (h && h.count ? `p50 ${h.p50} ms · p99 ${h.p99} ms · max ${h.max} ms` : 'no samples');

export function summary(r: SwarmResult, where: string): string {
  const s = r.swarm;
  const lines = [`swarm ${r.runId} → ${r.target}${r.interrupted ? `  (INTERRUPTED: ${r.interrupted.reason})` : ''}`];
  const fails = Object.entries(s.clients.failuresByReason).map(([k, n]) => `${k}: ${fmt(n)}`);
  lines.push(`  clients     ${fmt(s.clients.connected)}/${fmt(s.clients.target)} connected, ${fmt(s.clients.failed)} failed${r.connectPhaseS ? ` in ${r.connectPhaseS.toFixed(2)} s` : ''} · connect ${lat(s.connectLatency)}`);
  if (fails.length) lines.push(`  errors      ${fails.join(' · ')}`);
  if (s.subscribeLatency) lines.push(`  subscribe   ${lat(s.subscribeLatency)}`);
  for (const [q, d] of Object.entries(s.delivery)) {
    lines.push(`  QoS ${q}       published ${fmt(d.published)} · expected ${fmt(d.expected)} · received ${fmt(d.received)} · lost ${fmt(d.lost)} · duplicated ${fmt(d.duplicated)} · e2e ${lat(s.e2eLatency[q])}`);
  }
  if (r.publishPhase) lines.push(`  throughput  sent ${fmt(r.publishPhase.sentPerS)} msg/s for ${r.publishPhase.seconds.toFixed(1)} s · received ${fmt(r.publishPhase.receivedPerS)} copies/s`);
  if (r.restToMqtt) lines.push(`  REST→MQTT   delivered ${fmt(r.restToMqtt.delivered)} · duplicated ${fmt(r.restToMqtt.duplicated)} · ${lat(r.restToMqtt.latency)}`);
  if (s.cpu) lines.push(`  cpu         user ${(s.cpu.userMs / 1000).toFixed(1)} s · system ${(s.cpu.systemMs / 1000).toFixed(1)} s (${s.cpu.cores} cores)`);
  lines.push(`  overlap     ${r.overlap}${r.foreign ? ` · ${fmt(r.foreign)} copies from publishers of other shards` : ''} · disconnected ${fmt(r.disconnect.clean)} cleanly${r.disconnect.forced ? `, ${fmt(r.disconnect.forced)} dropped` : ''}${r.disconnect.sessionsCleared ? ` · ${fmt(r.disconnect.sessionsCleared)} persistent sessions ended` : ''}`);
  lines.push(`  report      ${where}`);
  return `${lines.join('\n')}\n`;
}

/** QoS 1/2 lost or QoS 2 duplicated: the broker broke a delivery guarantee. */
export function guaranteeBroken(r: SwarmResult): boolean {
  const d = r.swarm.delivery;
  return (d['1']?.lost ?? 0) > 0 || (d['2']?.lost ?? 0) > 0 || (d['2']?.duplicated ?? 0) > 0;
}

export async function runSwarm(argv: string[]): Promise<number> {
  const parsed = optionsFromArgs(argv);
  if (!parsed) {
    console.log(HELP);
    return 0;
  }
  const printer = progressPrinter({ quiet: parsed.quiet, tty: process.stderr.isTTY === true, write: (s) => process.stderr.write(s) });
  const swarm = startSwarm(parsed.input, printer);
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals): void => {
    signals++;
    if (signals > 1) {
      printer.end();
      process.stderr.write('swarm: forced exit; connections dropped without DISCONNECT\n');
      swarm.kill();
      process.exit(130);
    }
    printer.end();
    process.stderr.write(`swarm: ${sig === 'SIGINT' ? 'Ctrl-C' : sig}: stopping, disconnecting every client and writing a partial report… (again to force)\n`);
    void swarm.stop(`interrupted by ${sig === 'SIGINT' ? 'Ctrl-C' : sig}`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let result: SwarmResult;
  try {
    result = await swarm.done;
  } finally {
    printer.end();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const report = loadReport(result);
  if (parsed.printReport) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    process.stderr.write(summary(result, 'printed on stdout'));
  } else {
    const file = writeLoadJson(parsed.reports, report);
    process.stdout.write(summary(result, file));
  }
  if (result.interrupted) return 130;
  return guaranteeBroken(result) ? 1 : 0;
}

// `npx tsx scripts/swarm.ts …` works on its own too (the same one-line errors as the CLI)
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  runSwarm(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      if (e instanceof UsageError || (e as Error)?.name === 'TargetError') {
        console.error(`emqx-harness: ${(e as Error).message}`);
        process.exit(2);
      }
      console.error(e);
      process.exit(70);
    },
  );
}
