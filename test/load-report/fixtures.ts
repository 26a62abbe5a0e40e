// Realistic load reports for the load-report tests, built the way a run builds them: from
// individual samples (requests, client connects, messages and their deliveries, each with a
// wall-clock time) recorded into real HDR histograms (src/load/histogram.ts). Because the
// samples are kept, a test can build one report from the union of two shards' samples and
// hold `mergeLoadReports` to it exactly.
import { newHistogram, recordMs, summarize, type Histogram } from '../../src/load/histogram.ts';
import type { CapacityResult, CapacityStep, LatencyHistogram, LoadReport, SwarmPart, TimePoint } from '../../src/load/model.ts';

export interface RequestSample {
  at: number;
  ms: number;
  endpoint: string;
  /** listings: the page depth bucket */
  depth?: string;
  failed: boolean;
  codeError: boolean;
}

export interface ClientSample {
  at: number;
  /** when it disconnected (the end of its shard) */
  until: number;
  connectMs?: number;
  subscribeMs?: number;
  /** set when the connect failed */
  failure?: string;
}

export interface MessageSample {
  qos: '0' | '1' | '2';
  at: number;
  /** subscribers that should receive it */
  expected: number;
  /** end-to-end latency of every copy that arrived, duplicates included */
  copies: number[];
  /** distinct subscribers that received it */
  receivers: number;
}

export interface RestSample {
  at: number;
  copies: number[];
}

export interface Samples {
  startMs: number;
  endMs: number;
  requests: RequestSample[];
  clients: ClientSample[];
  messages: MessageSample[];
  rest: RestSample[];
}

export interface ShardOptions {
  id: string;
  startedAt: string;
  durationS?: number;
  seed?: number;
  /** k6 requests per second */
  rate?: number;
  clients?: number;
  /** multiplies every k6 latency: a slower shard breaches the p95 threshold */
  slow?: number;
  capacity?: boolean;
  k6Skipped?: string;
  swarmSkipped?: string;
  interrupted?: string;
}

export const P95_LIMIT_MS = 250;
export const LISTING_P95_LIMIT_MS = 150;

