// `emqx-harness contract`: resolve the target (or start the reference broker), preflight
// it, run the Playwright suites, then assemble, gate and write the report.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { TARGET_DOWN_FILE } from '../contracts/fixtures.ts';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { ApiClient } from '../src/api-client.ts';
import type { ApiVersion } from '../src/catalog.ts';
import { TargetError, UsageError } from '../src/errors.ts';
import { runInterruptibly } from '../src/interruptible-child.ts';
import { parseCommandArgs } from '../src/cli-args.ts';
import { type Finding, failsTheRun, failureFinding } from '../src/findings.ts';
import { type LoadedGate, applyGateToFindings, assertGateTarget, contractGateResult, gateToday, loadGateFile } from '../src/gate/index.ts';
import { findLeftovers } from '../src/leftovers.ts';
import { type PresenceMap, decidePresence, notImplementedFindings, obeysPresence } from '../src/presence.ts';
import { PreflightFailed, preflight } from '../src/preflight.ts';
import type { RunReport } from '../src/report/model.ts';
import { terminalSummary } from '../src/report/terminal.ts';
import { writeReport } from '../src/report/write.ts';
import { RUN_CONFIG_ENV, type RunConfig, newRunId, newRunPrefix, writeRunConfig } from '../src/run-config.ts';
import { collectRun, coverageGaps, coverageOf, latencyOf } from '../src/run-report.ts';
import { REPO_ROOT } from '../src/schema-registry.ts';
import { type Target, describeTarget, resolveTarget, secretsOf, targetInputFromEnv } from '../src/target.ts';
import { nodeTransport } from '../src/transport.ts';

const HARNESS_VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

const HELP = `emqx-harness contract — check a target against the documented EMQX management API

Usage: emqx-harness contract [options]

With no target given, starts the embedded reference broker on free loopback ports and
checks both API versions against it (this is what \`npm start\` runs).

Target (flags override the env variables in brackets):
  --profile NAME         reference | emqx-v4 | emqx-v3 | emqx-cloud          [EMQX_PROFILE]
  --api-url URL          API base, e.g. http://host:8081/api/v4, https://x:8443/api [EMQX_API_URL]
  --app-id ID            application id (default admin)                       [EMQX_APP_ID]
                         the secret comes from EMQX_APP_SECRET only (not a flag: shells keep history)
  --mqtt-url URL         MQTT for the semantic checks, e.g. mqtt://host:1883  [EMQX_MQTT_URL]
                         MQTT credentials for every client: env EMQX_MQTT_USERNAME / EMQX_MQTT_PASSWORD
  --no-mqtt              skip the checks that need MQTT clients
  --node NAME            node name for /nodes/{node}/… (default: from GET /brokers) [EMQX_NODE]
  --api-version V        v3 | v4 (default: from the URL)                     [EMQX_API_VERSION]
                         reference: v4, cloud, v3 or all (default: all three: /api/v4 as
                         EMQX 4.4.19 serves it, the Cloud base /api, and /api/v3)
  --emqx-version X.Y.Z   the release to hold the target to (default: from GET /brokers) [EMQX_VERSION]
  --ca-file FILE         CA for HTTPS and MQTTS                               [EMQX_TLS_CA]
  --insecure             accept any TLS certificate                           [EMQX_TLS_INSECURE]
  --timeout-ms N         per-request timeout (default 10000)                  [EMQX_TIMEOUT_MS]

Safety (both on by default only for the reference broker):
  --allow-mutations      create, change and delete objects (all prefixed, all removed after)
  --allow-disruptive     kick clients, publish and (un)subscribe on behalf of clients

Run:
  --strict-fields        fields the documents don't mention fail the run (default: reported apart)
  --strict-docs          known deviations (where the target's release differs from the documents
                         exactly as an erratum records) fail the run (default: reported apart)
  --gate FILE            hold the run to a gate file (YAML or JSON): the check kinds that must pass,
                         strictness, waivers with owners and expiry dates (docs/gating.md)
  --grep PATTERN         run only the checks whose title matches (disables the coverage gate)
  --workers N            parallel workers (default 2)
  --reports DIR          where runs are written (default ./reports)
  --deviate NAME[:ARG]   reference broker only: break the contract in one named way (repeatable)
  --vary NAME            reference broker only: behave in one benign way real brokers do (order,
                         lag-counters, late-subscribe, extra-fields, echo-defaults; repeatable)
  --emqx-v3-version X    reference broker only: the 3.x release its /api/v3 emulates

Exit codes: 0 all checks pass (or not-implemented / skipped by policy; undocumented fields and
known deviations are reported, not failed, unless --strict-fields / --strict-docs) · 1 a check failed ·
2 usage, configuration or connectivity error · 130 interrupted (a partial report is written).`;

