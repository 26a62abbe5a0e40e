// `report merge`: the shards of a distributed load run (k6 pods, swarm workers on several
// machines) into one LoadReport. The rules, and why:
//
// - Latency: every histogram is merged with `mergeSummaries` (HDR, exact): the merged p95 is
//   the p95 of all samples, never an average of the shards' p95s. The max is the largest of
//   the shards' maxima: exact, where the decoded histograms only know the max to their
//   precision (the top of its bucket).
// - Counts (k6 totals, swarm clients and delivery, failures by reason, REST→MQTT sent /
//   delivered / duplicated, CPU time and cores) are summed; the REST→MQTT ratio is recomputed
//   from the sums.
// - Timelines are aligned on wall-clock time: a shard's point `t` happened at its
//   `run.startedAt + t`, and lands in the merged second `round(that − earliest start)`.
//   Counts per second (`reqs`, `failed`, `sent`, `received`, `errors`, any metric not named
//   below) are summed. Gauges (`connections`, `vus`: a level, not a count) take each shard's
//   last value in the second and sum those. Percentiles and other order statistics (`p50`,
//   `p95`, `p99`, `min`, `max`, `avg`, `…Ms`) cannot be combined from per-shard values, and
//   the timeline carries no per-second histograms to merge instead; so they are kept only when
//   a single shard contributed that part's timeline, and otherwise dropped from the merged
//   timeline with a note saying so. The run's overall latency stays exact.
// - Thresholds: one row per metric and expression, holding only if it held on every shard
//   that evaluated it. That is the conservative reading: for `p(95)<x` and `rate<x` a breach
//   on one shard may still hold overall, but a pass on every shard also holds overall; for a
//   `count<x` the sum can breach where no shard did, which this does not detect.
// - Capacity ramps are not merged: each shard's steps ran at its own rate and k6 keeps no
//   per-step histogram, so a combined step p95 would be invented. With one ramp it is kept;
//   with more they are dropped and a note lists each shard's knee (the shard reports keep
//   their ramps).
// - A part skipped on every shard stays skipped (the reasons joined); skipped on some shards
//   only, it is merged from the others and a note names the shards that skipped it.
// - run: shards summed, startedAt the earliest, finishedAt the latest, interrupted if any
//   shard was (each shard's reason), facts that differ between shards joined with ", ".
//   Notes name a shard by its run id, or by its place in the list (`shard 2`) when the shards
//   share one id, as the pods of one distributed run do. A shard's own notes are carried
//   along; one that several shards carry (every k6 runner's precision note) is written once.
//
// The notes travel in `run.notes`: a merged report has to say what it left out wherever it is
// read again.
import { newRunId } from '../run-config.ts';
import { mergeSummaries } from './histogram.ts';
import type {
  CapacityResult,
  K6Part,
  LatencyHistogram,
  LoadReport,
  LoadRunInfo,
  RestToMqtt,
  SwarmPart,
  TimePoint,
} from './model.ts';

/** The notes a report carries (a merged one); empty for an ordinary run. */
export function reportNotes(report: LoadReport): string[] {
  const notes = report.run.notes;
  return Array.isArray(notes) ? notes.filter((n): n is string => typeof n === 'string') : [];
}

/** Metrics of a timeline point that are levels at a moment, not counts in the second. */
export const GAUGE_METRICS: ReadonlySet<string> = new Set(['connections', 'vus', 'vus_max', 'vusMax', 'inflight']);

/** Order statistics: per-shard values of these cannot be combined into the merged value. */
export function isOrderStatistic(metric: string): boolean {
  return /^(p\d+(\.\d+)?|min|max|avg|mean|med|median)$/i.test(metric) || /Ms$/.test(metric);
}

export interface MergeOptions {
  /**
   * the merged run's id; default: `<the shards' id>-merged` when they share one (a distributed
   * run), else `<earliest start>-<profile>-merged`; never a shard's own id, so the merged
   * folder cannot overwrite a shard's load.json
   */
  id?: string;
}

