// Step-ramp arithmetic of the capacity profile: which arrival rate each step holds and when,
// the k6 stages that make k6's ramping-arrival-rate executor follow it, and which step a
// moment of the run belongs to. Pure (k6 and Node import it).

export interface RampSpec {
  startRate: number;
  stepRate: number;
  steps: number;
  stepDurationS: number;
}

export interface RampStep {
  index: number;
  rate: number;
  /** seconds since the scenario started */
  startS: number;
  durationS: number;
}

/** How long the executor takes to move from one step's rate to the next. */
export const STEP_RAMP_S = 1;

export function rampSteps(r: RampSpec): RampStep[] {
  return Array.from({ length: r.steps }, (_, index) => ({ index, rate: r.startRate + index * r.stepRate, startS: index * r.stepDurationS, durationS: r.stepDurationS }));
}

/**
 * k6 stages: the first step starts at its rate (startRate), each later one ramps for
 * STEP_RAMP_S and holds for the rest of its step, so step i spans [i·d, (i+1)·d).
 */
export function rampStages(r: RampSpec): { target: number; duration: string }[] {
  return rampSteps(r).flatMap((s) =>
    s.index === 0
      ? [{ target: s.rate, duration: `${s.durationS}s` }]
      : [
          { target: s.rate, duration: `${STEP_RAMP_S}s` },
          { target: s.rate, duration: `${s.durationS - STEP_RAMP_S}s` },
        ],
  );
}

/** The step a moment (seconds since the scenario started) belongs to, clamped to the ramp. */
export function stepAt(r: RampSpec, elapsedS: number): number {
  return Math.min(r.steps - 1, Math.max(0, Math.floor(elapsedS / r.stepDurationS)));
}
