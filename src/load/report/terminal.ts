// The screen printed at the end of a load run, in the shape k6 users know: thresholds with
// ✓/✗ first, then dotted totals, latency percentiles, the swarm's delivery per QoS, REST→MQTT,
// the capacity knee with its steps, and where the files are. Plain text with optional ANSI
// colour; every verdict also carries its symbol.
import { join } from 'node:path';
import { redact } from '../../report/redact.ts';
import { oneLine, truncate } from '../../report/text.ts';
import type { LoadReport } from '../model.ts';
import {
  BREACHED,
  deliveryRows,
  describeK6Exit,
  formatCount,
  formatMs,
  formatPercent,
  formatRate,
  formatRunDuration,
  HELD,
  k6DurationS,
  kneeFacts,
  latencyTriple,
  reportNotes,
  SKIPPED,
  skippedParts,
  WARN,
} from './facts.ts';

export interface LoadTerminalOptions {
  /** ANSI colour; defaults to on for a TTY unless NO_COLOR is set */
  color?: boolean;
  /** columns to fit; defaults to the terminal's width, or 100 */
  width?: number;
  /** replaced by *** wherever they appear (the target, a skip reason echoing a command line) */
  secrets?: string[];
}

/** The files a load run writes, in the order the summary lists them. */
export const LOAD_VIEW_FILES = ['load.html', 'load.json', 'junit.xml'] as const;

const ANSI = { ok: '32', bad: '31', warn: '1;33', muted: '90', bold: '1' } as const;