/** Deterministic pseudo-random numbers (mulberry32): the same seed gives the same report. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function logNormal(random: () => number, medianMs: number, sigma: number): number {
  const u = Math.max(random(), 1e-9);
  const v = random();
  const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return Math.round(medianMs * Math.exp(sigma * normal) * 1000) / 1000;
}

/** One shard's raw samples. */
export function shardSamples(opts: ShardOptions): Samples {
  const random = rng(opts.seed ?? 1);
  const durationS = opts.durationS ?? 20;
  const rate = opts.rate ?? 50;
  const clientCount = opts.clients ?? 200;
  const slow = opts.slow ?? 1;
  const startMs = Date.parse(opts.startedAt);
  const endMs = startMs + durationS * 1000;
  const s: Samples = { startMs, endMs, requests: [], clients: [], messages: [], rest: [] };

  for (let sec = 0; sec < durationS; sec++) {
    // k6 ramps up over the first 3 seconds
    const n = Math.round(rate * Math.min(1, (sec + 1) / 3) * (0.9 + random() * 0.2));
    for (let i = 0; i < n; i++) {
      const at = startMs + sec * 1000 + Math.floor(random() * 1000);
      const listing = random() < 0.3;
      const failed = random() < 0.004;
      const codeError = !failed && random() < 0.002;
      const ms = failed ? logNormal(random, 900, 0.2) : logNormal(random, (listing ? 35 : 18) * slow * (1 + sec / durationS), 0.55);
      const sample: RequestSample = { at, ms, endpoint: listing ? 'v4.list_clients' : 'v4.mqtt_publish_batch', failed, codeError };
      if (listing) sample.depth = ['1', '2-4', '5-16', '17+'][Math.min(3, Math.floor(random() * 4))]!;
      s.requests.push(sample);
      if (!failed && !codeError && !listing) {
        const copies = random() < 0.002 ? [] : [logNormal(random, 9, 0.4)];
        if (copies.length && random() < 0.002) copies.push(copies[0]! + logNormal(random, 30, 0.3));
        s.rest.push({ at: at + sample.ms, copies });
      }
    }
  }

  const reasons = ['ECONNREFUSED', 'not authorized', 'timeout'];
  for (let i = 0; i < clientCount; i++) {
    const at = startMs + Math.floor((i / clientCount) * 2000);
    const failure = random() < 0.015 ? reasons[Math.floor(random() * reasons.length)] : undefined;
    const c: ClientSample = { at, until: endMs };
    if (failure) c.failure = failure;
    else {
      c.connectMs = logNormal(random, 6, 0.5);
      c.subscribeMs = logNormal(random, 3, 0.4);
    }
    s.clients.push(c);
  }

  const perSecond = { '0': 20, '1': 30, '2': 10 } as const;
  let forcedLoss = false;
  // publishers stop a second before the end, so every copy arrives while the shard still runs
  for (let sec = 2; sec < durationS - 1; sec++) {
    for (const qos of ['0', '1', '2'] as const) {
      for (let i = 0; i < perSecond[qos]; i++) {
        const at = startMs + sec * 1000 + Math.floor(random() * 1000);
        const expected = 2;
        let receivers = 0;
        const copies: number[] = [];
        for (let r = 0; r < expected; r++) {
          const lossChance = qos === '0' ? 0.01 : qos === '1' ? 0.001 : 0;
          // every shard loses at least one QoS 1 message, so the loss shows in every view
          const lose = random() < lossChance || (qos === '1' && !forcedLoss && sec === 5);
          if (lose) {
            if (qos === '1') forcedLoss = true;
            continue;
          }
          receivers++;
          const ms = logNormal(random, qos === '0' ? 4 : qos === '1' ? 7 : 11, 0.45);
          copies.push(ms);
          if (qos === '1' && random() < 0.004) copies.push(ms + logNormal(random, 40, 0.3));
        }
        s.messages.push({ qos, at, expected, copies, receivers });
      }
    }
  }
  return s;
}

