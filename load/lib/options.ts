// Typed options of the k6 scenarios, the profiles (smoke, stress, soak, capacity) and the k6
// `options` object built from them. Pure: k6 imports it (no node:*, nothing from node_modules)
// and the CLI and the tests import it in Node.
import { type RampStep, rampStages, rampSteps } from './ramp.ts';

export const SCENARIOS = ['publish-batch', 'listings', 'gate'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];
export const PROFILES = ['smoke', 'stress', 'soak', 'capacity'] as const;
export type LoadProfile = (typeof PROFILES)[number];

export interface Thresholds {
  /** p95 and p99 of http_req_duration, milliseconds */
  p95Ms: number;
  p99Ms: number;
  /** share of requests that failed (HTTP error or no answer), 0..1 */
  failedRate: number;
  /** share of HTTP 200 answers whose body code was not 0, 0..1 */
  codeErrorRate: number;
  /** share of checks that passed, 0..1 */
  checkRate: number;
}

export interface CapacityRamp {
  /** the first step's arrival rate, per second */
  startRate: number;
  /** added per step */
  stepRate: number;
  steps: number;
  stepDurationS: number;
}

export interface LoadOptions {
  scenario: ScenarioName;
  profile: LoadProfile;
  /** stamped into every message, names the summary; run-unique */
  runId: string;
  apiVersion: 'v3' | 'v4';
  /** node for /nodes/{node}/… lookups; from GET /brokers in setup() when unset */
  node?: string;
  /** iterations started per second: batches (publish-batch), walks (listings), a mix (gate) */
  rate: number;
  durationS: number;
  preAllocatedVUs: number;
  maxVUs: number;
  /** publish_batch */
  batchSize: number;
  /** `{vu}` the k6 VU, `{seq}` the message's sequence per VU, `{i}` its index in the batch */
  topic: string;
  qos: 0 | 1 | 2;
  payloadSize: number;
  retain: boolean;
  base64: boolean;
  /** the `clientid` publish_batch items are sent on behalf of */
  clientid: string;
  /** listings: `_limit` per page, the listings walked (catalog ids), and a bound on pages per walk */
  limit: number;
  listings: string[];
  maxPages: number;
  /** per listing: whether meta carries hasnext on this target (undefined: release unknown, not checked) */
  hasnext: Record<string, boolean | undefined>;
  thresholds: Thresholds;
  capacity?: CapacityRamp;
}

const LISTINGS: Record<'v3' | 'v4', string[]> = {
  v4: ['v4.list_clients', 'v4.list_subscriptions', 'v4.list_routes'],
  v3: ['v3.list_connections', 'v3.list_sessions', 'v3.list_subscriptions', 'v3.list_routes'],
};

export function defaultListings(apiVersion: 'v3' | 'v4'): string[] {
  return [...LISTINGS[apiVersion]];
}

const BASE_THRESHOLDS: Thresholds = { p95Ms: 500, p99Ms: 1000, failedRate: 0.01, codeErrorRate: 0.01, checkRate: 0.99 };

/** What each profile means; flags override any of it. */
export function profileDefaults(profile: LoadProfile): Partial<LoadOptions> {
  switch (profile) {
    case 'smoke':
      return { rate: 5, durationS: 5, preAllocatedVUs: 2, maxVUs: 10, batchSize: 10, limit: 20, maxPages: 50 };
    case 'stress':
      return { rate: 100, durationS: 60, preAllocatedVUs: 20, maxVUs: 200, batchSize: 100, limit: 100, maxPages: 200 };
    case 'soak':
      return { rate: 20, durationS: 1800, preAllocatedVUs: 10, maxVUs: 100, batchSize: 50, limit: 100, maxPages: 200 };
    case 'capacity':
      return {
        // VUs that k6 has to create mid-run come too slowly: it drops iterations while it
        // creates them, and those drops broke steps that the target itself held (on EMQX 4.4.19
        // k6 dropped at 200/s with 16 of 300 VUs in use). 150 ready VUs cover 600/s at 250 ms.
        preAllocatedVUs: 150,
        maxVUs: 300,
        // batches of 100 make the broker's per-message work the limit, not k6's request rate:
        // with batches of 10 the reference broker never broke within 1,500 batches/s, and the
        // knee moved with whatever else ran on the machine
        batchSize: 100,
        limit: 50,
        maxPages: 50,
        capacity: { startRate: 50, stepRate: 50, steps: 12, stepDurationS: 8 },
        // a capacity step holds while answers stay fast; the knee is where they stop
        thresholds: { ...BASE_THRESHOLDS, p95Ms: 100, p99Ms: 250 },
      };
  }
}

/** The options with every gap filled from the profile and the base defaults. */
export function resolveOptions(partial: Partial<LoadOptions> & { scenario: ScenarioName; profile: LoadProfile; runId: string }): LoadOptions {
  const p = profileDefaults(partial.profile);
  const apiVersion = partial.apiVersion ?? 'v4';
  const pick = <K extends keyof LoadOptions>(k: K, fallback: LoadOptions[K]): LoadOptions[K] => (partial[k] ?? p[k] ?? fallback) as LoadOptions[K];
  const capacity = partial.profile === 'capacity' ? { ...p.capacity!, ...partial.capacity } : undefined;
  const o: LoadOptions = {
    scenario: partial.scenario,
    profile: partial.profile,
    runId: partial.runId,
    apiVersion,
    node: partial.node,
    rate: pick('rate', capacity?.startRate ?? 5),
    durationS: capacity ? capacity.steps * capacity.stepDurationS : pick('durationS', 5),
    preAllocatedVUs: pick('preAllocatedVUs', 2),
    maxVUs: pick('maxVUs', 10),
    batchSize: pick('batchSize', 10),
    topic: pick('topic', `hx/load/${partial.runId}/{vu}`),
    qos: pick('qos', 0),
    payloadSize: pick('payloadSize', 64),
    retain: pick('retain', false),
    base64: pick('base64', false),
    clientid: pick('clientid', `${partial.runId}-k6`),
    limit: pick('limit', 20),
    listings: pick('listings', defaultListings(apiVersion)),
    maxPages: pick('maxPages', 50),
    hasnext: pick('hasnext', {}),
    thresholds: { ...BASE_THRESHOLDS, ...p.thresholds, ...partial.thresholds },
    capacity,
  };
  return o;
}