export function mergeLoadReports(reports: LoadReport[], opts: MergeOptions = {}): LoadReport {
  if (reports.length === 0) throw new Error('mergeLoadReports needs at least one report');
  const notes: string[] = [];
  const byStart = [...reports].sort((a, b) => startMs(a) - startMs(b));
  const earliest = byStart[0]!;
  const earliestMs = startMs(earliest);
  // shards of one distributed run usually share its id (`swarm --run-id`): then they are
  // named by their place in the list
  const ids = new Set(reports.map((r) => r.run.id));
  const label = (r: LoadReport): string => (ids.size === reports.length ? `shard ${r.run.id}` : `shard ${reports.indexOf(r) + 1}`);

  const run: LoadRunInfo = {
    id: opts.id ?? (ids.size === 1 && reports.length > 1 ? `${earliest.run.id}-merged` : mergedRunId(earliest.run.startedAt, joined(reports.map((r) => r.run.profile)))),
    kind: 'load',
    target: joined(reports.map((r) => r.run.target)),
    profile: joined(reports.map((r) => r.run.profile)),
    startedAt: earliest.run.startedAt,
    harnessVersion: joined(reports.map((r) => r.run.harnessVersion)),
    shards: reports.reduce((n, r) => n + r.run.shards, 0),
  };
  const emqxVersion = joinedOptional(reports.map((r) => r.run.emqxVersion));
  if (emqxVersion !== undefined) run.emqxVersion = emqxVersion;
  const scenario = joinedOptional(reports.map((r) => r.run.scenario));
  if (scenario !== undefined) run.scenario = scenario;
  const finished = reports.map((r) => r.run.finishedAt).filter((f): f is string => f !== undefined);
  if (finished.length > 0) run.finishedAt = finished.reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a));
  if (finished.length < reports.length) {
    const open = reports.filter((r) => r.run.finishedAt === undefined).map(label);
    notes.push(`${open.join(', ')} did not record when ${open.length === 1 ? 'it' : 'they'} finished; the merged finish is the latest recorded one`);
  }
  const interrupted = reports.filter((r) => r.run.interrupted);
  if (interrupted.length > 0) {
    run.interrupted = {
      reason: reports.length === 1 ? interrupted[0]!.run.interrupted!.reason : interrupted.map((r) => `${label(r)}: ${r.run.interrupted!.reason}`).join('; '),
    };
  }
  // notes of shards (a merge of merges, a k6 runner's precision) are carried along, a note
  // several shards share once, naming them all
  const carried = new Map<string, string[]>();
  for (const r of reports) for (const n of reportNotes(r)) carried.set(n, [...(carried.get(n) ?? []), label(r)]);
  for (const [n, labels] of carried) notes.push(reports.length === 1 ? n : `${[...new Set(labels)].join(', ')}: ${n}`);

  const out: LoadReport = { run };
  const k6 = mergeParts(reports, (r) => r.k6, 'k6', label, notes, (parts) => mergeK6(parts, earliestMs, label, notes));
  if (k6) out.k6 = k6;
  const swarm = mergeParts(reports, (r) => r.swarm, 'swarm', label, notes, (parts) => mergeSwarm(parts, earliestMs, notes));
  if (swarm) out.swarm = swarm;
  const rest = reports.map((r) => r.restToMqtt).filter((x): x is RestToMqtt => x !== undefined);
  if (rest.length > 0) out.restToMqtt = mergeRestToMqtt(rest);
  if (notes.length > 0) run.notes = notes;
  return out;
}

interface Shard<P> {
  report: LoadReport;
  part: P;
}

/** Skipped everywhere: skipped with the reasons; skipped somewhere: merged from the others, with a note. */
function mergeParts<P extends { skipped?: string }>(
  reports: LoadReport[],
  pick: (r: LoadReport) => P | undefined,
  name: string,
  label: (r: LoadReport) => string,
  notes: string[],
  merge: (parts: Shard<P>[]) => P,
): P | undefined {
  const present = reports.flatMap((report) => {
    const part = pick(report);
    return part ? [{ report, part }] : [];
  });
  if (present.length === 0) return undefined;
  const ran = present.filter((s) => s.part.skipped === undefined);
  const skipped = present.filter((s) => s.part.skipped !== undefined);
  if (ran.length === 0) {
    const merged = merge(present);
    merged.skipped = joined(skipped.map((s) => s.part.skipped!));
    return merged;
  }
  for (const s of skipped) notes.push(`${name} part skipped on ${label(s.report)}: ${s.part.skipped}`);
  return merge(ran);
}

