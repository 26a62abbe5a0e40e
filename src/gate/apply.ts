// Applying a gate to a contract run: which failures fail the gate, which a live waiver
// turns into `waived`, which waivers expired (each fails the gate) and which matched
// nothing (stale, a warning). Pure; the day is a parameter (docs/gating.md, "How a gate is applied").
import { UsageError } from '../errors.ts';
import { type CheckKind, type Finding, failsTheRun } from '../findings.ts';
import { waiverMatches } from './match.ts';
import { CHECK_KINDS, type ContractGateResult, type Gate, type LoadedGate, type Waiver } from './model.ts';
import { dayOf, daysAgo, isCalendarDate, waiverLabel } from './words.ts';

/** The check kinds a gate holds when it lists none: all of them but undocumented-field, as a run without a gate. */
export const DEFAULT_GATE_CHECKS: readonly CheckKind[] = CHECK_KINDS.filter((k) => k !== 'undocumented-field');

export interface GateOutcome {
  /** every finding, those a live waiver covers now `waived` */
  findings: Finding[];
  waived: Finding[];
  /** one line per expired waiver */
  expired: string[];
  /** one line per live waiver that matched no failure */
  stale: string[];
  /** findings that fail the gate */
  failing: Finding[];
  /** failures of kinds the gate leaves out: reported, not failing */
  outside: Finding[];
  passed: boolean;
}

/** What the command line adds: --strict-docs / --strict-fields only ever make a gate stricter. */
export interface GateFlags {
  strictDocs?: boolean;
  strictFields?: boolean;
}

/** The check kinds whose failures fail the gate. */
export function gateChecks(gate: Gate, flags: GateFlags = {}): Set<CheckKind> {
  const c = gate.contract;
  const kinds = new Set<CheckKind>(c?.checks ?? DEFAULT_GATE_CHECKS);
  if (c?.strictFields || flags.strictFields) kinds.add('undocumented-field');
  return kinds;
}

export function applyGateToFindings(findings: Finding[], gate: Gate, now: Date | string, flags: GateFlags = {}): GateOutcome {
  const today = dayOf(now);
  const kinds = gateChecks(gate, flags);
  const strictDocs = !!(gate.contract?.strictDocs || flags.strictDocs);
  const waivers = (gate.waivers ?? []).map((w, i) => ({ w, n: i + 1, expired: w.expires < today, matched: 0 }));
  const out: GateOutcome = { findings: [], waived: [], expired: [], stale: [], failing: [], outside: [], passed: false };

  for (const f of findings) {
    // what a waiver can waive: a failure of any kind, a known deviation when they count
    const waivable = f.verdict === 'fail' || (f.verdict === 'known-deviation' && strictDocs);
    if (!waivable) {
      out.findings.push(f);
      continue;
    }
    const live = waivers.filter((x) => !x.expired && waiverMatches(x.w, f));
    for (const x of live) x.matched++;
    const first = live[0];
    if (first) {
      const was = f.verdict === 'known-deviation' ? `; was a known deviation${f.erratum ? ` (erratum ${f.erratum})` : ''}` : '';
      const waived: Finding = { ...f, verdict: 'waived', reason: `${waiverReason(first.w, first.n)}${was}` };
      out.findings.push(waived);
      out.waived.push(waived);
      continue;
    }
    out.findings.push(f);
    // as a run without a gate decides, with the gate's strictness and check kinds; undocumented
    // fields the gate does not hold are reported apart, as without a gate, not as "outside"
    if (kinds.has(f.check)) {
      if (failsTheRun(f, { strictFields: true, strictDocs })) out.failing.push(f);
    } else if (failsTheRun(f, { strictFields: false, strictDocs })) out.outside.push(f);
  }

  for (const x of waivers) {
    if (x.expired) out.expired.push(`waiver #${x.n} (${waiverLabel(x.w)}, owner ${x.w.owner}) expired on ${x.w.expires}, ${daysAgo(x.w.expires, today)}`);
    else if (x.matched === 0) {
      const onlyKnown = !strictDocs && findings.some((f) => f.verdict === 'known-deviation' && waiverMatches(x.w, f));
      out.stale.push(`waiver #${x.n} (${waiverLabel(x.w)}, owner ${x.w.owner}, expires ${x.w.expires}) is stale: it matched no failure${onlyKnown ? ' (it matches known deviations, which count only with contract.strictDocs: true)' : ''}`);
    }
  }
  out.passed = out.failing.length === 0 && out.expired.length === 0;
  return out;
}

/** The gate's part of findings.json. */
export function contractGateResult(loaded: LoadedGate, o: GateOutcome): ContractGateResult {
  return { file: loaded.file, passed: o.passed, waived: o.waived.length, failing: o.failing.length, outside: o.outside.length, expired: o.expired, stale: o.stale };
}

function waiverReason(w: Waiver, n: number): string {
  return `waived by waiver #${n} (${waiverLabel(w)}): ${w.reason} (owner ${w.owner}, expires ${w.expires})`;
}

/**
 * A run on another target than the gate names is a usage error. `names` are the run's
 * targets as findings name them (`v4`, `cloud`, `v3`).
 */
export function assertGateTarget(loaded: LoadedGate, profile: string, names: string[]): void {
  const t = loaded.gate.target;
  if (t?.profile && t.profile !== profile) throw new UsageError(`--gate ${loaded.file} is meant for profile ${t.profile}, but this run's profile is ${profile}`);
  if (t?.apiVersion && (names.length !== 1 || names[0] !== t.apiVersion)) {
    throw new UsageError(`--gate ${loaded.file} is meant for API version ${t.apiVersion}, but this run checks ${names.join(' + ') || 'an unknown version'}${names.length > 1 ? ` (choose one with --api-version ${t.apiVersion})` : ''}`);
  }
}

/** Today as YYYY-MM-DD: env EMQX_HARNESS_TODAY when set (tests), else the machine's local date. */
export function gateToday(env: NodeJS.ProcessEnv = process.env, now: Date = new Date()): string {
  const given = env.EMQX_HARNESS_TODAY;
  if (given !== undefined) {
    if (!isCalendarDate(given)) throw new UsageError(`EMQX_HARNESS_TODAY must be a date YYYY-MM-DD, got "${given}"`);
    return given;
  }
  return dayOf(now);
}
