// What a distributed run looks like before it becomes manifests: the k6 side (k6-operator
// TestRun, N runners) and the MQTT swarm (an Indexed Job, M pods of K clients each). Every
// rule about sizes, names, durations and shards lives here, checked once, so the manifest
// builders (manifests.ts) only assemble objects. Errors are UsageError with one line.
import { UsageError } from '../../src/errors.ts';
import { parseDurationS as parseDuration } from '../../src/cli-args.ts';

export { parseDuration };
import { type LoadOptions, PROFILES, SCENARIOS, k6Options, optionsProblem, resolveOptions } from '../lib/options.ts';

export { PROFILES as LOAD_PROFILES, SCENARIOS };
export type LoadProfileName = (typeof PROFILES)[number];
export type ScenarioName = (typeof SCENARIOS)[number];

/**
 * The swarm outlasts the k6 run by this much unless --swarm-duration says otherwise: the operator starts
 * its runners after an initializer pod, later than the Job starts the swarm, and subscribers
 * should be there for every message k6 publishes.
 */
export const SWARM_MARGIN_S = 120;

export const DEFAULT_SWARM_IMAGE = 'ghcr.io/OWNER/emqx-api-harness:latest';
/** The k6 release development and CI use (docs/architecture.md); the operator's own default is `latest`. */
export const DEFAULT_K6_IMAGE = 'grafana/k6:1.3.0';
export const DEFAULT_SECRET = 'emqx-harness';
/** The keys the Secret holds; the CLI never sees their values. */
export const SECRET_KEYS = { appSecret: 'app-secret', mqttPassword: 'mqtt-password' } as const;

/** The swarm flags this command sets itself; --swarm-args may not repeat them. */
const OWNED_SWARM_FLAGS: Record<string, string> = {
  '--clients': 'use --clients-per-pod',
  '--shard': 'every pod gets --shard auto/<pods>',
  '--print-report': 'every pod gets it',
  '--duration': 'use --swarm-duration (it also bounds the Job)',
  '--mqtt-url': 'use --mqtt-url (or EMQX_MQTT_URL)',
  '--profile': 'use --profile',
  '--run-id': 'every pod gets the run id of --run-id, which k6 stamps too',
};
/** A flag that looks like it carries a credential: those come from the Secret only. */
const SECRET_FLAG = /pass(word)?|secret|token|api[-_]?key|credential/i;
/** Options names in HX_OPTIONS that look like credentials. */
const SECRET_KEY = /pass(word)?|secret|token|api[-_]?key|credential/i;
/** HX_OPTIONS keys this command sets from its own flags (HX_RUN_ID, HX_PROFILE, durationS). */
const OWNED_OPTIONS: Record<string, string> = { scenario: '--scenario', profile: '--profile', runId: '--run-id', durationS: '--duration' };

export interface ResourceSpec {
  cpu: string;
  memory: string;
}

/** Everything the manifests need, validated. No secret value is ever part of it. */
export interface K8sPlan {
  scenario: ScenarioName;
  /** the scenario's TypeScript entry file (bundled into the ConfigMap) */
  scenarioFile: string;
  profile: LoadProfileName;
  runId: string;
  /** DNS-1123 prefix of every object's name: `hx-<run id, lower case>` */
  namePrefix: string;
  /** undefined: no namespace in the manifests (kubectl's current one, or `-n`) */
  namespace?: string;
  k6: {
    parallelism: number;
    image: string;
    separate: boolean;
    cleanup: boolean;
    resources: ResourceSpec;
    /** HX_OPTIONS: the scenario's options, the same for every runner (the operator splits the rate) */
    options: Partial<LoadOptions>;
    /** how long the k6 scenario runs, as it will compute it (load/lib/options.ts) */
    durationS: number;
  };
  swarm: {
    pods: number;
    clientsPerPod: number;
    image: string;
    resources: ResourceSpec;
    /** passed through to `emqx-harness swarm`, verbatim */
    args: string[];
    /** the swarm's --duration, whole seconds, e.g. `660s` */
    duration: string;
    durationS: number;
    /** the Job's activeDeadlineSeconds: a safety net, the swarm stops itself at `duration` */
    deadlineS: number;
  };
  apiUrl: string;
  appId: string;
  mqttUrl: string;
  mqttUsername?: string;
  /** name of the Secret holding `app-secret` and `mqtt-password` */
  secretName: string;
}

