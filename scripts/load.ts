// `emqx-harness load`: resolve the target (or start the reference broker and fill it), run one
// k6 scenario with a profile, and turn k6's output into reports/<run-id>/load.json and its views.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { type LoadOptions, type LoadProfile, PROFILES, SCENARIOS, type ScenarioName, optionsProblem, profileDefaults, resolveOptions } from '../load/lib/options.ts';
import { endpoints } from '../load/generated/contract.js';
import { UsageError } from '../src/errors.ts';
import { durationFlag as seconds, numberFlag as num, parseCommandArgs } from '../src/cli-args.ts';
import { K6_INSTALL_HINT, findK6, k6Env } from '../src/load/k6-binary.ts';
import { K6_SAMPLES_FILE, k6PartFrom } from '../src/load/k6-results.ts';
import { fillBroker } from '../src/load/fill.ts';
import type { K6Part, LoadReport } from '../src/load/model.ts';
import { expectsHasnext } from '../src/pagination.ts';
import { PreflightFailed, preflight } from '../src/preflight.ts';
import { newRunId, newRunPrefix } from '../src/run-config.ts';
import { REPO_ROOT } from '../src/schema-registry.ts';
import { type Target, describeTarget, resolveTarget, secretsOf, targetInputFromEnv } from '../src/target.ts';
import { writeLoad } from '../src/load/output.ts';
import { type CpuTime, watchCpu } from '../src/load/proc-cpu.ts';
import { type ChildOutcome, runInterruptibly } from '../src/interruptible-child.ts';
import { loadFailures } from '../src/load/report/facts.ts';
import { type LoadedGate, assertGateTarget, loadGateFile, loadGateLines, loadGateResult, withGateThresholds } from '../src/gate/index.ts';
import { type Qos, type RunningSwarm, type SwarmResult, startSwarm, withRestSent } from '../load/swarm/index.ts';

const HARNESS_VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

const HELP = `emqx-harness load — k6 load on the EMQX management API (publish_batch, paginated listings, a release gate)

Usage: emqx-harness load [--scenario NAME] [--profile NAME] [options]

With no target given, starts the embedded reference broker on free loopback ports and fills
it with MQTT clients and subscriptions so the listings have pages to walk.

Scenario and profile:
  --scenario NAME        publish-batch | listings | gate (default gate)
  --profile NAME         smoke (seconds, for CI) | stress | soak | capacity (default smoke)
                         capacity: a stepped arrival-rate ramp that finds the knee, the last rate
                         at which every threshold held, and reports the step table

Overrides of the profile:
  --rate N               iterations per second: batches, listing walks, or the gate's mix
  --duration D           e.g. 30s, 5m, 1h (not for capacity: steps × step duration)
  --batch-size N         messages per publish_batch (default per profile)
  --topic PATTERN        publish topic; {vu} k6 VU, {seq} sequence, {i} index in the batch
  --qos 0|1|2  --payload-size BYTES  --retain  --base64
  --limit N              _limit of the listing walks
  --max-vus N            k6's VU ceiling (dropped iterations mean it was too low or the target too slow)
  --start-rate N --step-rate N --steps N --step-duration D    the capacity ramp
Thresholds (k6 exits 99 when one is breached, this command then exits 1):
  --p95 MS  --p99 MS     latency limits of http_req_duration
  --max-failed R         failed-request rate, 0..1 (default 0.01)
  --max-code-errors R    rate of HTTP 200 answers whose code is not 0 (default 0.01)
  --min-checks R         check pass rate (default 0.99)
  --gate FILE            a gate file (YAML or JSON, docs/gating.md): its load thresholds override the
                         profile's (where a flag sets one too, the stricter holds); its QoS 1 loss and
                         REST→MQTT delivery ratio are checked after the run

Target (flags override the env variables in brackets; as for \`emqx-harness contract\`):
  --target NAME          reference | emqx-v4 | emqx-v3 | emqx-cloud           [EMQX_PROFILE]
  --api-url URL          API base, e.g. http://host:8081/api/v4               [EMQX_API_URL]
  --app-id ID            application id (default admin)                       [EMQX_APP_ID]
                         the secret comes from EMQX_APP_SECRET only, and reaches k6 by its environment
  --mqtt-url URL         MQTT for filling the broker (--fill)                 [EMQX_MQTT_URL]
  --node NAME            node for /nodes/{node}/… lookups (default: from GET /brokers) [EMQX_NODE]
  --api-version V        v3 | v4 (default: from the URL; reference: v4)       [EMQX_API_VERSION]
  --emqx-version X.Y.Z   the release (decides meta.hasnext; default: from GET /brokers) [EMQX_VERSION]
  --insecure             accept any TLS certificate                           [EMQX_TLS_INSECURE]
  --fill N               connect N MQTT clients (2 subscriptions each) for the run (reference: 200)

MQTT swarm beside k6 (emqx-harness swarm, on the same target):
  --with-swarm           run the swarm while k6 runs: its subscribers also take every message k6
                         publishes, so the report shows the REST→MQTT delivery ratio and latency;
                         without k6 the swarm part still runs and the report says k6 was skipped
  --swarm-clients N      clients (default per profile: smoke 50, stress 1000, soak 200, capacity 200)
  --swarm-publishers N   of which publish (default a fifth)
  --swarm-rate N         messages per second per publisher (default 10)
  --swarm-qos LIST       QoS of the publishers, e.g. 0,1,2 (default 0,1,2: one in three each)
  --deviate NAME[:ARG]   reference broker only: break the contract in one named way (e.g. slow:300)
  --emqx-ref-version X   reference broker only: the 4.x release it emulates
  --reports DIR          where runs are written (default ./reports)

k6 comes from K6_BIN or PATH (${K6_INSTALL_HINT.replace(/^install/, 'to install:')}).
Exit codes: 0 thresholds held (capacity: a knee was found) · 1 a threshold was breached (capacity: even
the first step broke) · 2 usage, configuration, connectivity, or k6 missing · 130 interrupted (a partial
report is written).`;

