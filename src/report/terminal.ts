// The one screen printed at the end of a run: what failed, how much, and where the report is.
import { join } from 'node:path';
import type { Verdict } from '../findings.ts';
import type { Finding } from '../findings.ts';
import { countByVerdict, type RunReport } from './model.ts';
import { oneLine, plural, truncate } from './text.ts';
import { describeInterruption, formatDuration, VERDICT_SYMBOL } from './facts.ts';
import { failures, knownDeviationsTitle, notImplementedEndpoints, VERDICTS_WORST_FIRST } from './group.ts';

export interface TerminalOptions {
  /** ANSI colour; defaults to on for a TTY unless NO_COLOR is set. Off in CI logs and pipes. */
  color?: boolean;
  /** columns to fit; defaults to the terminal's width, or 100 */
  width?: number;
}

const MAX_FAILURE_LINES = 15;
const COUNT_GAP = '   ';

const ANSI: Record<Verdict | 'bold' | 'warn', string> = {
  fail: '31',
  'known-deviation': '35',
  'not-implemented': '33',
  skipped: '90',
  waived: '36',
  pass: '32',
  bold: '1',
  warn: '1;33',
};

export function terminalSummary(report: RunReport, reportDir: string, opts: TerminalOptions = {}): string {
  const color = opts.color ?? (Boolean(process.stdout.isTTY) && process.env.NO_COLOR === undefined);
  const width = Math.max(40, opts.width ?? process.stdout.columns ?? 100);
  const paint = (style: keyof typeof ANSI, text: string): string =>
    color ? `\u001b[${ANSI[style]}m${text}\u001b[0m` : text;
  const fit = (text: string, room = width): string => truncate(oneLine(text), room);

  const { run } = report;
  // Undocumented fields are reported apart and don't fail the run (unless --strict-fields),
  // so the fail count is the contract failures only, as the exit code sees them.
  const { contract, undocumented } = failures(report.findings);
  const counts = { ...countByVerdict(report.findings), fail: contract.length };
  const lines = [
    paint('bold', fit(`EMQX API contract run ${run.id}`)),
    fit(`${run.apiVersion} · ${run.target} · ${formatDuration(run)}`),
  ];
  if (run.interrupted) {
    lines.push(paint('warn', fit(`⚠ interrupted, partial report: ${describeInterruption(run)}`)));
  }
  // The counts wrap rather than truncate: every number has to stay on screen.
  const countTexts = VERDICTS_WORST_FIRST.map((v) => ({ v, text: `${VERDICT_SYMBOL[v]} ${counts[v]} ${v}` }));
  for (const row of wrap(countTexts, (c) => [...c.text].length, width, COUNT_GAP.length)) {
    lines.push(row.map(({ v, text }) => (counts[v] ? paint(v, text) : text)).join(COUNT_GAP));
  }

  if (undocumented.length) {
    lines.push(fit(`◇ ${plural(undocumented.length, 'undocumented field')} reported apart (not failures unless --strict-fields)`));
  }
  // Contract failures first: an undocumented field matters less than a wrong type.
  const listed: [string, Finding[]][] = [['Failures:', contract], ['Undocumented fields:', undocumented]];
  let room = MAX_FAILURE_LINES;
  for (const [title, list] of listed) {
    if (!list.length) continue;
    lines.push('', paint('bold', title));
    for (const f of list.slice(0, Math.max(room, 1))) lines.push(`  ${paint('fail', VERDICT_SYMBOL.fail)} ${fit(f.message, width - 4)}`);
    const shown = Math.min(list.length, Math.max(room, 1));
    if (list.length > shown) lines.push(`  … and ${list.length - shown} more`);
    room -= shown;
  }

  const known = report.findings.filter((f) => f.verdict === 'known-deviation');
  if (known.length) {
    lines.push('', paint('bold', `${knownDeviationsTitle(report)}:`));
    // where and what, then the erratum: the document's side is in the erratum
    for (const f of known.slice(0, MAX_FAILURE_LINES)) lines.push(`  ${paint('known-deviation', VERDICT_SYMBOL['known-deviation'])} ${fit(`${f.message.split(': expected ')[0]}: ${f.actual ?? ''} [${f.erratum}]`, width - 4)}`);
    if (known.length > MAX_FAILURE_LINES) lines.push(`  … and ${known.length - MAX_FAILURE_LINES} more`);
    lines.push(fit('  (true about the broker and recorded in schemas/ERRATA.md; they fail the run only with --strict-docs)'));
  }

  const missing = notImplementedEndpoints(report).length;
  if (missing)
    lines.push(
      '',
      paint('not-implemented', `${VERDICT_SYMBOL['not-implemented']} ${plural(missing, 'endpoint')} not implemented`),
    );

  lines.push('', `Report: ${join(reportDir, 'index.html')}`);
  return `${lines.join('\n')}\n`;
}

/** Items into rows no wider than `width`, `gap` columns between neighbours. */
function wrap<T>(items: T[], size: (item: T) => number, width: number, gap: number): T[][] {
  const rows: T[][] = [];
  let row: T[] = [];
  let used = 0;
  for (const item of items) {
    const next = row.length ? used + gap + size(item) : size(item);
    if (row.length && next > width) {
      rows.push(row);
      row = [];
      used = size(item);
    } else used = next;
    row.push(item);
  }
  if (row.length) rows.push(row);
  return rows;
}
