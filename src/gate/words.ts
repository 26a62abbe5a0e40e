// The gate's words and days, shared by the gate and the report views; no heavy imports.
import type { ContractGateResult, Waiver } from './model.ts';

/** One line for the terminal and summary.md: the gate's verdict and why. */
export function gateVerdictLine(g: ContractGateResult): string {
  const why = [g.failing ? count(g.failing, 'failure') : '', g.expired.length ? count(g.expired.length, 'expired waiver') : ''].filter(Boolean);
  const notes = [
    `${g.waived} waived`,
    ...(g.outside ? [`${count(g.outside, 'failure')} outside the gate's check kinds (reported only)`] : []),
    ...(g.stale.length ? [count(g.stale.length, 'stale waiver')] : []),
  ];
  return `gate ${g.file}: ${g.passed ? 'passed' : `failed (${why.join(', ')})`}; ${notes.join(', ')}`;
}

/** How messages name a waiver: endpoint, check and pointer pattern, e.g. `v4.list_clients schema /data/0/port`. */
export function waiverLabel(w: Waiver): string {
  return `${w.endpoint} ${w.check}${w.pointer === undefined ? '' : ` ${w.pointer === '' ? '""' : w.pointer}`}`;
}

/** YYYY-MM-DD naming a day that exists. */
export function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** A Date as the local day YYYY-MM-DD; a string is taken as that day already. */
export function dayOf(now: Date | string): string {
  if (typeof now === 'string') return now;
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** `2 days ago` from `day` to `today` (both YYYY-MM-DD). */
export function daysAgo(day: string, today: string): string {
  const n = Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${day}T00:00:00Z`)) / 86_400_000);
  return n === 1 ? '1 day ago' : `${n} days ago`;
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
