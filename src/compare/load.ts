// Comparing two load runs (load.json): each figure that says how the target did, judged
// against a relative tolerance (default 10%): a regression is a change for the worse of more
// than the tolerance, and of more than a small absolute floor, so noise on a figure near zero
// (0.4 ms → 0.6 ms, no errors → 1 error in 100,000) is not one. Rates are per second of the
// k6 run, so runs of different lengths compare.
import type { CapacityResult, K6Part, LatencyHistogram, LoadReport } from '../load/model.ts';
import { k6DurationS, qosKeys } from '../load/report/facts.ts';
import type { LoadComparison, MetricComparison } from './model.ts';

export const DEFAULT_TOLERANCE = 0.1;

/** Changes smaller than these are never a regression, whatever their relative size. */
export const FLOORS: Record<MetricComparison['unit'], number> = { ms: 1, fraction: 0.001, '/s': 0, count: 0 };

type Metric = Omit<MetricComparison, 'verdict' | 'change'> & { bound?: { a?: boolean; b?: boolean } };

export function compareLoadRuns(a: LoadReport, b: LoadReport, tolerance = DEFAULT_TOLERANCE): { comparison: LoadComparison; notes: string[] } {
  const notes: string[] = [];
  const metrics: Metric[] = [];

  if (a.run.scenario !== b.run.scenario || a.run.profile !== b.run.profile) {
    notes.push(`The runs differ in scenario or profile (A: ${a.run.scenario ?? 'none'} / ${a.run.profile}, B: ${b.run.scenario ?? 'none'} / ${b.run.profile}): figures that depend on the load offered compare poorly.`);
  }
  for (const [side, r] of [['A', a], ['B', b]] as const) {
    if (r.run.interrupted) notes.push(`${side} was interrupted (${r.run.interrupted.reason}): its figures cover only what ran.`);
    for (const part of ['k6', 'swarm'] as const) {
      const skipped = r[part]?.skipped;
      if (skipped) notes.push(`${side}: the ${part} part was skipped (${skipped}).`);
    }
  }

  const ka = a.k6 && !a.k6.skipped ? a.k6 : undefined;
  const kb = b.k6 && !b.k6.skipped ? b.k6 : undefined;
  if (ka || kb) {
    const g = 'k6';
    const rate = (r: LoadReport, n: number | undefined): number | undefined => {
      const s = k6DurationS(r);
      return n === undefined || !s ? undefined : n / s;
    };
    latency(metrics, g, 'k6.latency', 'latency (all requests)', ka?.latency, kb?.latency);
    metrics.push({ id: 'k6.requests.rate', group: g, label: 'request rate', unit: '/s', worse: 'down', a: ka && rate(a, ka.totals.requests), b: kb && rate(b, kb.totals.requests) });
    if (ka?.totals.messagesAccepted !== undefined || kb?.totals.messagesAccepted !== undefined) {
      metrics.push({ id: 'k6.messages.rate', group: g, label: 'messages accepted', unit: '/s', worse: 'down', a: ka && rate(a, ka.totals.messagesAccepted), b: kb && rate(b, kb.totals.messagesAccepted) });
    }
    const share = (n: number | undefined, of: number | undefined): number | undefined => (n === undefined || !of ? (of === 0 ? 0 : undefined) : n / of);
    type Totals = K6Part['totals'];
    // a fraction of each run's own totals, worse when it rises
    const fraction = (id: string, label: string, part: (t: Totals) => number, of: (t: Totals) => number): void => {
      metrics.push({ id, group: g, label, unit: 'fraction', worse: 'up', a: ka && share(part(ka.totals), of(ka.totals)), b: kb && share(part(kb.totals), of(kb.totals)) });
    };
    fraction('k6.failed', 'failed requests', (t) => t.failedRequests, (t) => t.requests);
    fraction('k6.codeErrors', 'code errors (HTTP 200, code ≠ 0)', (t) => t.codeErrors, (t) => t.requests);
    fraction('k6.checks.failed', 'failed checks', (t) => t.checksFailed, (t) => t.checksPassed + t.checksFailed);
    fraction('k6.dropped', 'dropped iterations', (t) => t.droppedIterations, (t) => t.iterations + t.droppedIterations);
    const endpoints = [...new Set([...Object.keys(ka?.latencyByEndpoint ?? {}), ...Object.keys(kb?.latencyByEndpoint ?? {})])].sort();
    for (const e of endpoints) latency(metrics, 'k6 endpoints', `k6.endpoint.${e}`, e, ka?.latencyByEndpoint?.[e], kb?.latencyByEndpoint?.[e]);
    if (ka?.capacity || kb?.capacity) {
      // no knee because even the first step broke: 0; a ramp that never broke: its highest rate, a lower bound
      const knee = (c: CapacityResult | undefined): { v?: number; bound?: boolean } =>
        !c ? {} : c.kneeRate !== undefined ? { v: c.kneeRate } : c.neverBroke ? { v: c.highestRateTried, bound: true } : { v: 0 };
      const ca = knee(ka?.capacity);
      const cb = knee(kb?.capacity);
      metrics.push({ id: 'k6.capacity.knee', group: 'capacity', label: 'capacity knee (last rate that held)', unit: '/s', worse: 'down', a: ca.v, b: cb.v, bound: { a: ca.bound, b: cb.bound } });
    }
  }

  const sa = a.swarm && !a.swarm.skipped ? a.swarm : undefined;
  const sb = b.swarm && !b.swarm.skipped ? b.swarm : undefined;
  if (sa || sb) {
    const g = 'swarm';
    const failedShare = (s: typeof sa): number | undefined => (s ? (s.clients.target ? s.clients.failed / s.clients.target : 0) : undefined);
    metrics.push({ id: 'swarm.connect.failed', group: g, label: 'clients that failed to connect', unit: 'fraction', worse: 'up', a: failedShare(sa), b: failedShare(sb) });
    latency(metrics, g, 'swarm.connect', 'connect latency', sa?.connectLatency, sb?.connectLatency, ['p95']);
    const qos = [...new Set([...qosKeys(sa?.delivery ?? {}), ...qosKeys(sb?.delivery ?? {})])].sort();
    for (const q of qos) {
      const da = sa?.delivery[q];
      const db = sb?.delivery[q];
      const loss = (d: typeof da): number | undefined => (d ? (d.expected ? d.lost / d.expected : 0) : undefined);
      const dups = (d: typeof da): number | undefined => (d ? (d.received ? d.duplicated / d.received : 0) : undefined);
      metrics.push({ id: `swarm.qos${q}.loss`, group: g, label: `QoS ${q} loss`, unit: 'fraction', worse: 'up', a: loss(da), b: loss(db) });
      metrics.push({ id: `swarm.qos${q}.duplicates`, group: g, label: `QoS ${q} duplicates`, unit: 'fraction', worse: 'up', a: dups(da), b: dups(db) });
      latency(metrics, g, `swarm.qos${q}.e2e`, `QoS ${q} end-to-end latency`, sa?.e2eLatency[q], sb?.e2eLatency[q]);
    }
  }

  if (a.restToMqtt || b.restToMqtt) {
    const g = 'REST→MQTT';
    metrics.push({ id: 'restToMqtt.ratio', group: g, label: 'REST→MQTT delivered / sent', unit: 'fraction', worse: 'down', a: a.restToMqtt?.ratio, b: b.restToMqtt?.ratio });
    latency(metrics, g, 'restToMqtt.latency', 'REST→MQTT latency', a.restToMqtt?.latency, b.restToMqtt?.latency);
  }

  const judged = metrics.filter((m) => m.a !== undefined || m.b !== undefined).map((m) => judge(m, tolerance));
  return { comparison: { tolerance, metrics: judged }, notes };
}

