// The capacity profile's verdict: each step of the ramp judged on its own samples against the
// thresholds, and the knee — the last rate at which every threshold held.
//
// A step holds when its p95 and p99 are under the limits, its failed, `code != 0` and check
// rates are within them, and k6 started at least MIN_ACHIEVED of the iterations the step asked
// for (dropped iterations mean the target answered too slowly for the VUs to keep up).
// The knee is the rate of the step before the first *confirmed* breach: a breach followed by
// another breach, or on the last step. A single breached step between held ones is noise on a
// 2-core machine shared by k6 and the broker; it stays visible in the step table.
import type { RampSpec } from '../../load/lib/ramp.ts';
import { rampSteps } from '../../load/lib/ramp.ts';
import type { Thresholds } from '../../load/lib/options.ts';
import { type Histogram, summarize } from './histogram.ts';
import type { CapacityResult, CapacityStep } from './model.ts';

export const MIN_ACHIEVED = 0.95;

export interface StepSamples {
  requests: number;
  failed: number;
  codeErrors: number;
  /** answers the code-error rate is taken over */
  codeChecked: number;
  checksPassed: number;
  checksFailed: number;
  iterations: number;
  dropped: number;
  latency: Histogram;
}

export function judgeStep(rate: number, durationS: number, s: StepSamples | undefined, t: Thresholds): Omit<CapacityStep, 'startS'> {
  const breaches: string[] = [];
  if (!s || s.requests === 0) {
    return { rate, durationS, achievedRate: 0, p95Ms: 0, p99Ms: 0, failedRate: 0, codeErrorRate: 0, checkRate: 0, droppedIterations: s?.dropped ?? 0, held: false, breaches: ['no request completed in this step'] };
  }
  const h = summarize(s.latency);
  const failedRate = s.failed / s.requests;
  const codeErrorRate = s.codeChecked ? s.codeErrors / s.codeChecked : 0;
  const checks = s.checksPassed + s.checksFailed;
  const checkRate = checks ? s.checksPassed / checks : 1;
  const achievedRate = s.iterations / durationS;
  const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;
  if (!(h.p95 < t.p95Ms)) breaches.push(`p95 ${h.p95} ms ≥ ${t.p95Ms} ms`);
  if (!(h.p99 < t.p99Ms)) breaches.push(`p99 ${h.p99} ms ≥ ${t.p99Ms} ms`);
  if (!(failedRate < t.failedRate) && s.failed > 0) breaches.push(`failed ${pct(failedRate)} ≥ ${pct(t.failedRate)}`);
  if (!(codeErrorRate < t.codeErrorRate) && s.codeErrors > 0) breaches.push(`code≠0 ${pct(codeErrorRate)} ≥ ${pct(t.codeErrorRate)}`);
  if (!(checkRate > t.checkRate) && s.checksFailed > 0) breaches.push(`checks ${pct(checkRate)} ≤ ${pct(t.checkRate)}`);
  if (s.dropped > 0 && s.iterations < MIN_ACHIEVED * (s.iterations + s.dropped)) breaches.push(`${s.dropped} iterations dropped (k6 kept ${pct(s.iterations / (s.iterations + s.dropped))} of the rate)`);
  const round = (x: number): number => Math.round(x * 1e4) / 1e4;
  return { rate, durationS, achievedRate: round(achievedRate), p95Ms: h.p95, p99Ms: h.p99, failedRate: round(failedRate), codeErrorRate: round(codeErrorRate), checkRate: round(checkRate), droppedIterations: s.dropped, held: breaches.length === 0, breaches };
}

/** The knee from judged steps (see the header for the rule). */
export function findKnee(steps: Pick<CapacityStep, 'rate' | 'held'>[]): { kneeRate?: number; neverBroke: boolean } {
  const confirmed = steps.findIndex((s, i) => !s.held && (i === steps.length - 1 || !steps[i + 1]!.held));
  if (confirmed === -1) return { kneeRate: steps.filter((s) => s.held).at(-1)?.rate, neverBroke: true };
  const before = steps.slice(0, confirmed).filter((s) => s.held).at(-1);
  return { kneeRate: before?.rate, neverBroke: false };
}

export function judgeSteps(spec: RampSpec, samples: Map<number, StepSamples>, t: Thresholds): CapacityResult {
  const steps: CapacityStep[] = rampSteps(spec).map((r) => ({ ...judgeStep(r.rate, r.durationS, samples.get(r.index), t), startS: r.startS }));
  const { kneeRate, neverBroke } = findKnee(steps);
  return { steps, ...(kneeRate !== undefined ? { kneeRate } : {}), neverBroke, highestRateTried: steps.at(-1)?.rate ?? 0 };
}
