// The words and numbers every view of a load run shares (load.html, the terminal summary,
// junit.xml), so the three never disagree on what failed or how a number reads.
import { formatMs } from '../../report/facts.ts';
import { reportNotes } from '../merge.ts';
import type { CapacityResult, LatencyHistogram, LoadReport, LoadRunInfo, SwarmPart } from '../model.ts';

export { formatMs };

/** ✓ held / ✗ breached: the symbol goes with every colour, so no view depends on telling red from green. */
export const HELD = '✓';
export const BREACHED = '✗';
export const SKIPPED = '↷';
export const WARN = '⚠';

/** QoS levels at which the broker promises delivery: a loss there fails the run. */
export const ASSURED_QOS: ReadonlySet<string> = new Set(['1', '2']);

export function loadRunFacts(report: LoadReport): [label: string, value: string][] {
  const { run } = report;
  const facts: [string, string][] = [
    ['Run', run.id],
    ['Target', run.target],
    ['EMQX version', run.emqxVersion ?? 'unknown'],
  ];
  if (run.scenario) facts.push(['Scenario', run.scenario]);
  facts.push(['Profile', run.profile], ['Started', run.startedAt], ['Finished', run.finishedAt ?? '(did not finish)'], ['Duration', formatRunDuration(run)]);
  if (run.shards > 1) facts.push(['Shards', `${run.shards} (merged)`]);
  if (report.k6 && !report.k6.skipped) {
    const exit = report.k6.exitCode === undefined ? '' : `, exit ${report.k6.exitCode} (${describeK6Exit(report.k6.exitCode)})`;
    facts.push(['k6', `${report.k6.k6Version ?? 'version unknown'}${exit}`]);
  }
  facts.push(['Harness', run.harnessVersion]);
  if (run.interrupted) facts.push(['Interrupted', run.interrupted.reason]);
  return facts;
}

export function describeK6Exit(code: number): string {
  if (code === 0) return 'thresholds held';
  if (code === 99) return 'thresholds breached';
  return 'k6 failed';
}

export function runDurationS(run: LoadRunInfo): number | undefined {
  if (!run.finishedAt) return undefined;
  const ms = Date.parse(run.finishedAt) - Date.parse(run.startedAt);
  return Number.isFinite(ms) && ms >= 0 ? ms / 1000 : undefined;
}

export function formatRunDuration(run: LoadRunInfo): string {
  const s = runDurationS(run);
  if (s === undefined) return 'unknown';
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 60) return `${Math.round(s * 10) / 10} s`;
  const whole = Math.round(s);
  return `${Math.floor(whole / 60)} min ${whole % 60} s`;
}

/** `12,345` */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** `0.25%`, `12.5%`, `100%`: enough digits to see a small loss. */
export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return '–';
  const pct = fraction * 100;
  if (pct === 0 || pct === 100) return `${pct}%`;
  if (Math.abs(pct) < 0.01) return `${pct.toPrecision(1)}%`;
  return `${pct < 1 ? pct.toFixed(2) : pct < 10 ? pct.toFixed(1) : Math.round(pct * 10) / 10}%`;
}

/** `150.3/s` */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return '–';
  return `${perSecond >= 100 ? Math.round(perSecond).toLocaleString('en-US') : Math.round(perSecond * 10) / 10}/s`;
}

export function latencyTriple(h: LatencyHistogram | undefined): string {
  if (!h || h.count === 0) return 'no samples';
  return `p50 ${formatMs(h.p50)} · p95 ${formatMs(h.p95)} · p99 ${formatMs(h.p99)} · max ${formatMs(h.max)}`;
}

/** How long the k6 part ran, for rates: its timeline's span, else the run's duration. */
export function k6DurationS(report: LoadReport): number | undefined {
  const timeline = report.k6?.timeline ?? [];
  if (timeline.length > 1) return timeline[timeline.length - 1]!.t - timeline[0]!.t + 1;
  return runDurationS(report.run);
}

/** QoS keys in order: 0, 1, 2 (anything else after, as text). */
export function qosKeys(record: Record<string, unknown>): string[] {
  return Object.keys(record).sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
}

export interface DeliveryRow {
  qos: string;
  published: number;
  expected: number;
  received: number;
  lost: number;
  duplicated: number;
  /** lost / expected */
  lossRate: number;
  /** a loss where the broker promised delivery */
  failed: boolean;
  e2e?: LatencyHistogram;
}

export function deliveryRows(swarm: SwarmPart): DeliveryRow[] {
  return qosKeys(swarm.delivery).map((qos) => {
    const d = swarm.delivery[qos]!;
    const row: DeliveryRow = { qos, ...d, lossRate: d.expected > 0 ? d.lost / d.expected : 0, failed: ASSURED_QOS.has(qos) && d.lost > 0 };
    const e2e = swarm.e2eLatency[qos];
    if (e2e) row.e2e = e2e;
    return row;
  });
}

/** A part that did not run, and why, in the words the views print. */
export function skippedParts(report: LoadReport): { part: string; reason: string }[] {
  const out: { part: string; reason: string }[] = [];
  if (report.k6?.skipped !== undefined) out.push({ part: 'k6', reason: report.k6.skipped });
  if (report.swarm?.skipped !== undefined) out.push({ part: 'swarm', reason: report.swarm.skipped });
  return out;
}

/** What fails this load run, as the exit code and CI see it: breached thresholds, loss at QoS 1/2, an interruption, k6 failing. */
export function loadFailures(report: LoadReport): string[] {
  const out: string[] = [];
  const k6 = report.k6;
  if (k6 && !k6.skipped) {
    for (const t of k6.thresholds) if (!t.ok) out.push(`threshold breached: ${t.metric} ${t.expression}`);
    if (k6.exitCode !== undefined && k6.exitCode !== 0 && k6.exitCode !== 99) out.push(`k6 failed with exit code ${k6.exitCode}`);
  }
  if (report.swarm && !report.swarm.skipped) {
    for (const row of deliveryRows(report.swarm)) if (row.failed) out.push(`QoS ${row.qos}: ${formatCount(row.lost)} of ${formatCount(row.expected)} messages lost (${formatPercent(row.lossRate)})`);
  }
  if (report.run.interrupted) out.push(`interrupted: ${report.run.interrupted.reason}`);
  return out;
}

export interface KneeFacts {
  /** the rate drawn as the knee: the knee, or the highest rate when the ramp never broke */
  markRate?: number;
  /** one sentence */
  text: string;
  /** the first step that broke, if any */
  firstBroken?: CapacityResult['steps'][number];
}

export function kneeFacts(c: CapacityResult): KneeFacts {
  const firstBroken = c.steps.find((s) => !s.held);
  const why = firstBroken ? `; ${formatRate(firstBroken.rate)} broke: ${firstBroken.breaches.join(', ') || 'a threshold did not hold'}` : '';
  if (c.neverBroke) {
    return { markRate: c.highestRateTried, text: `No knee found: every step held up to the highest rate tried, ${formatRate(c.highestRateTried)}; capacity is at least that.` };
  }
  if (c.kneeRate === undefined) {
    const first = c.steps[0];
    const out: KneeFacts = { text: `No knee: even the first step (${formatRate(first?.rate ?? 0)}) broke: ${first?.breaches.join(', ') || 'a threshold did not hold'}.` };
    if (firstBroken) out.firstBroken = firstBroken;
    return out;
  }
  const out: KneeFacts = { markRate: c.kneeRate, text: `Knee at ${formatRate(c.kneeRate)}: the last rate at which every threshold held${why}.` };
  if (firstBroken) out.firstBroken = firstBroken;
  return out;
}

export { reportNotes };
