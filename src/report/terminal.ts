// The one screen printed at the end of a run: what failed, how much, and where the report is.
import { join } from 'node:path';
import type { Verdict } from '../findings.ts';
import type { Finding } from '../findings.ts';
import { countByVerdict, type RunReport } from './model.ts';
import { oneLine, plural, truncate } from './text.ts';
import { describeInterruption, describePointer, formatDuration, VERDICT_SYMBOL } from './facts.ts';
import { endpointDirectory, failures, groupBy, knownDeviationsTitle, notImplementedEndpoints, VERDICTS_WORST_FIRST } from './group.ts';
import { gateVerdictLine } from '../gate/words.ts';

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
  const directory = endpointDirectory(report);
  const multiTarget = run.apiVersion.includes('+');
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
  // Contract failures first, each once, as a finding grouped by endpoint (never the test
  // runner's stack traces), with the report's link to its details and curl; an undocumented
  // field matters less than a wrong type.
  const endpointHeading = (f: Finding): string => {
    const e = directory.get(f.endpoint);
    return `${f.endpoint}${e ? `  ${e.method} ${e.path}` : ''}${f.target && multiTarget ? `  [${f.target}]` : ''}  → index.html#endpoint=${f.endpoint}&check=${f.check}`;
  };
  if (contract.length) {
    const byEndpoint = [...groupBy(contract, (f) => `${f.target ?? ''}\u0000${f.endpoint}`).values()];
    lines.push('', paint('bold', `Failures (${contract.length}, on ${plural(byEndpoint.length, 'endpoint')}):`));
    let room = MAX_FAILURE_LINES;
    let shown = 0;
    let endpointsShown = 0;
    for (const group of byEndpoint) {
      if (room <= 0) break;
      lines.push(`  ${fit(endpointHeading(group[0]!), width - 2)}`);
      for (const f of group.slice(0, room)) lines.push(`    ${paint('fail', VERDICT_SYMBOL.fail)} ${fit(findingLine(f), width - 6)}`);
      const n = Math.min(group.length, room);
      shown += n;
      room -= n;
      endpointsShown++;
    }
    if (contract.length > shown) lines.push(`  … and ${plural(contract.length - shown, 'more failure')}${byEndpoint.length > endpointsShown ? ` (${plural(byEndpoint.length - endpointsShown, 'more endpoint')})` : ''}: ${join(reportDir, 'summary.md')}`);
  }
  if (undocumented.length) {
    // one line an endpoint: the names are what a reader needs, not one line per item of a list
    lines.push('', paint('bold', 'Undocumented fields (reported apart):'));
    const byEndpoint = [...groupBy(undocumented, (f) => f.endpoint).entries()];
    for (const [endpoint, group] of byEndpoint.slice(0, MAX_FAILURE_LINES)) {
      const names = [...new Set(group.map((f) => (f.pointer ?? '').split('/').at(-1)!.replace(/~1/g, '/').replace(/~0/g, '~')))];
      lines.push(`  ${fit(`${endpoint}: ${names.join(', ')}`, width - 2)}`);
    }
    if (byEndpoint.length > MAX_FAILURE_LINES) lines.push(`  … and ${plural(byEndpoint.length - MAX_FAILURE_LINES, 'more endpoint')}: ${join(reportDir, 'summary.md')}`);
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

  // the gate's verdict, then each expired (failing) and stale (warning) waiver, never truncated
  if (report.gate) {
    const g = report.gate;
    lines.push('', paint(g.passed ? 'pass' : 'fail', oneLine(`${VERDICT_SYMBOL[g.passed ? 'pass' : 'fail']} ${gateVerdictLine(g)}`)));
    for (const e of g.expired) lines.push(`  ${paint('fail', VERDICT_SYMBOL.fail)} ${oneLine(e)}`);
    for (const s of g.stale) lines.push(`  ${paint('warn', '⚠')} ${oneLine(s)}`);
  }

  lines.push('', `Report: ${join(reportDir, 'index.html')}`);
  return `${lines.join('\n')}\n`;
}

/** A failure in one line: check, where, expected and actual (the message when there is no comparison). */
function findingLine(f: Finding): string {
  const where = f.pointer === undefined ? '' : ` ${describePointer(f.pointer)}`;
  if (f.expected === undefined && f.actual === undefined) return `${f.check}${where}: ${f.message}`;
  return `${f.check}${where}: expected ${f.expected ?? '?'}, got ${f.actual ?? '?'}`;
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