export interface PlanInput {
  scenario?: string;
  scenarioFile?: string;
  profile?: string;
  parallelism?: string;
  swarmPods?: string;
  clientsPerPod?: string;
  duration?: string;
  swarmDuration?: string;
  k6Options?: string;
  swarmArgs?: string;
  namespace?: string;
  image?: string;
  k6Image?: string;
  apiUrl?: string;
  appId?: string;
  mqttUrl?: string;
  mqttUsername?: string;
  secret?: string;
  runId?: string;
  separate?: boolean;
  cleanup?: boolean;
  k6Cpu?: string;
  k6Memory?: string;
  swarmCpu?: string;
  swarmMemory?: string;
}

/** Check every input and derive names, durations and the deadline. `defaultRunId` is used when none is given. */
export function planK8sRun(input: PlanInput, defaultScenarioFile: (s: ScenarioName) => string, defaultRunId: (profile: LoadProfileName) => string): K8sPlan {
  const scenario = oneOf('--scenario', input.scenario, SCENARIOS);
  const profile = oneOf('--profile', input.profile, PROFILES);
  const parallelism = positiveInt('--parallelism', input.parallelism, 1000);
  const pods = positiveInt('--swarm-pods', input.swarmPods, 10_000);
  const clientsPerPod = positiveInt('--clients-per-pod', input.clientsPerPod, 1_000_000);

  const runId = input.runId ?? defaultRunId(profile);
  // a label value, a client-id part, and (lower-cased) part of DNS-1123 names up to 63 characters
  if (!/^[A-Za-z0-9]([-A-Za-z0-9]{0,38}[A-Za-z0-9])?$/.test(runId)) {
    throw new UsageError(`--run-id must be 1 to 40 letters, digits and inner dashes, got "${runId}"`);
  }
  const namePrefix = `hx-${runId.toLowerCase()}`;
  if (input.namespace !== undefined && !isDnsLabel(input.namespace)) throw new UsageError(`--namespace must be a DNS-1123 label (lower case, digits, dashes), got "${input.namespace}"`);
  const secretName = input.secret ?? DEFAULT_SECRET;
  if (!isDnsSubdomain(secretName)) throw new UsageError(`--secret must be a Kubernetes object name (lower case, digits, dashes, dots), got "${secretName}"`);

  const apiUrl = clusterUrl('--api-url', 'EMQX_API_URL', input.apiUrl, ['http:', 'https:']).replace(/\/+$/, '');
  const mqttUrl = clusterUrl('--mqtt-url', 'EMQX_MQTT_URL', input.mqttUrl, ['mqtt:', 'mqtts:', 'ws:', 'wss:', 'tcp:', 'ssl:']);
  const appId = input.appId ?? 'admin';
  if (!appId || /\s/.test(appId)) throw new UsageError(`--app-id must be a non-empty word, got "${appId}"`);

  const givenS = input.duration !== undefined ? seconds('--duration', input.duration) : undefined;
  if (givenS !== undefined && profile === 'capacity') throw new UsageError('--duration does not apply to the capacity profile: its length is its steps × step duration (--k6-options \'{"capacity":{…}}\')');
  const options = parseK6Options(input.k6Options);
  if (givenS !== undefined) options.durationS = givenS;
  // what every runner will compute from HX_OPTIONS, checked here rather than in N pods
  const resolved = resolveOptions({ ...options, scenario, profile, runId });
  const unknown = Object.keys(options).filter((k) => !(k in resolved));
  if (unknown.length) throw new UsageError(`--k6-options: unknown option(s) ${unknown.join(', ')} (known: ${Object.keys(resolved).filter((k) => !(k in OWNED_OPTIONS)).join(', ')})`);
  const problem = optionsProblem(resolved);
  if (problem) throw new UsageError(`--k6-options: ${problem}`);
  // the operator refuses a TestRun with more runners than the script has VUs (k6 inspect's
  // maxVUs); known for our own scenarios only, not for a --scenario-file of the user's
  const maxVUs = scenarioMaxVUs(k6Options(resolved));
  if (input.scenarioFile === undefined && parallelism > maxVUs) throw new UsageError(`--parallelism ${parallelism} is more than the scenario's ${maxVUs} VUs at most, which the k6-operator refuses: lower it or raise maxVUs in --k6-options`);
  const durationS = input.swarmDuration !== undefined ? seconds('--swarm-duration', input.swarmDuration) : resolved.durationS + SWARM_MARGIN_S;
  const duration = `${durationS}s`;

  const swarmArgs = parseSwarmArgs(input.swarmArgs ?? '');
  const connectRate = flagValue(swarmArgs, '--connect-rate');
  let rate: number | undefined;
  if (connectRate !== undefined) {
    rate = Number(connectRate);
    if (!(rate >= 0)) throw new UsageError(`--connect-rate in --swarm-args must be a number of connections per second, got "${connectRate}"`);
    // 0: as fast as the swarm can, so the ramp is short
    if (rate === 0) rate = undefined;
  }

  const image = input.image ?? DEFAULT_SWARM_IMAGE;
  const k6Image = input.k6Image ?? DEFAULT_K6_IMAGE;
  for (const [flag, img] of [['--image', image], ['--k6-image', k6Image]] as const) {
    if (!/^[a-zA-Z0-9][a-zA-Z0-9._\-/:@]*$/.test(img)) throw new UsageError(`${flag} must be an image reference such as registry/name:tag, got "${img}"`);
  }

  return {
    scenario,
    scenarioFile: input.scenarioFile ?? defaultScenarioFile(scenario),
    profile,
    runId,
    namePrefix,
    ...(input.namespace !== undefined ? { namespace: input.namespace } : {}),
    k6: {
      parallelism,
      image: k6Image,
      separate: input.separate ?? false,
      cleanup: input.cleanup ?? false,
      resources: { cpu: quantity('--k6-cpu', input.k6Cpu ?? '1'), memory: quantity('--k6-memory', input.k6Memory ?? '1Gi') },
      options,
      durationS: resolved.durationS,
    },
    swarm: {
      pods,
      clientsPerPod,
      image,
      resources: {
        cpu: quantity('--swarm-cpu', input.swarmCpu ?? '1'),
        memory: quantity('--swarm-memory', input.swarmMemory ?? defaultSwarmMemory(clientsPerPod)),
      },
      args: swarmArgs,
      duration,
      durationS,
      deadlineS: jobDeadlineS(durationS, clientsPerPod, rate),
    },
    apiUrl,
    appId,
    mqttUrl,
    ...(input.mqttUsername ? { mqttUsername: input.mqttUsername } : {}),
    secretName,
  };
}

