// The units of work the k6 scenarios are made of: a publish_batch, a listing walked page by
// page, a lookup. Each judges its answers the way the contract suites do (HTTP 200, JSON with
// code 0, data against the endpoint's JSON Schema) and the walks by the contract's own
// pagination rules (src/pagination.ts), so load never restates the contract.
// Runs inside k6: imports only k6/* and our own pure modules.
import http, { type RefinedResponse, type ResponseType } from 'k6/http';
import { check } from 'k6';
import encoding from 'k6/encoding';
import exec from 'k6/execution';
import { Counter, Rate } from 'k6/metrics';
import { endpoints, validators } from '../generated/contract.js';
import { type Page, checkWalk, walkWasStable } from '../../src/pagination.ts';
import { stampPayload } from '../../src/load/stamp.ts';
import { encodePathParam, encodeQueryValue } from '../../src/url-encoding.ts';
import { GATE_MIX, type LoadOptions, type LoadProfile, type ScenarioName, k6Options, resolveOptions } from './options.ts';
import { stepAt } from './ramp.ts';
import { depthBucket, expandTopic } from './topics.ts';
import { SHARD_ENV, SHARD_METRIC_COUNT, shardCounterOf, shardMetricName, shardThresholds } from './k6-shard.ts';
import { bucketOf } from './latency-buckets.ts';

export const codeErrors = new Rate('hx_code_errors');
export const messagesSent = new Counter('hx_messages_sent');
export const messagesAccepted = new Counter('hx_messages_accepted');
export const schemaViolations = new Counter('hx_schema_violations');
export const walksJudged = new Counter('hx_walks_judged');
export const walksUnstable = new Counter('hx_walks_unstable');
export const walksTruncated = new Counter('hx_walks_truncated');
// A runner whose samples stay in its pod counts latency buckets for its shard report
// (load/lib/k6-shard.ts); only then, so a run on one machine pays nothing for it.
const shardCounters = __ENV[SHARD_ENV] ? Array.from({ length: SHARD_METRIC_COUNT }, (_, i) => new Counter(shardMetricName(i))) : undefined;

interface SetupData {
  node: string;
  clientids: string[];
  topics: string[];
}

/** The run's options: HX_OPTIONS (JSON, written by `emqx-harness load`) over the profile's defaults. */
export function loadOptions(scenario: ScenarioName): LoadOptions {
  const given = __ENV.HX_OPTIONS ? (JSON.parse(__ENV.HX_OPTIONS) as Partial<LoadOptions>) : {};
  const profile = (__ENV.HX_PROFILE ?? given.profile ?? 'smoke') as LoadProfile;
  return resolveOptions({ ...given, scenario, profile, runId: __ENV.HX_RUN_ID ?? given.runId ?? 'hx-k6' });
}

export function optionsFor(scenario: ScenarioName): Record<string, unknown> {
  const o = loadOptions(scenario);
  const options = k6Options(o);
  // k6 takes `options` from the init of instance 0 only: built in every VU's init, the
  // shard's hundreds of entries per endpoint would double what the shard costs a VU in memory
  if (!shardCounters || __VU !== 0) return options;
  return { ...options, thresholds: { ...(options.thresholds as Record<string, string[]>), ...shardThresholds(endpointsCalled(o)) } };
}

/** The lookups by id per API version, each with the one path parameter it takes from setup(). */
const LOOKUPS: Record<'v3' | 'v4', readonly (readonly [string, 'clientid' | 'topic' | 'node'])[]> = {
  v4: [['v4.lookup_client', 'clientid'], ['v4.lookup_client_subscriptions', 'clientid'], ['v4.lookup_routes', 'topic'], ['v4.lookup_node_stats', 'node']],
  v3: [['v3.lookup_connections', 'clientid'], ['v3.lookup_client_subscriptions', 'clientid'], ['v3.lookup_routes', 'topic']],
};

/** Every endpoint a scenario may call: the shard report keeps latency counts for these. */
export function endpointsCalled(o: LoadOptions): string[] {
  const publish = o.apiVersion === 'v3' ? 'v3.mqtt_publish' : 'v4.mqtt_publish_batch';
  if (o.scenario === 'publish-batch') return [publish];
  if (o.scenario === 'listings') return [...o.listings];
  return [publish, ...o.listings, ...LOOKUPS[o.apiVersion].map(([id]) => id)];
}

const apiUrl = (__ENV.EMQX_API_URL ?? 'http://127.0.0.1:8081/api/v4').replace(/\/+$/, '');
// the secret reaches k6 through the environment only (a command line shows in `ps`)
const authorization = `Basic ${encoding.b64encode(`${__ENV.EMQX_APP_ID ?? 'admin'}:${__ENV.EMQX_APP_SECRET ?? 'public'}`)}`;
const timeout = `${Number(__ENV.EMQX_TIMEOUT_MS ?? 10000)}ms`;

