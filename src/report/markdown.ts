// summary.md: the report for a pull request comment, a CI job summary or `cat` in a terminal.
// Plain GitHub-flavoured Markdown with padded tables, so it reads in both places.
import { readablePointer, type Finding } from '../findings.ts';
import { countByVerdict, type RunReport } from './model.ts';
import { gateVerdictLine } from '../gate/words.ts';
import { oneLine, plural, showControlChars } from './text.ts';
import { describeInterruption, formatMs, runFacts, VERDICT_SYMBOL } from './facts.ts';
import {
  coverageRows,
  endpointDirectory,
  endpointLabel,
  failures,
  findingsByEndpoint,
  knownDeviationsTitle,
  latencySlowestFirst,
  notImplementedEndpoints,
  VERDICTS_WORST_FIRST,
  withVerdict,
  type EndpointInfo,
} from './group.ts';

export function summaryMarkdown(report: RunReport): string {
  const directory = endpointDirectory(report);
  const sections = [
    header(report),
    verdictCounts(report),
    gateSection(report),
    failureSection(report, directory),
    notImplementedSection(report, directory),
    reasonSection('↷ Skipped checks', withVerdict(report.findings, 'skipped'), directory),
    reasonSection('⚑ Waived checks', withVerdict(report.findings, 'waived'), directory),
    knownDeviationSection(report, directory),
    undocumentedSection(report, directory),
    coverageSection(report, directory),
    latencySection(report, directory),
  ];
  return `${sections.filter((s) => s !== '').join('\n\n')}\n`;
}

function header(report: RunReport): string {
  // as the exit code counts: undocumented fields are listed apart, not failures
  const failed = failures(report.findings).contract.length;
  const headline = failed ? `${VERDICT_SYMBOL.fail} ${failed} failed` : `${VERDICT_SYMBOL.pass} no failures`;
  const lines = [`# EMQX API contract run: ${headline}`];
  if (report.run.interrupted) {
    lines.push(
      '',
      '> [!WARNING]',
      `> **Interrupted:** ${md(describeInterruption(report.run))}. Only the checks that ran before it are reported.`,
    );
  }
  lines.push('', ...runFacts(report.run).map(([label, value]) => `- **${label}:** ${code(value)}`));
  return lines.join('\n');
}

function verdictCounts(report: RunReport): string {
  const counts = countByVerdict(report.findings);
  return [
    '## Verdicts',
    '',
    table(
      [...VERDICTS_WORST_FIRST.map((v) => `${VERDICT_SYMBOL[v]} ${v}`), 'total'],
      [[...VERDICTS_WORST_FIRST.map((v) => String(counts[v])), String(report.findings.length)]],
    ),
  ].join('\n');
}

/** The gate file's verdict (--gate), its expired and stale waivers. */
function gateSection(report: RunReport): string {
  const g = report.gate;
  if (!g) return '';
  return [
    '## Gate',
    '',
    `- ${VERDICT_SYMBOL[g.passed ? 'pass' : 'fail']} ${md(gateVerdictLine(g))}`,
    ...g.expired.map((e) => `- ${VERDICT_SYMBOL.fail} ${md(e)}`),
    ...g.stale.map((s) => `- ⚠ ${md(s)}`),
  ].join('\n');
}

function failureSection(report: RunReport, directory: Map<string, EndpointInfo>): string {
  const { contract: failed, undocumented } = failures(report.findings);
  const out = [`## ${VERDICT_SYMBOL.fail} Failures (${failed.length})`];
  if (undocumented.length)
    out.push(
      '',
      `Not counting ${plural(undocumented.length, 'undocumented field')}, listed under Undocumented fields.`,
    );
  if (failed.length === 0) out.push('', 'None.');
  let n = 0;
  for (const { endpoint, findings } of findingsByEndpoint(failed, directory)) {
    const numbered = findings.map((f) => ({ n: ++n, f }));
    out.push(
      '',
      `### ${code(endpoint.id)} ${code(endpointLabel(endpoint))}`,
      '',
      table(
        ['#', 'check', 'pointer', 'message', 'expected', 'actual', 'doc'],
        numbered.map(({ n, f }) => [
          String(n),
          f.check,
          f.pointer === undefined ? '' : code(readablePointer(f.pointer)),
          md(f.message),
          optionalCode(f.expected),
          optionalCode(f.actual),
          md(f.doc ?? ''),
        ]),
      ),
    );
    for (const { n, f } of numbered) if (f.curl) out.push('', `Reproduce #${n}:`, '', codeBlock(f.curl, 'sh'));
  }
  return out.join('\n');
}