function latency(out: Metric[], group: string, id: string, label: string, a: LatencyHistogram | undefined, b: LatencyHistogram | undefined, which: ('p95' | 'p99')[] = ['p95', 'p99']): void {
  if (!a?.count && !b?.count) return;
  for (const p of which) {
    out.push({ id: `${id}.${p}`, group, label: `${label} ${p}`, unit: 'ms', worse: 'up', a: a?.count ? a[p] : undefined, b: b?.count ? b[p] : undefined });
  }
}

/** The verdict of one figure: worse by more than the tolerance and the floor is a regression. */
export function judge(m: Metric, tolerance: number): MetricComparison {
  const { bound, ...metric } = m;
  if (m.a === undefined || m.b === undefined) return { ...metric, verdict: 'not-comparable', note: `${m.a === undefined ? 'A' : 'B'} has no such figure` };
  const change = m.a !== 0 ? (m.b - m.a) / Math.abs(m.a) : undefined;
  const worse = m.worse === 'up' ? m.b - m.a : m.a - m.b;
  const rel = m.a !== 0 ? worse / Math.abs(m.a) : worse > 0 ? Infinity : worse < 0 ? -Infinity : 0;
  const floor = FLOORS[m.unit];
  let verdict: MetricComparison['verdict'] = worse > floor && rel > tolerance ? 'regression' : -worse > floor && -rel > tolerance ? 'improvement' : 'unchanged';
  let note: string | undefined;
  // a ramp that never broke only gives a lower bound of the capacity
  if (bound?.b && verdict === 'regression') {
    verdict = 'not-comparable';
    note = `B's ramp never broke: its capacity is at least ${m.b}/s, below A's, so the ramps differ rather than the target`;
  } else if (bound?.a && verdict === 'improvement') {
    verdict = 'not-comparable';
    note = `A's ramp never broke: its capacity is at least ${m.a}/s`;
  } else if (bound?.a || bound?.b) {
    note = `${[bound.a ? 'A' : '', bound.b ? 'B' : ''].filter(Boolean).join(' and ')}: the ramp never broke, so the figure is a lower bound`;
  }
  return { ...metric, ...(change !== undefined ? { change } : {}), verdict, ...(note ? { note } : {}) };
}
