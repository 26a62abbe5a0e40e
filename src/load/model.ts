// The load report model: one load run (k6, the MQTT swarm, or both on the same target).
// reports/<run-id>/load.json is this object; load.html, the terminal summary, the JUnit file
// and `report merge` are views of it or operations on it. Latency is kept as mergeable HDR
// histograms (hdr-histogram-js, compressed base64), never as averages of percentiles, so the
// shards of a distributed run merge exactly.
import type { LoadGateResult } from '../gate/model.ts';

/** A latency distribution: the encoded histogram is the truth, the percentiles are for reading. */
export interface LatencyHistogram {
  /** hdr-histogram-js `encodeIntoCompressedBase64`, values in microseconds */
  hdr: string;
  count: number;
  /** milliseconds, computed from the histogram */
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

/** One time bucket of a series; `t` is seconds since the run's start. */
export interface TimePoint {
  t: number;
  [metric: string]: number;
}

export interface ThresholdResult {
  /** the k6 metric, e.g. `http_req_duration{scenario:gate}` */
  metric: string;
  /** the k6 expression, e.g. `p(95)<500` */
  expression: string;
  ok: boolean;
}

/** One step of a capacity ramp: the arrival rate held for a while, and what it gave. */
export interface CapacityStep {
  /** requests (batches, lookups) started per second in this step */
  rate: number;
  startS: number;
  durationS: number;
  /** iterations actually started per second (below `rate` when k6 ran out of VUs) */
  achievedRate: number;
  p95Ms: number;
  p99Ms: number;
  failedRate: number;
  codeErrorRate: number;
  checkRate: number;
  droppedIterations: number;
  /** every threshold held in this step */
  held: boolean;
  /** the thresholds that did not hold, e.g. `p95 412 ms > 300 ms` */
  breaches: string[];
}

export interface CapacityResult {
  steps: CapacityStep[];
  /** the last rate at which every threshold held; undefined when even the first step broke */
  kneeRate?: number;
  /** the ramp never broke: the knee is at least the highest rate tried */
  neverBroke: boolean;
  highestRateTried: number;
}

export interface K6Part {
  /** set when the k6 part did not run, with the reason (e.g. k6 is not installed) */
  skipped?: string;
  scenario: string;
  profile: string;
  /** k6's exit code (0 held, 99 thresholds breached, other: k6 failed) */
  exitCode?: number;
  k6Version?: string;
  thresholds: ThresholdResult[];
  /** totals over the run */
  totals: {
    requests: number;
    failedRequests: number;
    /** answers with HTTP 200 whose body code was not 0 */
    codeErrors: number;
    checksPassed: number;
    checksFailed: number;
    iterations: number;
    droppedIterations: number;
    /** publish_batch: messages the broker accepted (per-item code 0) */
    messagesAccepted?: number;
  };
  /** all requests; per-endpoint and per-page-depth in the maps below */
  latency?: LatencyHistogram;
  latencyByEndpoint?: Record<string, LatencyHistogram>;
  /** listings: latency by page depth (`1`, `2-4`, `5-16`, `17+`) */
  latencyByPageDepth?: Record<string, LatencyHistogram>;
  /** per second: `reqs`, `failed`, `p50`, `p95`, `p99` (ms) */
  timeline: TimePoint[];
  capacity?: CapacityResult;
  /** k6's own CPU use over the run (Linux), so a user can see whether the load generator was the limit */
  cpu?: { userMs: number; systemMs: number; cores: number };
}

export interface SwarmPart {
  /** set when the swarm part did not run, with the reason */
  skipped?: string;
  clients: { target: number; connected: number; failed: number; failuresByReason: Record<string, number> };
  connectLatency?: LatencyHistogram;
  subscribeLatency?: LatencyHistogram;
  /** end to end, publisher send to subscriber receive, per QoS ("0", "1", "2") */
  e2eLatency: Record<string, LatencyHistogram>;
  /** per QoS: what was published, what should have arrived, what did, lost and duplicated */
  delivery: Record<string, { published: number; expected: number; received: number; lost: number; duplicated: number }>;
  /** per second: `connections`, `sent`, `received`, `errors` */
  timeline: TimePoint[];
  /** the swarm's own CPU use, so a user can see whether the load generator was the limit */
  cpu?: { userMs: number; systemMs: number; cores: number };
}

/** Messages k6 sent through publish_batch that swarm subscribers received. */
export interface RestToMqtt {
  sent: number;
  delivered: number;
  duplicated: number;
  /** delivered / sent */
  ratio: number;
  latency?: LatencyHistogram;
}

export interface LoadRunInfo {
  id: string;
  kind: 'load';
  /** API URL and/or MQTT URL, credentials never included */
  target: string;
  emqxVersion?: string;
  scenario?: string;
  profile: string;
  startedAt: string;
  finishedAt?: string;
  interrupted?: { reason: string };
  harnessVersion: string;
  /** how many shards were merged into this report (a distributed run); 1 otherwise */
  shards: number;
  /** what a merge left out or could not combine, in words for the views */
  notes?: string[];
}

export interface LoadReport {
  run: LoadRunInfo;
  k6?: K6Part;
  swarm?: SwarmPart;
  restToMqtt?: RestToMqtt;
  /** set when the run was held to a gate file (--gate): the thresholds it set and what failed under it */
  gate?: LoadGateResult;
}