export async function runLoad(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs('load', argv, {
      help: { type: 'boolean', short: 'h' },
      scenario: { type: 'string' },
      profile: { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      'batch-size': { type: 'string' },
      topic: { type: 'string' },
      qos: { type: 'string' },
      'payload-size': { type: 'string' },
      retain: { type: 'boolean' },
      base64: { type: 'boolean' },
      limit: { type: 'string' },
      'max-vus': { type: 'string' },
      'start-rate': { type: 'string' },
      'step-rate': { type: 'string' },
      steps: { type: 'string' },
      'step-duration': { type: 'string' },
      p95: { type: 'string' },
      p99: { type: 'string' },
      'max-failed': { type: 'string' },
      'max-code-errors': { type: 'string' },
      'min-checks': { type: 'string' },
      target: { type: 'string' },
      'api-url': { type: 'string' },
      'app-id': { type: 'string' },
      'mqtt-url': { type: 'string' },
      node: { type: 'string' },
      'emqx-version': { type: 'string' },
      'api-version': { type: 'string' },
      insecure: { type: 'boolean' },
      fill: { type: 'string' },
      'with-swarm': { type: 'boolean' },
      'swarm-clients': { type: 'string' },
      'swarm-publishers': { type: 'string' },
      'swarm-rate': { type: 'string' },
      'swarm-qos': { type: 'string' },
      deviate: { type: 'string', multiple: true },
      'emqx-ref-version': { type: 'string' },
      reports: { type: 'string' },
      gate: { type: 'string' },
  });
  const v = parsed.values;
  if (v.help) {
    console.log(HELP);
    return 0;
  }
  // a bad gate file stops the run before anything starts
  const gate = v.gate ? loadGateFile(v.gate) : undefined;
  const scenario = (v.scenario ?? 'gate') as ScenarioName;
  if (!SCENARIOS.includes(scenario)) throw new UsageError(`unknown scenario "${v.scenario}" (use one of: ${SCENARIOS.join(', ')})`);
  const profile = (v.profile ?? 'smoke') as LoadProfile;
  if (!PROFILES.includes(profile)) throw new UsageError(`unknown profile "${v.profile}" (use one of: ${PROFILES.join(', ')}; the target is chosen with --target)`);
  if (profile === 'capacity' && v.duration) throw new UsageError('--duration does not apply to the capacity profile: its length is --steps × --step-duration');
  const qos = num(v.qos, '--qos');
  const thresholds = Object.fromEntries(
    Object.entries({ p95Ms: num(v.p95, '--p95'), p99Ms: num(v.p99, '--p99'), failedRate: num(v['max-failed'], '--max-failed'), codeErrorRate: num(v['max-code-errors'], '--max-code-errors'), checkRate: num(v['min-checks'], '--min-checks') }).filter(([, x]) => x !== undefined),
  );
  const capacity = Object.fromEntries(
    Object.entries({ startRate: num(v['start-rate'], '--start-rate'), stepRate: num(v['step-rate'], '--step-rate'), steps: num(v.steps, '--steps'), stepDurationS: v['step-duration'] ? seconds(v['step-duration'], '--step-duration') : undefined }).filter(([, x]) => x !== undefined),
  );
  const maxVUs = num(v['max-vus'], '--max-vus');
  const overrides: Partial<LoadOptions> = Object.fromEntries(
    Object.entries({
      rate: num(v.rate, '--rate'),
      durationS: v.duration ? seconds(v.duration, '--duration') : undefined,
      batchSize: num(v['batch-size'], '--batch-size'),
      topic: v.topic,
      qos: qos as 0 | 1 | 2 | undefined,
      payloadSize: num(v['payload-size'], '--payload-size'),
      retain: v.retain,
      base64: v.base64,
      limit: num(v.limit, '--limit'),
      maxVUs,
      // a lower ceiling lowers the ready VUs with it; a higher one keeps the profile's
      preAllocatedVUs: maxVUs !== undefined ? Math.min(maxVUs, profileDefaults(profile).preAllocatedVUs ?? 20) : undefined,
    }).filter(([, x]) => x !== undefined),
  );

  const env = targetInputFromEnv(process.env);
  const targetProfile = v.target ?? env.profile ?? (v['api-url'] ?? env.apiUrl ? 'emqx-v4' : 'reference');
  if ((v.deviate?.length || v['emqx-ref-version']) && targetProfile !== 'reference') throw new UsageError('--deviate and --emqx-ref-version only apply to the reference broker');
  const reportsRoot = resolve(v.reports ?? join(REPO_ROOT, 'reports'));
  const started = new Date();
  const runId = newRunId(`load-${scenario}-${profile}`, started);
  const prefix = newRunPrefix();

  // check the options before starting anything
  const apiVersionFlag = v['api-version'] ?? env.apiVersion;
  if (apiVersionFlag !== undefined && apiVersionFlag !== 'v3' && apiVersionFlag !== 'v4') throw new UsageError(`--api-version must be v3 or v4, got "${apiVersionFlag}"`);
  const apiUrlGiven = v['api-url'] ?? env.apiUrl;
  const guessedVersion = apiVersionFlag ?? (targetProfile === 'emqx-v3' || /\/api\/v3\/?$/.test(apiUrlGiven ?? '') ? 'v3' : 'v4');
  if (gate) assertGateTarget(gate, targetProfile, [targetProfile === 'emqx-cloud' ? 'cloud' : guessedVersion]);
  const probe = resolveOptions({ ...overrides, scenario, profile, runId: prefix, apiVersion: guessedVersion, thresholds: (gate ? withGateThresholds(thresholds, gate.gate) : thresholds) as never, ...(Object.keys(capacity).length ? { capacity: capacity as never } : {}) });
  const problem = optionsProblem(probe);
  if (problem) throw new UsageError(problem);

  const withSwarm = v['with-swarm'] ?? false;
  const swarmSize = swarmSizeFor(profile, { clients: num(v['swarm-clients'], '--swarm-clients'), publishers: num(v['swarm-publishers'], '--swarm-publishers'), rate: num(v['swarm-rate'], '--swarm-rate'), qos: v['swarm-qos'] });
  const k6 = findK6();
  if (!k6) {
    if (!withSwarm) throw new UsageError(`k6 not found: ${K6_INSTALL_HINT}; the k6 part was skipped`);
    console.error(`emqx-harness: k6 not found: ${K6_INSTALL_HINT}; the k6 part was skipped, the swarm runs alone`);
  }

  let reference: { close(): Promise<void> } | undefined;
  let target: Target;
  let fillCount = num(v.fill, '--fill');
  if (targetProfile === 'reference') {
    if (v['api-url'] || env.apiUrl) throw new UsageError('the reference target starts its own broker; drop --api-url / EMQX_API_URL or choose another --target');
    const { startReferenceBroker } = await import('../reference/index.ts');
    const appSecret = `hx-${randomBytes(12).toString('hex')}`;
    let broker;
    try {
      broker = await startReferenceBroker({ httpPort: 0, mqttPort: 0, appSecret, deviations: v.deviate ?? [], ...(v['emqx-ref-version'] ? { emqxVersion: v['emqx-ref-version'] } : {}) });
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    reference = broker;
    const apiVersion = guessedVersion;
    target = { name: apiVersion, profile: 'reference', apiVersion, apiUrl: broker.apiUrl(apiVersion), appId: broker.appId, appSecret: broker.appSecret, mqttUrl: broker.mqttUrl, node: broker.node, emqxVersion: apiVersion === 'v3' ? broker.emqxV3Version : broker.emqxVersion, tls: { insecure: false }, allowMutations: true, allowDisruptive: true, timeoutMs: 10_000 };
    fillCount ??= 200;
  } else {
    target = resolveTarget({ ...env, profile: targetProfile, apiVersion: apiVersionFlag, apiUrl: v['api-url'] ?? env.apiUrl, appId: v['app-id'] ?? env.appId, mqttUrl: v['mqtt-url'] ?? env.mqttUrl, node: v.node ?? env.node, emqxVersion: v['emqx-version'] ?? env.emqxVersion, insecure: v.insecure ?? env.insecure });
  }
  try {
    if (withSwarm && !target.mqttUrl) throw new UsageError('--with-swarm needs the MQTT URL: set EMQX_MQTT_URL or --mqtt-url');
    const pf = await preflight(target, { mqtt: !!fillCount || withSwarm });
    for (const note of pf.notes) console.log(`note: ${note}`);
    target = pf.target;
    console.log(`target ${describeTarget(target)}${target.node ? `, node ${target.node}` : ''}`);
    const o = resolveOptions({ ...probe, runId: prefix, apiVersion: target.apiVersion, node: target.node, listings: undefined, hasnext: {} });
    o.hasnext = Object.fromEntries(o.listings.map((id) => [id, expectsHasnext(target.apiVersion, endpoints[id as keyof typeof endpoints].hasnext, target.emqxVersion)]));
    const again = optionsProblem(o);
    if (again) throw new UsageError(again);
    return await runParts(o, { k6, target, reportsRoot, runId, started, fillCount: fillCount ?? 0, prefix, swarm: withSwarm ? swarmSize : undefined, gate });
  } finally {
    await reference?.close();
  }
}

interface SwarmSize {
  clients: number;
  publishers: number;
  rate: number;
  qos: Qos[];
}

/** The swarm of a combined run, per profile; flags override. */
function swarmSizeFor(profile: LoadProfile, given: { clients?: number; publishers?: number; rate?: number; qos?: string }): SwarmSize {
  const clients = given.clients ?? { smoke: 50, stress: 1000, soak: 200, capacity: 200 }[profile];
  const qos = (given.qos ?? '0,1,2').split(',').map((q) => Number(q.trim()));
  if (!qos.length || qos.some((q) => q !== 0 && q !== 1 && q !== 2)) throw new UsageError(`--swarm-qos must list QoS levels 0, 1 or 2, e.g. 0,1,2; got "${given.qos}"`);
  const publishers = given.publishers ?? Math.max(1, Math.floor(clients / 5));
  if (!Number.isInteger(clients) || clients < 2) throw new UsageError('--swarm-clients must be a whole number of at least 2 (one subscriber, one publisher)');
  if (!Number.isInteger(publishers) || publishers < 1 || publishers >= clients) throw new UsageError('--swarm-publishers must be at least 1 and fewer than --swarm-clients');
  return { clients, publishers, rate: given.rate ?? 10, qos: qos as Qos[] };
}

interface RunContext {
  k6?: { path: string; version: string };
  swarm?: SwarmSize;
  target: Target;
  reportsRoot: string;
  runId: string;
  started: Date;
  fillCount: number;
  prefix: string;
  gate?: LoadedGate;
}

async function runParts(o: LoadOptions, ctx: RunContext): Promise<number> {
  const { target } = ctx;
  const dir = join(ctx.reportsRoot, ctx.runId);
  mkdirSync(dir, { recursive: true });
  const filled = ctx.fillCount && target.mqttUrl ? await fillBroker(target.mqttUrl, { count: ctx.fillCount, prefix: ctx.prefix, username: target.mqttUsername, password: target.mqttPassword, tls: target.tls }) : undefined;
  if (filled) console.log(`filled the broker with ${filled.clientids.length} MQTT clients (2 subscriptions each)`);
  let k6Exit: number | undefined;
  let interrupted: string | undefined;
  let cpu: CpuTime | undefined;
  let swarm: RunningSwarm | undefined;
  let swarmResult: SwarmResult | undefined;
  try {
    if (ctx.swarm) {
      swarm = await startSwarmBeside(o, ctx);
      console.log(`swarm: ${ctx.swarm.clients} MQTT clients connected and subscribed (${ctx.swarm.publishers} publish ${ctx.swarm.rate}/s each)`);
    }
    if (ctx.k6) {
      const scenarioFile = join(REPO_ROOT, 'load', 'scenarios', `${o.scenario}.ts`);
      const args = ['run', '--out', `csv=${join(dir, K6_SAMPLES_FILE)}`, ...(target.tls.insecure ? ['--insecure-skip-tls-verify'] : []), scenarioFile];
      // the secret travels in k6's environment only: a command line shows in `ps`
      const env = k6Env(process.env, { EMQX_API_URL: target.apiUrl, EMQX_APP_ID: target.appId, EMQX_APP_SECRET: target.appSecret, EMQX_TIMEOUT_MS: String(target.timeoutMs), HX_OPTIONS: JSON.stringify(o), HX_RUN_ID: o.runId, HX_PROFILE: o.profile, HX_SUMMARY_DIR: dir });
      ({ code: k6Exit, interrupted, cpu } = await runK6(ctx.k6.path, args, env));
    } else if (swarm) {
      interrupted = await holdFor(o.durationS * 1000);
    }
    if (swarm) {
      console.log('swarm: draining and disconnecting…');
      swarmResult = await swarm.stop(interrupted);
    }
  } finally {
    if (swarm && !swarmResult) await swarm.stop('the run failed').catch(() => undefined);
    await filled?.close();
  }
  const k6Part: K6Part = ctx.k6
    ? await k6PartFrom(dir, o, { exitCode: k6Exit!, k6Version: ctx.k6.version })
    : { skipped: `k6 is not installed (${K6_INSTALL_HINT})`, scenario: o.scenario, profile: o.profile, thresholds: [], totals: { requests: 0, failedRequests: 0, codeErrors: 0, checksPassed: 0, checksFailed: 0, iterations: 0, droppedIterations: 0 }, timeline: [] };
  if (cpu) k6Part.cpu = { ...cpu, cores: availableParallelism() };
  const restToMqtt = swarmResult?.restToMqtt && ctx.k6 ? withRestSent(swarmResult.restToMqtt, k6Part.totals.messagesAccepted ?? 0) : undefined;
  const report: LoadReport = {
    run: {
      id: ctx.runId,
      kind: 'load',
      target: [target.apiUrl, ...(swarmResult ? [swarmResult.target] : [])].join(' + '),
      ...(target.emqxVersion ? { emqxVersion: target.emqxVersion } : {}),
      scenario: o.scenario,
      profile: o.profile,
      startedAt: ctx.started.toISOString(),
      finishedAt: new Date().toISOString(),
      ...(interrupted ? { interrupted: { reason: interrupted } } : {}),
      harnessVersion: HARNESS_VERSION,
      shards: 1,
      ...(swarmResult?.notes.length ? { notes: swarmResult.notes } : {}),
    },
    k6: k6Part,
    ...(swarmResult ? { swarm: swarmResult.swarm } : {}),
    ...(restToMqtt ? { restToMqtt } : {}),
  };
  // --gate: what fails the run under the gate file, recorded in load.json; it decides the exit code below
  if (ctx.gate) report.gate = loadGateResult(ctx.gate, report, { thresholds: o.thresholds, qos: o.qos });
  const written = writeLoad(ctx.reportsRoot, report, { secrets: secretsOf(target), color: process.stdout.isTTY && !process.env.CI });
  if (report.gate) for (const line of loadGateLines(report.gate)) console.log(line);
  rmSync(join(dir, K6_SAMPLES_FILE), { force: true });
  if (interrupted) return 130;
  if (k6Exit !== undefined && k6Exit !== 0 && k6Exit !== 99) {
    console.error(`emqx-harness: k6 stopped with exit code ${k6Exit}${k6Exit === 107 ? ' (the scenario aborted: see the line above)' : ''}; report in ${written.dir}`);
    return 2;
  }
  if (report.gate) return report.gate.passed ? 0 : 1;
  // QoS 1 and 2 promise delivery: a message k6 had accepted at QoS ≥ 1 that no subscriber got is a failure
  const restLost = restToMqtt && o.qos >= 1 && restToMqtt.delivered < restToMqtt.sent;
  const failed = loadFailures(report).length > 0 || restLost;
  if (o.capacity) return (k6Part.capacity?.kneeRate !== undefined || k6Part.capacity?.neverBroke) && !restLost ? 0 : 1;
  return failed || k6Exit === 99 ? 1 : 0;
}

/** The swarm of a combined run: its subscribers also take k6's topic, so REST-sent messages are counted. */
async function startSwarmBeside(o: LoadOptions, ctx: RunContext): Promise<RunningSwarm> {
  const size = ctx.swarm!;
  const { target } = ctx;
  let ready!: () => void;
  const publishing = new Promise<void>((r) => (ready = r));
  const swarm = startSwarm(
    {
      mqttUrl: target.mqttUrl!,
      runId: o.runId,
      clients: size.clients,
      subscribers: size.clients - size.publishers,
      subTopics: ['hx/{run}/swarm/#', filterOfPattern(o.topic)],
      publishers: size.publishers,
      pubTopic: 'hx/{run}/swarm/{i}',
      pubRate: size.rate,
      qos: size.qos,
      // publishing outlasts k6 by a margin; stop() ends it when k6 is done
      durationMs: (o.durationS + 120) * 1000,
      username: target.mqttUsername,
      password: target.mqttPassword,
      ...(target.tls.caFile ? { caFile: target.tls.caFile } : {}),
      insecure: target.tls.insecure,
      restSource: 'k6-',
    },
    { onPhase: (p) => (p === 'publishing' || p === 'holding') && ready() },
  );
  // k6 starts once every client is connected and subscribed, so its listings see all of them
  await Promise.race([publishing, swarm.done.then(() => undefined)]);
  return swarm;
}

/** The filter that matches every topic the k6 topic pattern can produce. */
function filterOfPattern(pattern: string): string {
  return pattern
    .split('/')
    .map((level) => (/\{(vu|seq|i)\}/.test(level) ? '+' : level))
    .join('/');
}

/** The swarm alone (no k6): hold for the profile's duration, or until Ctrl-C. */
function holdFor(ms: number): Promise<string | undefined> {
  return new Promise((resolveHold) => {
    const done = (reason?: string): void => {
      clearTimeout(timer);
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolveHold(reason);
    };
    const onInt = (): void => done('interrupted by Ctrl-C');
    const onTerm = (): void => done('interrupted by SIGTERM');
    const timer = setTimeout(() => done(), ms);
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
}

/** Runs k6 interruptibly (Ctrl-C: k6 stops and writes its summary), sampling its CPU time. */
async function runK6(path: string, args: string[], env: NodeJS.ProcessEnv): Promise<ChildOutcome & { cpu?: CpuTime }> {
  let cpu: ReturnType<typeof watchCpu> | undefined;
  const outcome = await runInterruptibly(path, args, { env }, 'k6', (child) => {
    cpu = child.pid ? watchCpu(child.pid) : undefined;
  });
  cpu?.stop();
  const used = cpu?.last();
  return { ...outcome, ...(used ? { cpu: used } : {}) };
}

export { PreflightFailed };