function notImplementedSection(report: RunReport, directory: Map<string, EndpointInfo>): string {
  const endpoints = notImplementedEndpoints(report, directory);
  if (endpoints.length === 0) return '';
  const reasons = (e: EndpointInfo): string =>
    [
      ...new Set(
        withVerdict(report.findings, 'not-implemented')
          .filter((f) => f.endpoint === e.id)
          .map((f) => f.reason ?? f.message),
      ),
    ].join('; ');
  return [
    `## ${VERDICT_SYMBOL['not-implemented']} Not implemented (${plural(endpoints.length, 'endpoint')})`,
    '',
    ...endpoints.map((e) => `- ${code(e.id)} ${code(endpointLabel(e))}: ${md(reasons(e))}`),
  ].join('\n');
}

function reasonSection(title: string, findings: Finding[], directory: Map<string, EndpointInfo>): string {
  if (findings.length === 0) return '';
  const rows = findingsByEndpoint(findings, directory).flatMap(({ endpoint, findings }) =>
    findings.map((f) => [code(endpoint.id), f.check, md(f.reason ?? f.message)]),
  );
  return [`## ${title} (${findings.length})`, '', table(['endpoint', 'check', 'reason'], rows)].join('\n');
}

function knownDeviationSection(report: RunReport, directory: Map<string, EndpointInfo>): string {
  const known = withVerdict(report.findings, 'known-deviation');
  if (known.length === 0) return '';
  const rows = findingsByEndpoint(known, directory).flatMap(({ endpoint, findings }) =>
    findings.map((f) => [code(endpoint.id), f.pointer === undefined ? '' : code(readablePointer(f.pointer)), optionalCode(f.actual), code(f.erratum ?? ''), md(f.reason ?? f.message)]),
  );
  return [
    `## ${knownDeviationsTitle(report)} (${known.length})`,
    '',
    'Each differs from the document exactly as an erratum records for this release (schemas/ERRATA.md). True findings about the broker, not regressions: they fail the run only with --strict-docs.',
    '',
    table(['endpoint', 'field', 'value', 'erratum', 'why'], rows),
  ].join('\n');
}

function undocumentedSection(report: RunReport, directory: Map<string, EndpointInfo>): string {
  const { undocumented } = failures(report.findings);
  const waived = withVerdict(report.findings, 'waived').filter((f) => f.check === 'undocumented-field');
  const listed = [...undocumented, ...waived];
  if (listed.length === 0) return '';
  const rows = findingsByEndpoint(listed, directory).flatMap(({ endpoint, findings }) =>
    findings.map((f) => [
      code(endpoint.id),
      `${VERDICT_SYMBOL[f.verdict]} ${f.verdict}`,
      f.pointer === undefined ? '' : code(readablePointer(f.pointer)),
      optionalCode(f.actual),
      md(f.message),
    ]),
  );
  return [
    `## Undocumented fields (${listed.length})`,
    '',
    'Fields the target returns that the documents do not mention: not failures of the documented contract, but a client that relies on them relies on something undocumented.',
    '',
    table(['endpoint', 'verdict', 'field', 'value', 'message'], rows),
  ].join('\n');
}