interface Options {
  targets: Target[];
  strictFields: boolean;
  strictDocs: boolean;
  reference?: { close(): Promise<void> };
  grep?: string;
  workers: number;
  reportsRoot: string;
  profile: string;
  gate?: LoadedGate;
}

export async function runContract(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs('contract', argv, {
      help: { type: 'boolean', short: 'h' },
      profile: { type: 'string' },
      'api-url': { type: 'string' },
      'app-id': { type: 'string' },
      'mqtt-url': { type: 'string' },
      'no-mqtt': { type: 'boolean' },
      node: { type: 'string' },
      'api-version': { type: 'string' },
      'emqx-version': { type: 'string' },
      'emqx-v3-version': { type: 'string' },
      'ca-file': { type: 'string' },
      insecure: { type: 'boolean' },
      'timeout-ms': { type: 'string' },
      'allow-mutations': { type: 'boolean' },
      'allow-disruptive': { type: 'boolean' },
      grep: { type: 'string' },
      workers: { type: 'string' },
      reports: { type: 'string' },
      deviate: { type: 'string', multiple: true },
      vary: { type: 'string', multiple: true },
      'strict-fields': { type: 'boolean' },
      'strict-docs': { type: 'boolean' },
      gate: { type: 'string' },
  });
  const v = parsed.values;
  if (v.help) {
    console.log(HELP);
    return 0;
  }
  const env = targetInputFromEnv(process.env);
  const profile = v.profile ?? env.profile ?? (v['api-url'] ?? env.apiUrl ? 'emqx-v4' : 'reference');
  const workers = Number(v.workers ?? 2);
  if (!Number.isInteger(workers) || workers < 1 || workers > 16) throw new UsageError('--workers must be a whole number from 1 to 16');
  const timeoutMs = v['timeout-ms'] !== undefined ? Number(v['timeout-ms']) : env.timeoutMs;
  const versions = parseVersions(v['api-version'] ?? env.apiVersion, profile);
  if ((v.deviate?.length || v.vary?.length || v['emqx-v3-version']) && profile !== 'reference') throw new UsageError('--deviate, --vary and --emqx-v3-version only apply to the reference broker');

  const opts: Options = { targets: [], strictFields: v['strict-fields'] ?? false, strictDocs: v['strict-docs'] ?? false, grep: v.grep, workers, reportsRoot: resolve(v.reports ?? join(REPO_ROOT, 'reports')), profile };
  // a bad gate file (or a bad EMQX_HARNESS_TODAY) stops the run before anything starts
  if (v.gate) {
    opts.gate = loadGateFile(v.gate);
    gateToday();
  }
  if (profile === 'reference') {
    if (v['api-url'] || env.apiUrl) throw new UsageError('the reference profile starts its own broker; drop --api-url / EMQX_API_URL or choose another --profile');
    const { startReferenceBroker } = await import('../reference/index.ts');
    const emqxVersion = v['emqx-version'] ?? env.emqxVersion;
    let broker;
    try {
      // a random secret per run: nothing to confuse with ordinary words when reports are redacted
      const appSecret = `hx-${randomBytes(12).toString('hex')}`;
      const emqxV3Version = v['emqx-v3-version'];
      broker = await startReferenceBroker({ httpPort: 0, mqttPort: 0, appSecret, ...(emqxVersion ? { emqxVersion } : {}), ...(emqxV3Version ? { emqxV3Version } : {}), deviations: v.deviate ?? [], variations: v.vary ?? [] });
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    opts.reference = broker;
    opts.targets = versions.map((name) => ({
      name,
      profile: 'reference' as const,
      apiVersion: name === 'v3' ? ('v3' as const) : ('v4' as const),
      apiUrl: name === 'cloud' ? broker.apiUrl('v4').replace(/\/v4$/, '') : broker.apiUrl(name),
      appId: broker.appId,
      appSecret: broker.appSecret,
      mqttUrl: v['no-mqtt'] ? undefined : broker.mqttUrl,
      node: broker.node,
      // each API says its own release in GET /brokers (the 3.x API emulates a 3.x release)
      emqxVersion: undefined,
      tls: { insecure: false },
      allowMutations: true,
      allowDisruptive: true,
      timeoutMs: timeoutMs ?? 10_000,
    }));
  } else {
    const t = resolveTarget({
      ...env,
      profile,
      apiUrl: v['api-url'] ?? env.apiUrl,
      appId: v['app-id'] ?? env.appId,
      mqttUrl: v['no-mqtt'] ? undefined : (v['mqtt-url'] ?? env.mqttUrl),
      node: v.node ?? env.node,
      apiVersion: versions.length === 1 ? (versions[0] as ApiVersion) : undefined,
      emqxVersion: v['emqx-version'] ?? env.emqxVersion,
      caFile: v['ca-file'] ?? env.caFile,
      insecure: v.insecure ?? env.insecure,
      allowMutations: v['allow-mutations'] ?? false,
      allowDisruptive: v['allow-disruptive'] ?? false,
      timeoutMs,
    });
    if (v['no-mqtt']) t.mqttUrl = undefined;
    opts.targets = [t];
  }
  try {
    return await run(opts);
  } finally {
    await opts.reference?.close();
  }
}

/** Which APIs to check: reference targets by name (v4, cloud, v3), others by API version. */
function parseVersions(raw: string | undefined, profile: string): ('v3' | 'v4' | 'cloud')[] {
  if (profile === 'reference') {
    // the Cloud base path serves the Cloud-only endpoints that /api/v4 (as EMQX 4.4.19) lacks,
    // so the main job exercises every catalog endpoint somewhere
    if (raw === undefined || raw === 'all' || raw === 'both') return ['v4', 'cloud', 'v3'];
    if (raw === 'v3' || raw === 'v4' || raw === 'cloud') return [raw];
    throw new UsageError(`--api-version must be v3, v4, cloud or all for the reference broker, got "${raw}"`);
  }
  if (raw === undefined) return [];
  if (raw === 'v3' || raw === 'v4') return [raw];
  throw new UsageError(`--api-version must be v3 or v4, got "${raw}"`);
}

async function run(opts: Options): Promise<number> {
  if (opts.gate) assertGateTarget(opts.gate, opts.profile, opts.targets.map((t) => t.name));
  const started = new Date();
  const runId = newRunId(opts.profile, started);
  const reportDir = join(opts.reportsRoot, runId);
  const secrets = opts.targets.flatMap(secretsOf);

  const targets: Target[] = [];
  for (const t of opts.targets) {
    const pf = await preflight(t);
    for (const note of pf.notes) console.log(`note (${t.apiVersion}): ${note}`);
    targets.push(pf.target);
    console.log(`target ${describeTarget(pf.target)}${pf.target.node ? `, node ${pf.target.node}` : ''}`);
  }
  const prefix = newRunPrefix();
  // whether each endpoint exists is decided here, once per target, and every suite obeys it
  const presence: Record<string, PresenceMap> = {};
  for (const t of targets) {
    presence[t.name] = await decidePresence(new ApiClient(t, nodeTransport(t.tls)), { node: t.node, probeId: `${prefix}-probe` }).catch((e: unknown) => {
      throw e instanceof TargetError ? new PreflightFailed(`cannot reach ${t.apiUrl}: ${e.message}`) : e;
    });
    const absent = Object.values(presence[t.name]!).filter((d) => !d.present).length;
    if (absent) console.log(`note (${t.name}): ${absent} catalog endpoint(s) not implemented on this target; see the report`);
  }
  // only now: a target that fails preflight leaves no empty run behind
  mkdirSync(reportDir, { recursive: true });

  const cfg: RunConfig = { runId, prefix, reportDir, targets, startedAt: started.toISOString(), workers: opts.workers, strictFields: opts.strictFields, strictDocs: opts.strictDocs, presence };
  const cfgFile = writeRunConfig(cfg);
  let interrupted: string | undefined;
  try {
    interrupted = await runPlaywright(cfgFile.path, opts.grep, 'main');
    if (!interrupted && !existsSync(join(reportDir, TARGET_DOWN_FILE))) interrupted = await runPlaywright(cfgFile.path, opts.grep, 'pagination');
  } finally {
    cfgFile.remove();
  }

  const collected = collectRun(reportDir);
  const findings: Finding[] = [...targets.flatMap((t) => notImplementedFindings(presence[t.name]!, t.name)), ...collected.findings.filter((f) => obeysPresence(f, presence[f.target ?? ''] ?? presence[targets[0]!.name]))];
  if (!collected.targetDown) {
    for (const t of targets) {
      const sweep = await findLeftovers(new ApiClient(t, nodeTransport(t.tls)), cfg.prefix, presence[t.name]!).catch((e: unknown) => [
        failureFinding(`${t.apiVersion}.list_brokers`, 'semantics', `the sweep for leftovers could not run: ${(e as Error).message}`),
      ]);
      findings.push(...sweep.map((f) => ({ ...f, target: t.name })));
    }
  }
  const versions = [...new Set(targets.map((t) => t.apiVersion))];
  const coverage = coverageOf(versions, findings);
  const complete = !interrupted && !collected.targetDown && !opts.grep && collected.status !== 'interrupted';
  if (complete) findings.push(...coverageGaps(coverage));
  // --gate: live waivers turn failures into `waived`, and the gate decides the exit code
  const gated = opts.gate ? applyGateToFindings(findings, opts.gate.gate, gateToday(), { strictDocs: opts.strictDocs, strictFields: opts.strictFields }) : undefined;

  const report: RunReport = {
    run: {
      id: runId,
      target: targets.map((t) => t.apiUrl).join(' + '),
      apiVersion: targets.map((t) => t.name).join('+'),
      emqxVersion: [...new Set(targets.map((t) => t.emqxVersion ?? 'unknown'))].join(' + '),
      profile: opts.profile,
      startedAt: started.toISOString(),
      finishedAt: new Date().toISOString(),
      ...(interrupted || collected.targetDown
        ? { interrupted: collected.targetDown ? { reason: `the target stopped answering: ${collected.targetDown.reason}`, lastRequest: collected.targetDown.lastRequest } : { reason: interrupted! } }
        : {}),
      harnessVersion: HARNESS_VERSION,
      policy: { mutations: targets.every((t) => t.allowMutations), disruptive: targets.every((t) => t.allowDisruptive) },
    },
    findings: gated?.findings ?? findings,
    // the coverage before the gate's own findings, which cover nothing
    coverage,
    latency: latencyOf(collected.timings),
    ...(collected.shapes ? { shapes: collected.shapes } : {}),
    ...(gated ? { gate: contractGateResult(opts.gate!, gated) } : {}),
  };
  const written = writeReport(opts.reportsRoot, report, { secrets });
  // the suites' working files are in findings.json now; the run folder keeps only the views
  for (const name of ['findings.jsonl', 'playwright-status.json', TARGET_DOWN_FILE, '.playwright-output-main', '.playwright-output-pagination']) {
    rmSync(join(reportDir, name), { recursive: true, force: true });
  }
  process.stdout.write(terminalSummary(report, written.dir, { color: process.stdout.isTTY && !process.env.CI }));
  if (collected.targetDown) {
    console.error(`emqx-harness: the target stopped answering: ${collected.targetDown.reason} (last request: ${collected.targetDown.lastRequest ?? 'unknown'})`);
    return 2;
  }
  if (interrupted) return 130;
  if (gated) return gated.passed ? 0 : 1;
  return findings.some((f) => failsTheRun(f, { strictFields: opts.strictFields, strictDocs: opts.strictDocs })) ? 1 : 0;
}

/** Runs the suites in a child process; resolves with a reason when the user interrupted. */
async function runPlaywright(configPath: string, grep: string | undefined, phase: 'main' | 'pagination'): Promise<string | undefined> {
  const require = createRequire(import.meta.url);
  const cli = require.resolve('@playwright/test/cli');
  const args = [cli, 'test', '-c', join(REPO_ROOT, 'contracts', 'playwright.config.ts'), ...(grep ? ['--grep', grep] : [])];
  const env = { ...process.env, [RUN_CONFIG_ENV]: configPath, EMQX_HARNESS_PHASE: phase };
  return (await runInterruptibly(process.execPath, args, { cwd: REPO_ROOT, env }, 'the suites')).interrupted;
}

export { PreflightFailed };
