// The words, symbols and colours every view of a comparison uses (compare.md, compare.html),
// so both say the same thing. Every kind of change has a symbol as well as a colour, so no
// view depends on telling red from green; the colours are the run report's verdict tints
// (src/report/html-assets.ts, after the Okabe–Ito palette).
import { readablePointer, type Verdict } from '../findings.ts';
import { VERDICT_SYMBOL } from '../report/facts.ts';
import { VERDICTS_WORST_FIRST } from '../report/group.ts';
import type { ContractChangeKind, MetricComparison, ShapeChangeKind, VerdictCounts } from './model.ts';

export interface KindWords {
  symbol: string;
  title: string;
  /** for counts: `3 newly failing` */
  short?: string;
  /** the verdict tint of the run report the change is shown in */
  tint: Verdict;
}

export const CHANGE_WORDS: Record<ContractChangeKind, KindWords> = {
  'newly-failing': { symbol: '✗', title: 'Newly failing', tint: 'fail' },
  'newly-passing': { symbol: '✓', title: 'Newly passing', tint: 'pass' },
  'no-longer-failing': { symbol: '○', title: 'No longer failing (not passing either: skipped, not implemented or not run)', short: 'no longer failing', tint: 'skipped' },
  'newly-not-implemented': { symbol: '∅', title: 'Newly not implemented', tint: 'not-implemented' },
  'no-longer-not-implemented': { symbol: '⊕', title: 'Implemented now', tint: 'pass' },
  'known-deviation-appeared': { symbol: '≠', title: 'Known deviations that appeared', tint: 'known-deviation' },
  'known-deviation-gone': { symbol: '=', title: 'Known deviations that went away', tint: 'pass' },
  'undocumented-field-appeared': { symbol: '+', title: 'Undocumented fields that appeared', tint: 'waived' },
  'undocumented-field-gone': { symbol: '−', title: 'Undocumented fields that went away', tint: 'skipped' },
  'newly-skipped': { symbol: '↷', title: 'Passed in A, only skipped in B', short: 'newly skipped', tint: 'skipped' },
  'no-longer-skipped': { symbol: '↺', title: 'Skipped in A, checked in B', short: 'no longer skipped', tint: 'pass' },
};

export const SHAPE_WORDS: Record<ShapeChangeKind, KindWords> = {
  renamed: { symbol: '→', title: 'renamed', tint: 'known-deviation' },
  retyped: { symbol: '~', title: 'type changed', tint: 'not-implemented' },
  removed: { symbol: '−', title: 'removed', tint: 'not-implemented' },
  added: { symbol: '+', title: 'added', tint: 'pass' },
};

export const METRIC_WORDS: Record<MetricComparison['verdict'], KindWords> = {
  regression: { symbol: '✗', title: 'regression', tint: 'fail' },
  improvement: { symbol: '✓', title: 'improvement', tint: 'pass' },
  unchanged: { symbol: '=', title: 'within tolerance', tint: 'skipped' },
  'not-comparable': { symbol: '?', title: 'not comparable', tint: 'waived' },
};

export const BEHAVIOUR_WORDS: KindWords = { symbol: '⇄', title: 'Behaviour that changed with the release', tint: 'known-deviation' };

/** `✓3 ✗1`, worst last so the eye lands on it; `–` for nothing. */
export function describeCounts(c: VerdictCounts): string {
  const parts = [...VERDICTS_WORST_FIRST].reverse().filter((v) => (c[v] ?? 0) > 0).map((v) => `${VERDICT_SYMBOL[v]}${c[v]}`);
  return parts.length ? parts.join(' ') : '–';
}

/** A pointer pattern as people read it: `data[*].port`; the whole body `(body)`. */
export function describeField(pointer: string): string {
  return readablePointer(pointer).replace(/\["\*"\]|\[\*\]/g, '[*]').replace(/\["\{key\}"\]/g, '[{key}]');
}

/** 12.3 ms, 150/s, 0.25%, +12.5% */
export function formatMetric(value: number | undefined, unit: MetricComparison['unit']): string {
  if (value === undefined || !Number.isFinite(value)) return '–';
  switch (unit) {
    case 'ms':
      return value >= 100 ? `${Math.round(value)} ms` : `${Math.round(value * 100) / 100} ms`;
    case '/s':
      return `${value >= 100 ? Math.round(value).toLocaleString('en-US') : Math.round(value * 10) / 10}/s`;
    case 'fraction':
      return formatPercent(value);
    default:
      return Math.round(value).toLocaleString('en-US');
  }
}

export function formatChange(change: number | undefined): string {
  if (change === undefined || !Number.isFinite(change)) return '–';
  const pct = Math.round(change * 1000) / 10;
  return `${pct > 0 ? '+' : ''}${pct}%`;
}

function formatPercent(fraction: number): string {
  const pct = fraction * 100;
  if (pct === 0 || pct === 100) return `${pct}%`;
  if (Math.abs(pct) < 0.01) return `${pct.toPrecision(1)}%`;
  return `${pct < 1 ? pct.toFixed(2) : pct < 10 ? pct.toFixed(1) : Math.round(pct * 10) / 10}%`;
}