/** The VUs a k6 `options` object can use at once: its scenarios all start at 0 and run together. */
export function scenarioMaxVUs(options: Record<string, unknown>): number {
  const scenarios = Object.values((options.scenarios ?? {}) as Record<string, { maxVUs?: number; vus?: number }>);
  return scenarios.reduce((sum, s) => sum + (s.maxVUs ?? s.vus ?? 1), 0);
}

/** Pod I of an Indexed Job takes client indexes [I*K, (I+1)*K): disjoint, and together 0 … M*K-1. */
export function shardRange(index: number, clientsPerPod: number): { from: number; to: number } {
  return { from: index * clientsPerPod, to: (index + 1) * clientsPerPod };
}

/**
 * activeDeadlineSeconds of the swarm Job. It counts from the Job's start, so it has to cover
 * scheduling and image pulls, the connect ramp (K clients at the connect rate, 100/s when not
 * given), the run itself and writing the report: duration + ramp + 10 % + 5 minutes. The swarm
 * stops by itself at its duration; the deadline only stops a pod that hangs.
 */
export function jobDeadlineS(durationS: number, clientsPerPod: number, connectRate?: number): number {
  const rampS = Math.ceil(clientsPerPod / (connectRate ?? 100));
  return Math.ceil(durationS + rampS + durationS * 0.1 + 300);
}

/** Memory per swarm pod when not given: 256 MiB plus 64 KiB per client, rounded up to 128 MiB. */
export function defaultSwarmMemory(clientsPerPod: number): string {
  const mib = 256 + (clientsPerPod * 64) / 1024;
  return `${Math.ceil(mib / 128) * 128}Mi`;
}

/**
 * Split `--swarm-args` like a POSIX shell does words (single and double quotes, backslash
 * escapes; no expansion of any kind), then refuse what this command owns and anything that
 * looks like a credential.
 */
export function parseSwarmArgs(raw: string): string[] {
  const words = splitShellWords(raw);
  for (const w of words) {
    if (!w.startsWith('-')) continue;
    const name = w.split('=')[0]!;
    if (SECRET_FLAG.test(name)) {
      throw new UsageError(`--swarm-args may not carry credentials (${name}): the MQTT password comes from the Secret's mqtt-password key`);
    }
    const owned = OWNED_SWARM_FLAGS[name];
    if (owned) throw new UsageError(`--swarm-args may not set ${name}: ${owned}`);
  }
  return words;
}

