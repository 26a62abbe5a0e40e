// The words and symbols every view uses for a run and its verdicts. Each verdict has a
// symbol as well as a colour so that no view depends on telling red from green.
import { readablePointer, type Verdict } from '../findings.ts';
import type { RunInfo } from './model.ts';

export const VERDICT_SYMBOL: Record<Verdict, string> = {
  pass: '✓',
  fail: '✗',
  'known-deviation': '≠',
  'not-implemented': '∅',
  skipped: '↷',
  waived: '⚑',
};

/** The run's facts as label/value pairs, in the order the header and summaries show them. */
export function runFacts(run: RunInfo): [label: string, value: string][] {
  const facts: [string, string][] = [
    ['Run', run.id],
    ['Target', run.target],
    ['API version', run.apiVersion],
    ['EMQX version', run.emqxVersion ?? 'unknown'],
    ['Profile', run.profile],
    ['Policy', describePolicy(run.policy)],
    ['Started', run.startedAt],
    ['Finished', run.finishedAt ?? '(did not finish)'],
    ['Duration', formatDuration(run)],
    ['Harness', run.harnessVersion],
  ];
  if (run.interrupted) facts.push(['Interrupted', describeInterruption(run)]);
  return facts;
}

export function describePolicy(policy: RunInfo['policy']): string {
  const allowed = (yes: boolean): string => (yes ? 'allowed' : 'not allowed');
  return `mutations ${allowed(policy.mutations)}, disruptive ${allowed(policy.disruptive)}`;
}

export function describeInterruption(run: RunInfo): string {
  if (!run.interrupted) return '';
  const last = run.interrupted.lastRequest ? ` (last request: ${run.interrupted.lastRequest})` : '';
  return `${run.interrupted.reason}${last}`;
}

export function durationMs(run: RunInfo): number | undefined {
  if (!run.finishedAt) return undefined;
  const ms = Date.parse(run.finishedAt) - Date.parse(run.startedAt);
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

export function formatDuration(run: RunInfo): string {
  const ms = durationMs(run);
  if (ms === undefined) return 'unknown';
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 100) / 10;
  if (s < 60) return `${s} s`;
  const whole = Math.round(ms / 1000);
  return `${Math.floor(whole / 60)} min ${whole % 60} s`;
}

export function formatMs(ms: number): string {
  return ms >= 100 ? `${Math.round(ms)} ms` : `${Math.round(ms * 10) / 10} ms`;
}

/** `data[3].port (/data/3/port)`; the whole body reads `(body)`. */
export function describePointer(pointer: string): string {
  return pointer === '' ? readablePointer(pointer) : `${readablePointer(pointer)} (${pointer})`;
}