/** A LoadReport computed from samples (one shard's, or the union of several). */
export function reportFromSamples(samples: Samples[], opts: ShardOptions): LoadReport {
  const startMs = Math.min(...samples.map((s) => s.startMs));
  const endMs = Math.max(...samples.map((s) => s.endMs));
  const requests = samples.flatMap((s) => s.requests);
  const clients = samples.flatMap((s) => s.clients);
  const messages = samples.flatMap((s) => s.messages);
  const rest = samples.flatMap((s) => s.rest);
  const seconds = Math.ceil((endMs - startMs) / 1000);
  const second = (at: number): number => Math.floor((at - startMs) / 1000);

  const report: LoadReport = {
    run: {
      id: opts.id,
      kind: 'load',
      target: 'http://127.0.0.1:18083/api/v4, mqtt://127.0.0.1:1883',
      emqxVersion: '4.4.19',
      scenario: 'publish_batch',
      profile: 'smoke',
      startedAt: new Date(startMs).toISOString(),
      finishedAt: new Date(endMs).toISOString(),
      harnessVersion: '0.1.0',
      shards: 1,
    },
  };
  if (opts.interrupted) report.run.interrupted = { reason: opts.interrupted };

  // ---- k6
  if (opts.k6Skipped) {
    report.k6 = { skipped: opts.k6Skipped, scenario: 'publish_batch', profile: 'smoke', thresholds: [], totals: zeroTotals(), timeline: [] };
  } else {
    const all = newHistogram();
    const byEndpoint = new Map<string, Histogram>();
    const byDepth = new Map<string, Histogram>();
    const perSecond = Array.from({ length: seconds }, () => ({ h: newHistogram(), reqs: 0, failed: 0 }));
    for (const r of requests) {
      recordMs(all, r.ms);
      recordMs(getOr(byEndpoint, r.endpoint), r.ms);
      if (r.depth) recordMs(getOr(byDepth, r.depth), r.ms);
      const bucket = perSecond[second(r.at)]!;
      bucket.reqs++;
      if (r.failed) bucket.failed++;
      recordMs(bucket.h, r.ms);
    }
    const failed = requests.filter((r) => r.failed).length;
    const codeErrors = requests.filter((r) => r.codeError).length;
    const checksPassed = requests.filter((r) => !r.failed && !r.codeError).length;
    const latency = summarize(all);
    const timeline: TimePoint[] = perSecond.map((b, t) => {
      const p: TimePoint = { t, reqs: b.reqs, failed: b.failed };
      if (b.reqs > 0) {
        const sum = summarize(b.h);
        p.p50 = sum.p50;
        p.p95 = sum.p95;
        p.p99 = sum.p99;
      }
      return p;
    });
    report.k6 = {
      scenario: 'publish_batch',
      profile: 'smoke',
      k6Version: 'k6 v1.3.0',
      thresholds: [
        { metric: 'http_req_duration', expression: `p(95)<${P95_LIMIT_MS}`, ok: latency.p95 < P95_LIMIT_MS },
        { metric: 'http_req_failed', expression: 'rate<0.01', ok: failed / requests.length < 0.01 },
        { metric: 'checks', expression: 'rate>0.99', ok: checksPassed / requests.length > 0.99 },
        // listings are slower: this one breaks on a slowed shard (slow ≥ 1.2)
        { metric: 'http_req_duration{endpoint:v4.list_clients}', expression: `p(95)<${LISTING_P95_LIMIT_MS}`, ok: (byEndpoint.get('v4.list_clients')?.getValueAtPercentile(95) ?? 0) / 1000 < LISTING_P95_LIMIT_MS },
      ],
      totals: {
        requests: requests.length,
        failedRequests: failed,
        codeErrors,
        checksPassed,
        checksFailed: requests.length - checksPassed,
        iterations: requests.length,
        droppedIterations: 0,
        messagesAccepted: requests.filter((r) => r.endpoint === 'v4.mqtt_publish_batch' && !r.failed && !r.codeError).length * 10,
      },
      latency,
      latencyByEndpoint: summarizeMap(byEndpoint),
      latencyByPageDepth: summarizeMap(byDepth),
      timeline,
    };
    report.k6.exitCode = report.k6.thresholds.every((t) => t.ok) ? 0 : 99;
    if (opts.capacity) report.k6.capacity = capacityRamp(opts.seed ?? 1);
  }

  // ---- swarm
  if (opts.swarmSkipped) {
    report.swarm = { skipped: opts.swarmSkipped, clients: { target: 0, connected: 0, failed: 0, failuresByReason: {} }, e2eLatency: {}, delivery: {}, timeline: [] };
  } else {
    const connect = newHistogram();
    const subscribe = newHistogram();
    const failuresByReason: Record<string, number> = {};
    for (const c of clients) {
      if (c.failure) failuresByReason[c.failure] = (failuresByReason[c.failure] ?? 0) + 1;
      else {
        recordMs(connect, c.connectMs!);
        recordMs(subscribe, c.subscribeMs!);
      }
    }
    const e2e = new Map<string, Histogram>();
    const delivery: SwarmPart['delivery'] = {};
    for (const m of messages) {
      const d = (delivery[m.qos] ??= { published: 0, expected: 0, received: 0, lost: 0, duplicated: 0 });
      d.published++;
      d.expected += m.expected;
      d.received += m.copies.length;
      d.lost += m.expected - m.receivers;
      d.duplicated += m.copies.length - m.receivers;
      for (const ms of m.copies) recordMs(getOr(e2e, m.qos), ms);
    }
    const timeline: TimePoint[] = Array.from({ length: seconds }, (_, t) => {
      const end = startMs + (t + 1) * 1000;
      return { t, connections: clients.filter((c) => !c.failure && c.at < end && c.until >= end).length, sent: 0, received: 0, errors: 0 };
    });
    for (const m of messages) {
      timeline[second(m.at)]!.sent! += 1;
      for (const ms of m.copies) timeline[second(m.at + ms)]!.received! += 1;
    }
    for (const c of clients) if (c.failure) timeline[second(c.at)]!.errors! += 1;
    report.swarm = {
      clients: { target: clients.length, connected: clients.filter((c) => !c.failure).length, failed: clients.filter((c) => c.failure).length, failuresByReason },
      connectLatency: summarize(connect),
      subscribeLatency: summarize(subscribe),
      e2eLatency: summarizeMap(e2e),
      delivery,
      timeline,
      cpu: { userMs: 1840 * samples.length, systemMs: 410 * samples.length, cores: 4 * samples.length },
    };
  }

  if (!opts.k6Skipped && !opts.swarmSkipped) {
    const h = newHistogram();
    let delivered = 0;
    let duplicated = 0;
    for (const r of rest) {
      if (r.copies.length > 0) delivered++;
      duplicated += Math.max(0, r.copies.length - 1);
      for (const ms of r.copies) recordMs(h, ms);
    }
    report.restToMqtt = { sent: rest.length, delivered, duplicated, ratio: rest.length ? delivered / rest.length : 0, latency: summarize(h) };
  }
  return report;
}