function coverageSection(report: RunReport, directory: Map<string, EndpointInfo>): string {
  const rows = coverageRows(report, directory);
  if (rows.length === 0) return '## Coverage\n\nNo endpoints recorded.';
  const unchecked = rows.filter((r) => r.checks.length === 0);
  const out = [
    '## Coverage',
    '',
    `${rows.length - unchecked.length} of ${rows.length} endpoints have at least one check.`,
  ];
  if (unchecked.length) {
    out.push('', `**⚠ ${plural(unchecked.length, 'endpoint')} with no check:**`, '');
    out.push(...unchecked.map(({ endpoint }) => `- ${code(endpoint.id)} ${code(endpointLabel(endpoint))}`));
  }
  out.push(
    '',
    '<details><summary>Checks per endpoint</summary>',
    '',
    table(
      ['endpoint', 'request', 'checks'],
      rows.map(({ endpoint, checks }) => [
        code(endpoint.id),
        code(endpointLabel(endpoint)),
        checks.length ? checks.join(', ') : '⚠ none',
      ]),
    ),
    '',
    '</details>',
  );
  return out.join('\n');
}

function latencySection(report: RunReport, directory: Map<string, EndpointInfo>): string {
  if (report.latency.length === 0) return '';
  const rows = latencySlowestFirst(report.latency).map((l) => {
    const e = directory.get(l.endpoint);
    return [
      code(l.endpoint),
      e ? code(endpointLabel(e)) : '',
      String(l.samples),
      formatMs(l.p50Ms),
      formatMs(l.p95Ms),
      formatMs(l.maxMs),
    ];
  });
  return [
    '## Latency (slowest p95 first)',
    '',
    table(['endpoint', 'request', 'samples', 'p50', 'p95', 'max'], rows, 'llrrrr'),
  ].join('\n');
}

// --- Markdown building blocks -------------------------------------------------------------

/**
 * Inline text on one line, with what would turn into markup escaped — and only that, so a
 * message stays readable in a terminal. `<` before a letter, `/`, `!` or `?` is always
 * escaped (`<!--` would hide the rest of the file on GitHub, `<b>` would render); the pair
 * delimiters (`*`, `_`, `~`, backtick) only when the text has two of them, since a single
 * one cannot open and close anything.
 */
export function md(text: string): string {
  let out = oneLine(text)
    .replace(/\\(?=[!-/:-@[-`{-~])/g, '\\\\')
    .replace(/<(?=[A-Za-z/!?])/g, '\\<')
    .replace(/\](?=[([])/g, '\\]')
    .replace(/&(?=#?\w+;)/g, '\\&');
  for (const delimiter of [/\*/g, /~/g, /`/g]) {
    if ((out.match(delimiter) ?? []).length >= 2) out = out.replace(delimiter, '\\$&');
  }
  // GFM never reads an underscore between two letters or digits as emphasis (`list_clients`).
  const loose = (i: number): boolean => !(isWordChar(out[i - 1]) && isWordChar(out[i + 1]));
  if ([...out.matchAll(/_/g)].filter((m) => loose(m.index)).length >= 2) {
    out = out.replace(/_/g, (u, i: number) => (loose(i) ? '\\_' : u));
  }
  return out;
}

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z0-9]/.test(c);
}

/** An inline code span whose fence is longer than any backtick run inside it. */
export function code(text: string): string {
  const body = oneLine(text);
  if (body === '') return '';
  const longestRun = Math.max(0, ...(body.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = body.startsWith('`') || body.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}

function optionalCode(text: string | undefined): string {
  return text === undefined ? '' : text === '' ? '(empty)' : code(text);
}

function codeBlock(text: string, lang: string): string {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return `${fence}${lang}\n${showControlChars(text)}\n${fence}`;
}

/**
 * A GFM table with columns padded to a common width (capped, so one long message doesn't
 * push every row off a terminal). `align` has one letter per column: l or r.
 */
export function table(headers: string[], rows: string[][], align = ''): string {
  const cells = [headers, ...rows].map((row) => row.map((c) => c.replace(/\|/g, '\\|')));
  const widths = headers.map((_, i) => Math.min(40, Math.max(3, ...cells.map((r) => width(r[i] ?? '')))));
  const pad = (text: string, i: number): string => {
    const gap = ' '.repeat(Math.max(0, (widths[i] ?? 0) - width(text)));
    return align[i] === 'r' ? gap + text : text + gap;
  };
  const line = (row: string[]): string => `| ${row.map((c, i) => pad(c, i)).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (align[i] === 'r' ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  const [head, ...body] = cells;
  return [line(head ?? []), rule, ...body.map(line)].join('\n');
}

function width(text: string): number {
  return [...text].length;
}