type Answer = RefinedResponse<ResponseType | undefined>;

function call(id: string, params: Record<string, string>, opts: { query?: Record<string, string | number>; body?: unknown; tags?: Record<string, string> } = {}): Answer {
  const e = endpoints[id as keyof typeof endpoints];
  const path = e.path.replace(/\{(\w+)\}/g, (_: string, name: string) => encodePathParam(params[name] ?? ''));
  const query = opts.query ? `?${Object.entries(opts.query).map(([k, v]) => `${k}=${encodeQueryValue(String(v))}`).join('&')}` : '';
  const res = http.request(e.method, `${apiUrl}${path}${query}`, opts.body === undefined ? null : JSON.stringify(opts.body), {
    headers: { Authorization: authorization, ...(opts.body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    // the path template, not the URL: one series per endpoint, however many ids are looked up
    tags: { endpoint: id, name: `${e.method} ${e.path}`, ...opts.tags },
    timeout,
  });
  if (shardCounters) {
    // timings.duration is the value k6 records as this request's http_req_duration
    const b = bucketOf(res.timings.duration);
    shardCounters[shardCounterOf(b)]!.add(1, { endpoint: id, b: String(b) });
  }
  return res;
}

let violationsLogged = 0;

/** The contract's judgement of one answer; the body when it was a successful JSON answer. */
function judge(id: string, res: Answer): Record<string, unknown> | undefined {
  const isJson = String(res.headers['Content-Type'] ?? '').includes('json');
  let body: Record<string, unknown> | undefined;
  if (isJson && typeof res.body === 'string') {
    try {
      body = JSON.parse(res.body) as Record<string, unknown>;
    } catch {
      body = undefined;
    }
  }
  const ok200 = res.status === 200 && body !== undefined;
  codeErrors.add(ok200 && body!.code !== 0, { endpoint: id });
  check(res, { 'HTTP 200 with a JSON body': () => ok200 }, { endpoint: id });
  if (!ok200) return undefined;
  check(body, { 'code is 0': (b) => b!.code === 0 }, { endpoint: id });
  const validate = validators[id as keyof typeof validators];
  const valid = validate(body) as boolean;
  check(body, { 'answer matches the schema': () => valid }, { endpoint: id });
  if (!valid) {
    schemaViolations.add(1, { endpoint: id });
    if (violationsLogged++ < 3) {
      const first = (validate.errors ?? [])[0] as { instancePath?: string; message?: string } | undefined;
      console.warn(`${id}: the answer does not match the schema at ${first?.instancePath || '/'}: ${first?.message ?? 'invalid'}`);
    }
  }
  return body!.code === 0 ? body : undefined;
}

// a capacity ramp tags every sample with its step, so each step is judged on its own samples
function tagStep(o: LoadOptions): void {
  if (!o.capacity) return;
  exec.vu.metrics.tags.step = String(stepAt(o.capacity, (Date.now() - exec.scenario.startTime) / 1000));
}

/** setup(): check the target answers with these credentials, and find things to look up. */
export function setupTarget(o: LoadOptions): SetupData {
  const brokers = http.get(`${apiUrl}/brokers`, { headers: { Authorization: authorization }, timeout, tags: { name: 'setup' } });
  if (brokers.status === 401) exec.test.abort(`${apiUrl} refused the credentials (HTTP 401): check EMQX_APP_ID / EMQX_APP_SECRET`);
  if (brokers.status !== 200) exec.test.abort(`${apiUrl}/brokers answered HTTP ${brokers.status || `nothing (${brokers.error})`}: is EMQX_API_URL right?`);
  const list = ((brokers.json() as { data?: { node?: string }[] | { node?: string } }).data ?? []) as { node?: string }[] | { node?: string };
  const node = o.node ?? (Array.isArray(list) ? list[0]?.node : list.node) ?? 'emqx@127.0.0.1';
  const firstPage = (id: string, field: string): string[] => {
    const res = http.get(`${apiUrl}${endpoints[id as keyof typeof endpoints].path}?_page=1&_limit=50`, { headers: { Authorization: authorization }, timeout, tags: { name: 'setup' } });
    const data = res.status === 200 ? ((res.json() as { data?: Record<string, string>[] }).data ?? []) : [];
    return [...new Set(data.map((d) => d[field]).filter((v): v is string => typeof v === 'string'))];
  };
  const v3 = o.apiVersion === 'v3';
  return { node, clientids: firstPage(v3 ? 'v3.list_connections' : 'v4.list_clients', v3 ? 'client_id' : 'clientid'), topics: firstPage(v3 ? 'v3.list_routes' : 'v4.list_routes', 'topic') };
}

let seq = 0;

/** One POST /mqtt/publish_batch of `batchSize` stamped messages. */
export function publishBatch(o: LoadOptions): void {
  tagStep(o);
  const vu = exec.vu.idInTest;
  const items = Array.from({ length: o.batchSize }, (_, i) => {
    const n = ++seq;
    const payload = stampPayload({ run: o.runId, source: `k6-${vu}`, seq: n, sentMs: Date.now() }, o.payloadSize);
    return {
      topic: expandTopic(o.topic, { vu, seq: n, i }),
      payload: o.base64 ? encoding.b64encode(payload) : payload,
      qos: o.qos,
      retain: o.retain,
      clientid: o.clientid,
      ...(o.base64 ? { encoding: 'base64' } : {}),
    };
  });
  messagesSent.add(items.length);
  const body = judge('v4.mqtt_publish_batch', call('v4.mqtt_publish_batch', {}, { body: items }));
  if (!body) return;
  const data = body.data;
  if (Array.isArray(data)) {
    const okItems = data.filter((d) => (d as { code?: unknown }).code === 0).length;
    messagesAccepted.add(okItems);
    check(data, { 'every batch item has code 0': (d) => d.length === items.length && okItems === items.length }, { endpoint: 'v4.mqtt_publish_batch' });
  } else {
    // releases whose answer is only {"code":0} say nothing per item: the batch as a whole was taken
    messagesAccepted.add(items.length);
  }
}

/** 3.x has no publish_batch: one POST /mqtt/publish per iteration. */
export function publishOne(o: LoadOptions): void {
  tagStep(o);
  const vu = exec.vu.idInTest;
  const n = ++seq;
  const payload = stampPayload({ run: o.runId, source: `k6-${vu}`, seq: n, sentMs: Date.now() }, o.payloadSize);
  messagesSent.add(1);
  const body = judge('v3.mqtt_publish', call('v3.mqtt_publish', {}, { body: { topic: expandTopic(o.topic, { vu, seq: n, i: 0 }), payload, qos: o.qos, retain: o.retain, client_id: o.clientid } }));
  if (body) messagesAccepted.add(1);
}

/** Walk one listing page by page (round robin over the listings) and judge the walk. */
export function walkListings(o: LoadOptions): void {
  tagStep(o);
  const id = o.listings[exec.scenario.iterationInTest % o.listings.length]!;
  const e = endpoints[id as keyof typeof endpoints];
  const fetchPage = (page: number): Page | undefined => {
    const body = judge(id, call(id, {}, { query: { _page: page, _limit: o.limit }, tags: { depth: depthBucket(page) } }));
    if (!body) return undefined;
    return { page, limit: o.limit, items: Array.isArray(body.data) ? body.data : [], meta: body.meta as Page['meta'] };
  };
  const pages: Page[] = [];
  for (let n = 1; n <= o.maxPages; n++) {
    const p = fetchPage(n);
    if (!p) return; // that page's own checks failed; nothing to judge the walk on
    pages.push(p);
    if (p.items.length < o.limit || p.meta?.hasnext === false) {
      const pastEnd = fetchPage(n + 1);
      if (!pastEnd) return;
      // on a broker others use, a listing that changed size during the walk proves nothing
      if (!walkWasStable(pages, pastEnd)) {
        walksUnstable.add(1, { endpoint: id });
        return;
      }
      const problems = checkWalk(pages, pastEnd, { area: e.area, hasnext: o.hasnext[id], filtered: false });
      walksJudged.add(1, { endpoint: id });
      check(problems, { 'pages and meta agree': (ps) => ps.length === 0 }, { endpoint: id });
      if (problems.length && violationsLogged++ < 3) console.warn(`${id}: ${problems[0]!.where}: ${problems[0]!.rule} (expected ${problems[0]!.expected}, got ${problems[0]!.actual})`);
      return;
    }
  }
  walksTruncated.add(1, { endpoint: id });
}

/** One lookup by id, round robin over the kinds the API version has. */
export function lookups(o: LoadOptions, data: SetupData): void {
  tagStep(o);
  const i = exec.scenario.iterationInTest;
  const values: Record<'clientid' | 'topic' | 'node', string | undefined> = {
    clientid: data.clientids[i % Math.max(1, data.clientids.length)],
    topic: data.topics[i % Math.max(1, data.topics.length)],
    node: data.node,
  };
  const usable = LOOKUPS[o.apiVersion].filter(([, param]) => values[param] !== undefined);
  if (usable.length === 0) return;
  const [id, param] = usable[i % usable.length]!;
  judge(id, call(id, { [param]: values[param]! }));
}

/** Every kind of work at its share of the rate (options.GATE_MIX), for the release gate. */
export function gateMix(o: LoadOptions, data: SetupData): void {
  const r = Math.random();
  if (r < GATE_MIX.publish) (o.apiVersion === 'v3' ? publishOne : publishBatch)(o);
  else if (r < GATE_MIX.publish + GATE_MIX.listings) walkListings(o);
  else lookups(o, data);
}

export type { SetupData };