export function splitShellWords(raw: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else cur += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < raw.length && '"\\$`'.includes(raw[i + 1]!)) cur += raw[++i];
      else cur += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\') {
      if (i + 1 >= raw.length) throw new UsageError('--swarm-args ends with a lone backslash');
      cur += raw[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote) throw new UsageError(`--swarm-args has an unclosed ${quote === '"' ? 'double' : 'single'} quote`);
  if (inWord) words.push(cur);
  return words;
}

/** The value of `--flag V` or `--flag=V` in an argument list. */
export function flagValue(args: string[], flag: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === flag) return args[i + 1];
    if (a.startsWith(`${flag}=`)) return a.slice(flag.length + 1);
  }
  return undefined;
}

function parseK6Options(raw: string | undefined): Partial<LoadOptions> {
  if (raw === undefined) return {};
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw new UsageError(`--k6-options must be a JSON object such as '{"rate":50,"batchSize":100}', got ${JSON.stringify(raw.slice(0, 60))}`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new UsageError('--k6-options must be a JSON object');
  for (const k of Object.keys(v)) {
    if (SECRET_KEY.test(k)) throw new UsageError(`--k6-options may not carry credentials ("${k}"): the app secret comes from the Secret's app-secret key`);
    const owner = OWNED_OPTIONS[k];
    if (owner) throw new UsageError(`--k6-options may not set ${k}: use ${owner}`);
  }
  return { ...(v as Partial<LoadOptions>) };
}

/** A duration flag in whole seconds (rounded up), bounded to a week: every load loop stops by itself. */
function seconds(flag: string, v: string): number {
  const s = parseDuration(v);
  if (s === undefined || s <= 0) throw new UsageError(`${flag} must be a duration such as 90s, 10m or 1h30m, got "${v}"`);
  if (s > 7 * 24 * 3600) throw new UsageError(`${flag} is at most 7 days (every load loop is bounded), got "${v}"`);
  return Math.ceil(s);
}

function oneOf<T extends string>(flag: string, v: string | undefined, allowed: readonly T[]): T {
  if (v === undefined) throw new UsageError(`${flag} is required (${allowed.join(' | ')})`);
  if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, got "${v}"`);
  return v as T;
}

function positiveInt(flag: string, v: string | undefined, max: number): number {
  if (v === undefined) throw new UsageError(`${flag} is required (a whole number from 1 to ${max})`);
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < 1 || n > max) throw new UsageError(`${flag} must be a whole number from 1 to ${max}, got "${v}"`);
  return n;
}

/** A URL the pods use to reach the broker: well formed, of the right scheme, no credentials, not loopback. */
function clusterUrl(flag: string, env: string, v: string | undefined, schemes: string[]): string {
  if (!v) throw new UsageError(`${flag} (or ${env}) is required: the broker's address as the pods in the cluster see it`);
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new UsageError(`${flag} is not a URL: "${v}"`);
  }
  if (!schemes.includes(url.protocol)) throw new UsageError(`${flag} must be ${schemes.map((s) => `${s}//`).join(', ')}; got ${url.protocol}//`);
  if (url.username || url.password) throw new UsageError(`${flag} may not carry credentials: they come from the Secret`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || /^127\./.test(host) || host === '::1' || host === '0.0.0.0') {
    throw new UsageError(`${flag} points at ${url.hostname}, which inside a pod is the pod itself; give the broker's in-cluster address, e.g. emqx.emqx.svc`);
  }
  return v;
}

/** A Kubernetes quantity: 500m, 1, 2.5, 512Mi, 1Gi, 1G. */
function quantity(flag: string, v: string): string {
  if (!/^(\d+(\.\d+)?|\.\d+)([KMGTPE]i|[numkMGTPE])?$/.test(v) || Number.parseFloat(v) <= 0) {
    throw new UsageError(`${flag} must be a Kubernetes quantity such as 500m, 2, 512Mi or 2Gi, got "${v}"`);
  }
  return v;
}

export function isDnsLabel(s: string): boolean {
  return s.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s);
}

export function isDnsSubdomain(s: string): boolean {
  return s.length <= 253 && s.split('.').every((p) => /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(p));
}