function mergeK6(shards: Shard<K6Part>[], earliestMs: number, label: (r: LoadReport) => string, notes: string[]): K6Part {
  const parts = shards.map((s) => s.part);
  const sum = (f: (t: K6Part['totals']) => number): number => parts.reduce((n, p) => n + f(p.totals), 0);
  const totals: K6Part['totals'] = {
    requests: sum((t) => t.requests),
    failedRequests: sum((t) => t.failedRequests),
    codeErrors: sum((t) => t.codeErrors),
    checksPassed: sum((t) => t.checksPassed),
    checksFailed: sum((t) => t.checksFailed),
    iterations: sum((t) => t.iterations),
    droppedIterations: sum((t) => t.droppedIterations),
  };
  if (parts.some((p) => p.totals.messagesAccepted !== undefined)) totals.messagesAccepted = sum((t) => t.messagesAccepted ?? 0);

  const k6: K6Part = {
    scenario: joined(parts.map((p) => p.scenario)),
    profile: joined(parts.map((p) => p.profile)),
    thresholds: mergeThresholds(parts),
    totals,
    timeline: mergeTimelines(shards.map((s) => ({ startMs: startMs(s.report), timeline: s.part.timeline })), earliestMs, 'k6', notes),
  };
  const exitCode = worstExitCode(parts.map((p) => p.exitCode));
  if (exitCode !== undefined) k6.exitCode = exitCode;
  const version = joinedOptional(parts.map((p) => p.k6Version));
  if (version !== undefined) k6.k6Version = version;
  const latency = mergeSummaries(parts.map((p) => p.latency));
  if (latency) k6.latency = latency;
  const byEndpoint = mergeHistogramMaps(parts.map((p) => p.latencyByEndpoint));
  if (byEndpoint) k6.latencyByEndpoint = byEndpoint;
  const byDepth = mergeHistogramMaps(parts.map((p) => p.latencyByPageDepth));
  if (byDepth) k6.latencyByPageDepth = byDepth;

  const ramps = shards.filter((s) => s.part.capacity !== undefined);
  if (ramps.length === 1 && shards.length === 1) k6.capacity = ramps[0]!.part.capacity;
  else if (ramps.length > 0) {
    const knees = ramps.map((s) => `${label(s.report)} ${describeKnee(s.part.capacity!)}`).join('; ');
    notes.push(`capacity ramps are per shard and not merged (each shard ramped its own rate, and k6 keeps no per-step histogram to combine): ${knees}; see the shard reports for their steps`);
  }
  return k6;
}

function mergeSwarm(shards: Shard<SwarmPart>[], earliestMs: number, notes: string[]): SwarmPart {
  const parts = shards.map((s) => s.part);
  const failuresByReason: Record<string, number> = {};
  for (const p of parts) for (const [reason, n] of Object.entries(p.clients.failuresByReason)) failuresByReason[reason] = (failuresByReason[reason] ?? 0) + n;
  const delivery: SwarmPart['delivery'] = {};
  for (const p of parts) {
    for (const [qos, d] of Object.entries(p.delivery)) {
      const acc = (delivery[qos] ??= { published: 0, expected: 0, received: 0, lost: 0, duplicated: 0 });
      acc.published += d.published;
      acc.expected += d.expected;
      acc.received += d.received;
      acc.lost += d.lost;
      acc.duplicated += d.duplicated;
    }
  }
  const swarm: SwarmPart = {
    clients: {
      target: parts.reduce((n, p) => n + p.clients.target, 0),
      connected: parts.reduce((n, p) => n + p.clients.connected, 0),
      failed: parts.reduce((n, p) => n + p.clients.failed, 0),
      failuresByReason,
    },
    e2eLatency: mergeHistogramMaps(parts.map((p) => p.e2eLatency)) ?? {},
    delivery: sortedByKey(delivery),
    timeline: mergeTimelines(shards.map((s) => ({ startMs: startMs(s.report), timeline: s.part.timeline })), earliestMs, 'swarm', notes),
  };
  const connect = mergeSummaries(parts.map((p) => p.connectLatency));
  if (connect) swarm.connectLatency = connect;
  const subscribe = mergeSummaries(parts.map((p) => p.subscribeLatency));
  if (subscribe) swarm.subscribeLatency = subscribe;
  const cpus = parts.map((p) => p.cpu).filter((c): c is NonNullable<SwarmPart['cpu']> => c !== undefined);
  // CPU time adds up; so do the cores: the shards ran on their own machines or pods
  if (cpus.length > 0) {
    swarm.cpu = {
      userMs: cpus.reduce((n, c) => n + c.userMs, 0),
      systemMs: cpus.reduce((n, c) => n + c.systemMs, 0),
      cores: cpus.reduce((n, c) => n + c.cores, 0),
    };
  }
  return swarm;
}

function mergeRestToMqtt(parts: RestToMqtt[]): RestToMqtt {
  const sent = parts.reduce((n, p) => n + p.sent, 0);
  const delivered = parts.reduce((n, p) => n + p.delivered, 0);
  const out: RestToMqtt = {
    sent,
    delivered,
    duplicated: parts.reduce((n, p) => n + p.duplicated, 0),
    ratio: sent > 0 ? delivered / sent : 0,
  };
  const latency = mergeSummaries(parts.map((p) => p.latency));
  if (latency) out.latency = latency;
  return out;
}