/** A problem with the options, in one line, or undefined. */
export function optionsProblem(o: LoadOptions): string | undefined {
  const positiveInt = (n: number): boolean => Number.isInteger(n) && n > 0;
  if (!(o.rate > 0)) return `the rate must be a positive number, got ${o.rate}`;
  if (!(o.durationS > 0)) return `the duration must be positive, got ${o.durationS}s`;
  if (!positiveInt(o.batchSize) || o.batchSize > 10_000) return `the batch size must be a whole number from 1 to 10000, got ${o.batchSize}`;
  if (!positiveInt(o.limit) || o.limit > 10_000) return `the page limit must be a whole number from 1 to 10000, got ${o.limit}`;
  if (![0, 1, 2].includes(o.qos)) return `qos must be 0, 1 or 2, got ${o.qos}`;
  if (!Number.isInteger(o.payloadSize) || o.payloadSize < 0 || o.payloadSize > 1_000_000) return `the payload size must be 0 to 1000000 bytes, got ${o.payloadSize}`;
  if (!positiveInt(o.maxVUs) || !positiveInt(o.preAllocatedVUs) || o.preAllocatedVUs > o.maxVUs) return 'VUs: preAllocatedVUs and maxVUs must be positive and preAllocatedVUs <= maxVUs';
  if (/[#+]/.test(o.topic.replace(/\{(vu|seq|i)\}/g, ''))) return `the topic "${o.topic}" has a wildcard: publish needs a topic name`;
  if (o.scenario === 'publish-batch' && o.apiVersion === 'v3') return 'the 3.x API has no /mqtt/publish_batch; use --scenario listings or gate against 3.x';
  const t = o.thresholds;
  if (!(t.p95Ms > 0 && t.p99Ms > 0)) return 'latency thresholds must be positive';
  for (const [name, v] of [['failed rate', t.failedRate], ['code error rate', t.codeErrorRate], ['check rate', t.checkRate]] as const) {
    if (!(v >= 0 && v <= 1)) return `the ${name} threshold must be between 0 and 1, got ${v}`;
  }
  if (o.capacity) {
    const c = o.capacity;
    if (!(c.startRate > 0 && c.stepRate >= 0 && positiveInt(c.steps) && c.stepDurationS >= 2)) return 'capacity ramp: start rate > 0, step rate >= 0, steps >= 1, step duration >= 2 s';
  }
  return undefined;
}

/** k6 threshold expressions for these thresholds (not used by capacity runs: steps are judged one by one). */
export function k6Thresholds(t: Thresholds): Record<string, string[]> {
  return {
    http_req_duration: [`p(95)<${t.p95Ms}`, `p(99)<${t.p99Ms}`],
    http_req_failed: [`rate<${t.failedRate}`],
    hx_code_errors: [`rate<${t.codeErrorRate}`],
    checks: [`rate>${t.checkRate}`],
  };
}

/** The gate's mix: shares of the arrival rate per kind of work. */
export const GATE_MIX = { publish: 0.4, listings: 0.2, lookups: 0.4 } as const;

/** The k6 `options` of a run. */
export function k6Options(o: LoadOptions): Record<string, unknown> {
  const vus = { preAllocatedVUs: o.preAllocatedVUs, maxVUs: o.maxVUs };
  const constant = (exec: string, rate: number): Record<string, unknown> => ({
    executor: 'constant-arrival-rate',
    exec,
    // k6 takes whole iterations per timeUnit: a fractional rate becomes a count per minute
    ...(Number.isInteger(rate) ? { rate, timeUnit: '1s' } : { rate: Math.max(1, Math.round(rate * 60)), timeUnit: '1m' }),
    duration: `${o.durationS}s`,
    ...vus,
  });
  const main = o.scenario === 'publish-batch' ? 'publishBatch' : o.scenario === 'listings' ? 'walkListings' : 'gateMix';
  let scenarios: Record<string, unknown>;
  if (o.capacity) {
    scenarios = { [o.scenario]: { executor: 'ramping-arrival-rate', exec: main, startRate: o.capacity.startRate, timeUnit: '1s', stages: rampStages(o.capacity), ...vus } };
  } else if (o.scenario === 'gate') {
    scenarios = {
      publish: constant('publishBatch', o.rate * GATE_MIX.publish),
      listings: constant('walkListings', o.rate * GATE_MIX.listings),
      lookups: constant('lookups', o.rate * GATE_MIX.lookups),
    };
  } else {
    scenarios = { [o.scenario]: constant(main, o.rate) };
  }
  if (o.apiVersion === 'v3' && o.scenario === 'gate') (scenarios.publish as Record<string, unknown>).exec = 'publishOne';
  return {
    scenarios,
    thresholds: o.capacity ? {} : k6Thresholds(o.thresholds),
    // the end-of-test summary is ours (handleSummary); these are the figures it shows
    summaryTrendStats: ['min', 'med', 'p(95)', 'p(99)', 'max'],
    // a listing walk or a batch is one unit of work; names group the requests of a walk
    discardResponseBodies: false,
    noConnectionReuse: false,
    setupTimeout: '60s',
  };
}

export type { RampStep };
export { rampSteps };