export function loadTerminalSummary(report: LoadReport, reportDir: string, opts: LoadTerminalOptions = {}): string {
  const color = opts.color ?? (Boolean(process.stdout.isTTY) && process.env.NO_COLOR === undefined);
  const width = Math.max(40, opts.width ?? process.stdout.columns ?? 100);
  const paint = (style: keyof typeof ANSI, text: string): string => (color ? `\u001b[${ANSI[style]}m${text}\u001b[0m` : text);
  const fit = (text: string, room = width): string => truncate(oneLine(text), room);
  const { run } = report;
  const lines: string[] = [];

  lines.push(paint('bold', fit(`EMQX load run ${run.id}${run.shards > 1 ? ` (${run.shards} shards merged)` : ''}`)));
  lines.push(fit([run.scenario, run.profile, run.target, formatRunDuration(run)].filter(Boolean).join(' · ')));
  if (run.interrupted) lines.push(paint('warn', fit(`${WARN} interrupted, partial report: ${run.interrupted.reason}`)));
  for (const s of skippedParts(report)) lines.push(paint('muted', fit(`${SKIPPED} ${s.part} part skipped: ${s.reason}`)));

  const k6 = report.k6;
  if (k6 && !k6.skipped) {
    const exit = k6.exitCode === undefined ? '' : `, exit ${k6.exitCode}: ${describeK6Exit(k6.exitCode)}`;
    lines.push('', paint('bold', fit(`k6 ${k6.scenario} (${k6.k6Version ?? 'k6'}${exit})`)));
    if (k6.thresholds.length > 0) {
      lines.push('  thresholds');
      for (const t of k6.thresholds) {
        const mark = t.ok ? paint('ok', HELD) : paint('bad', BREACHED);
        lines.push(`    ${mark} ${fit(`${t.metric} ${t.expression}${t.ok ? '' : '  (breached)'}`, width - 6)}`);
      }
    }
    const t = k6.totals;
    const seconds = k6DurationS(report);
    const rate = (n: number): string => (seconds ? `  ${formatRate(n / seconds)}` : '');
    const checks = t.checksPassed + t.checksFailed;
    const rows: [string, string][] = [
      ['requests', `${formatCount(t.requests)}${rate(t.requests)}`],
      ['failed requests', `${formatCount(t.failedRequests)} (${formatPercent(t.requests ? t.failedRequests / t.requests : 0)})`],
      ['code errors', `${formatCount(t.codeErrors)} (HTTP 200, body code ≠ 0)`],
      ['checks', checks ? `${formatPercent(t.checksPassed / checks)}  ${HELD} ${formatCount(t.checksPassed)}  ${BREACHED} ${formatCount(t.checksFailed)}` : 'none'],
      ['iterations', `${formatCount(t.iterations)}${rate(t.iterations)}  (dropped ${formatCount(t.droppedIterations)})`],
    ];
    if (t.messagesAccepted !== undefined) rows.push(['messages accepted', `${formatCount(t.messagesAccepted)}${rate(t.messagesAccepted)}`]);
    rows.push(['latency', latencyTriple(k6.latency)]);
    lines.push(...dotted(rows, width).map((l) => `  ${l}`));
    const slowest = Object.entries(k6.latencyByEndpoint ?? {}).sort(([, a], [, b]) => b.p95 - a.p95).slice(0, 5);
    if (slowest.length > 1) {
      lines.push('  slowest endpoints (p95)');
      for (const [endpoint, h] of slowest) lines.push(fit(`    ${endpoint}  ${formatMs(h.p95)} (p99 ${formatMs(h.p99)}, ${formatCount(h.count)} req)`));
    }

    if (k6.capacity) {
      const knee = kneeFacts(k6.capacity);
      lines.push('', paint('bold', 'capacity ramp'), `  ${fit(knee.text, width - 2)}`);
      const header = ['rate', 'achieved', 'p95', 'p99', 'failed', 'dropped', 'held'];
      const table = k6.capacity.steps.map((s) => [
        formatRate(s.rate),
        formatRate(s.achievedRate),
        formatMs(s.p95Ms),
        formatMs(s.p99Ms),
        formatPercent(s.failedRate),
        formatCount(s.droppedIterations),
        s.held ? `${HELD}${s.rate === k6.capacity!.kneeRate ? ' ← knee' : ''}` : `${BREACHED} ${s.breaches.join(', ')}`,
      ]);
      for (const [i, row] of columns([header, ...table]).entries()) {
        const step = i === 0 ? undefined : k6.capacity.steps[i - 1];
        const text = fit(`  ${row}`);
        lines.push(step === undefined ? paint('muted', text) : step.held ? text : paint('bad', text));
      }
    }
  }

  const swarm = report.swarm;
  if (swarm && !swarm.skipped) {
    const c = swarm.clients;
    lines.push('', paint('bold', fit(`swarm  ${formatCount(c.connected)}/${formatCount(c.target)} clients connected, ${formatCount(c.failed)} failed`)));
    const reasons = Object.entries(c.failuresByReason).sort(([, a], [, b]) => b - a);
    if (reasons.length > 0) lines.push(fit(`  connect failures: ${reasons.map(([r, n]) => `${r} ×${formatCount(n)}`).join(', ')}`));
    const rows: [string, string][] = [];
    if (swarm.connectLatency) rows.push(['connect', latencyTriple(swarm.connectLatency)]);
    if (swarm.subscribeLatency) rows.push(['subscribe', latencyTriple(swarm.subscribeLatency)]);
    if (swarm.cpu) rows.push(['swarm CPU', `user ${formatCount(swarm.cpu.userMs)} ms, system ${formatCount(swarm.cpu.systemMs)} ms on ${swarm.cpu.cores} cores`]);
    lines.push(...dotted(rows, width).map((l) => `  ${l}`));
    const delivery = deliveryRows(swarm);
    if (delivery.length > 0) {
      const header = ['QoS', 'published', 'expected', 'received', 'lost', 'dups', 'e2e p50', 'p95', 'p99', ''];
      const table = delivery.map((d) => [
        d.qos,
        formatCount(d.published),
        formatCount(d.expected),
        formatCount(d.received),
        `${formatCount(d.lost)} (${formatPercent(d.lossRate)})`,
        formatCount(d.duplicated),
        d.e2e ? formatMs(d.e2e.p50) : '–',
        d.e2e ? formatMs(d.e2e.p95) : '–',
        d.e2e ? formatMs(d.e2e.p99) : '–',
        d.failed ? `${BREACHED} loss at QoS ${d.qos}` : d.qos === '0' && d.lost > 0 ? `${HELD} at most once` : HELD,
      ]);
      for (const [i, row] of columns([header, ...table]).entries()) {
        const d = i === 0 ? undefined : delivery[i - 1];
        const text = fit(`  ${row}`);
        lines.push(d === undefined ? paint('muted', text) : d.failed ? paint('bad', text) : text);
      }
    }
  }

  const rest = report.restToMqtt;
  if (rest) {
    lines.push('', paint('bold', 'REST → MQTT'));
    // not a verdict (nothing fails on it): a warning sign when some did not arrive
    const mark = rest.delivered >= rest.sent ? paint('ok', HELD) : paint('warn', WARN);
    lines.push(fit(`  ${mark} delivered ${formatCount(rest.delivered)} of ${formatCount(rest.sent)} sent (${formatPercent(rest.ratio)}), ${formatCount(rest.duplicated)} duplicated`));
    if (rest.latency) lines.push(fit(`  latency ${latencyTriple(rest.latency)}`));
  }

  const notes = reportNotes(report);
  if (notes.length > 0) {
    lines.push('', paint('bold', 'Notes'));
    // wrapped, not cut: a note is what the merge could not do, and has to be read whole
    for (const n of notes) lines.push(...wrapWords(oneLine(n), width - 4).map((l, i) => `  ${i === 0 ? WARN : ' '} ${l}`));
  }

  lines.push('', `Report: ${join(reportDir, 'load.html')}`);
  for (const f of LOAD_VIEW_FILES.slice(1)) lines.push(`        ${join(reportDir, f)}`);
  const text = `${lines.join('\n')}\n`;
  return opts.secrets ? redact(text, opts.secrets) : text;
}

/** Words into lines of at most `width` characters (a longer word gets a line of its own, cut). */
function wrapWords(text: string, width: number): string[] {
  const room = Math.max(20, width);
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ').filter(Boolean)) {
    if (line && [...line].length + 1 + [...word].length > room) {
      lines.push(line);
      line = '';
    }
    line = line ? `${line} ${word}` : truncate(word, room);
  }
  if (line) lines.push(line);
  return lines;
}

/** k6's `name.........: value` rows. */
function dotted(rows: [string, string][], width: number): string[] {
  const pad = Math.max(0, ...rows.map(([k]) => k.length)) + 3;
  return rows.map(([k, v]) => truncate(oneLine(`${k}${'.'.repeat(pad - k.length)}: ${v}`), width - 2));
}

/** Rows of cells into aligned text: numbers right-aligned, the last column left. */
function columns(rows: string[][]): string[] {
  const n = Math.max(...rows.map((r) => r.length));
  const widths = Array.from({ length: n }, (_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length)));
  return rows.map((r) =>
    r
      .map((cell, i) => (i === n - 1 ? cell : i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}