function mergeThresholds(parts: K6Part[]): K6Part['thresholds'] {
  const rows = new Map<string, K6Part['thresholds'][number]>();
  for (const p of parts) {
    for (const t of p.thresholds) {
      const key = `${t.metric}\u0000${t.expression}`;
      const row = rows.get(key);
      if (row) row.ok = row.ok && t.ok;
      else rows.set(key, { metric: t.metric, expression: t.expression, ok: t.ok });
    }
  }
  return [...rows.values()];
}

/** k6 failed (neither 0 nor 99) beats thresholds breached (99) beats held (0). */
function worstExitCode(codes: (number | undefined)[]): number | undefined {
  const known = codes.filter((c): c is number => c !== undefined);
  if (known.length === 0) return undefined;
  return known.find((c) => c !== 0 && c !== 99) ?? (known.includes(99) ? 99 : 0);
}


function mergeHistogramMaps(maps: (Record<string, LatencyHistogram> | undefined)[]): Record<string, LatencyHistogram> | undefined {
  const present = maps.filter((m): m is Record<string, LatencyHistogram> => m !== undefined);
  if (present.length === 0) return undefined;
  const keys = [...new Set(present.flatMap((m) => Object.keys(m)))].sort();
  const out: Record<string, LatencyHistogram> = {};
  for (const key of keys) {
    const merged = mergeSummaries(present.map((m) => m[key]));
    if (merged) out[key] = merged;
  }
  return out;
}

/**
 * Aligns timelines on wall-clock seconds (see the rules at the top). `part` names the part in
 * the note written when percentiles had to be dropped.
 */
export function mergeTimelines(
  shards: { startMs: number; timeline: TimePoint[] }[],
  earliestMs: number,
  part: string,
  notes: string[],
): TimePoint[] {
  const contributing = shards.filter((s) => s.timeline.length > 0);
  const keepOrderStatistics = contributing.length <= 1;
  const merged = new Map<number, TimePoint>();
  const dropped = new Set<string>();
  for (const shard of contributing) {
    const offsetS = (shard.startMs - earliestMs) / 1000;
    // this shard's points by merged second: counts summed, gauges and order statistics the last value
    const mine = new Map<number, Record<string, number>>();
    for (const point of shard.timeline) {
      const second = Math.round(offsetS + point.t);
      const acc = mine.get(second) ?? {};
      for (const [metric, value] of Object.entries(point)) {
        if (metric === 't' || typeof value !== 'number' || !Number.isFinite(value)) continue;
        if (isOrderStatistic(metric) && !keepOrderStatistics) {
          dropped.add(metric);
          continue;
        }
        acc[metric] = GAUGE_METRICS.has(metric) || isOrderStatistic(metric) ? value : (acc[metric] ?? 0) + value;
      }
      mine.set(second, acc);
    }
    for (const [second, values] of mine) {
      const target = merged.get(second) ?? { t: second };
      for (const [metric, value] of Object.entries(values)) target[metric] = (target[metric] ?? 0) + value;
      merged.set(second, target);
    }
  }
  if (dropped.size > 0) {
    const names = [...dropped].sort().join(', ');
    notes.push(
      `${part} timeline: per-second ${names} are left out of the merged timeline: percentiles of different shards cannot be combined and the timelines carry no per-second histograms; the overall latency figures are exact (merged histograms)`,
    );
  }
  return [...merged.values()].sort((a, b) => a.t - b.t);
}

function describeKnee(c: CapacityResult): string {
  if (c.kneeRate === undefined) return `broke at its first step (${c.steps[0]?.rate ?? '?'}/s)`;
  return c.neverBroke ? `never broke (≥ ${c.highestRateTried}/s)` : `knee ${c.kneeRate}/s`;
}

function startMs(r: LoadReport): number {
  return Date.parse(r.run.startedAt);
}

/** The distinct values in first-seen order, joined with ", " (one value stays as it is). */
function joined(values: string[]): string {
  return [...new Set(values)].join(', ');
}

function joinedOptional(values: (string | undefined)[]): string | undefined {
  const present = values.filter((v): v is string => v !== undefined);
  return present.length > 0 ? joined(present) : undefined;
}

function sortedByKey<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * `2026-12-02T08-24-50Z-<profile>-merged`: the earliest shard's start, so merging the same
 * shards again rewrites the same folder rather than piling up copies.
 */
function mergedRunId(startedAt: string, profile: string): string {
  const slug = profile.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'load';
  return newRunId(`${slug}-merged`, new Date(Date.parse(startedAt)));
}