/** A shard's report (and its samples, for union comparisons). */
export function shard(opts: ShardOptions): { report: LoadReport; samples: Samples } {
  const samples = shardSamples(opts);
  return { report: reportFromSamples([samples], opts), samples };
}

/**
 * A capacity ramp of publish_batch: latency grows with the arrival rate until p95 crosses
 * 300 ms at 1,200/s; the knee is 800/s. Each step's percentiles come from its own histogram.
 */
export function capacityRamp(seed = 1): CapacityResult {
  const random = rng(seed * 7 + 3);
  const rates = [100, 200, 400, 800, 1200, 1600];
  let startS = 0;
  const steps = rates.map((rate): CapacityStep => {
    const h = newHistogram();
    const saturation = rate / 1000;
    const median = 25 * (1 + saturation ** 4 * 6);
    for (let i = 0; i < 2000; i++) recordMs(h, logNormal(random, median, 0.5));
    const sum = summarize(h);
    const failedRate = rate >= 1600 ? 0.031 : rate >= 1200 ? 0.004 : 0.0005;
    const breaches: string[] = [];
    if (sum.p95 > 300) breaches.push(`p95 ${Math.round(sum.p95)} ms > 300 ms`);
    if (failedRate > 0.01) breaches.push(`failed ${(failedRate * 100).toFixed(1)}% > 1%`);
    const step: CapacityStep = {
      rate,
      startS,
      durationS: 30,
      achievedRate: rate >= 1600 ? 1490 : rate,
      p95Ms: sum.p95,
      p99Ms: sum.p99,
      failedRate,
      codeErrorRate: 0,
      checkRate: 1 - failedRate,
      droppedIterations: rate >= 1600 ? 3300 : 0,
      held: breaches.length === 0,
      breaches,
    };
    startS += 30;
    return step;
  });
  const firstBroken = steps.findIndex((s) => !s.held);
  const result: CapacityResult = { steps, neverBroke: firstBroken === -1, highestRateTried: rates[rates.length - 1]! };
  const knee = firstBroken === -1 ? steps[steps.length - 1] : steps[firstBroken - 1];
  if (knee) result.kneeRate = knee.rate;
  return result;
}

/** The full fixture for views: k6 with thresholds, a timeline and a capacity ramp; swarm; REST→MQTT. */
export function fullReport(id = '2026-12-02T10-00-00Z-smoke'): LoadReport {
  return shard({ id, startedAt: '2026-12-02T10:00:00.000Z', seed: 11, slow: 1.2, capacity: true }).report;
}

function zeroTotals(): NonNullable<LoadReport['k6']>['totals'] {
  return { requests: 0, failedRequests: 0, codeErrors: 0, checksPassed: 0, checksFailed: 0, iterations: 0, droppedIterations: 0 };
}

function getOr(map: Map<string, Histogram>, key: string): Histogram {
  let h = map.get(key);
  if (!h) map.set(key, (h = newHistogram()));
  return h;
}

function summarizeMap(map: Map<string, Histogram>): Record<string, LatencyHistogram> {
  return Object.fromEntries([...map.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, h]) => [k, summarize(h)]));
}
