// index.html: one self-contained page (inline CSS, script and SVG; nothing fetched) with the
// run header, the conformance matrix (endpoint × check kind, worst verdict per cell) and the
// latency chart. The matrix is rendered here so it reads without JavaScript; the script adds
// filters and the details panel from the report embedded as JSON.
import type { CheckKind, Finding } from '../findings.ts';
import { countByVerdict, type RunReport } from './model.ts';
import { EMBEDDED_DATA_ID, PAGE_CSS, PAGE_SCRIPT } from './html-assets.ts';
import { latencyChartSvg } from './latency-chart.ts';
import { escapeAttr, escapeText, jsonForScript } from './text.ts';
import { describeInterruption, describePointer, formatMs, runFacts, VERDICT_SYMBOL } from './facts.ts';
import {
  CHECK_KINDS,
  endpointDirectory,
  failures,
  endpointLabel,
  groupBy,
  groupEndpoints,
  knownDeviationsTitle,
  latencySlowestFirst,
  worstVerdict,
  VERDICTS_WORST_FIRST,
  type EndpointInfo,
} from './group.ts';

/** The data block the page script reads; the report itself is embedded unchanged. */
export interface EmbeddedData {
  report: RunReport;
  endpoints: EndpointInfo[];
  /** each finding's pointer as people read it (`describePointer`), by finding index; null: no pointer */
  pointerLabels: (string | null)[];
  vocab: { verdictsWorstFirst: readonly string[]; symbols: Record<string, string> };
}

export function reportHtml(report: RunReport): string {
  const directory = endpointDirectory(report);
  const data: EmbeddedData = {
    report,
    endpoints: [...directory.values()],
    pointerLabels: report.findings.map((f) => (f.pointer === undefined ? null : describePointer(f.pointer))),
    vocab: { verdictsWorstFirst: VERDICTS_WORST_FIRST, symbols: VERDICT_SYMBOL },
  };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeText(`EMQX API contract run ${report.run.id}`)}</title>
<style>${PAGE_CSS}</style>
</head>
<body>
${header(report)}
<main>
${matrixSection(report, directory)}
${gateSection(report, directory)}
${knownDeviationSection(report, directory)}
${latencySection(report, directory)}
</main>
<script type="application/json" id="${EMBEDDED_DATA_ID}">${jsonForScript(JSON.stringify(data))}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

function header(report: RunReport): string {
  // as on the terminal: undocumented fields are counted apart, the fail badge is what fails the run
  const { contract, undocumented } = failures(report.findings);
  const counts = { ...countByVerdict(report.findings), fail: contract.length };
  const banner = report.run.interrupted
    ? `<p class="banner" role="alert"><strong>⚠ Interrupted:</strong> ${escapeText(describeInterruption(report.run))}. Only the checks that ran before it are reported.</p>`
    : '';
  const facts = runFacts(report.run)
    .map(([label, value]) => `<dt>${escapeText(label)}</dt><dd>${escapeText(value)}</dd>`)
    .join('');
  const badges = VERDICTS_WORST_FIRST.map(
    (v) =>
      `<li class="badge v-${v}"><span aria-hidden="true">${VERDICT_SYMBOL[v]}</span> ${counts[v]} ${escapeText(v)}</li>`,
  ).join('');
  return `<header>
<h1>EMQX API contract run <code>${escapeText(report.run.id)}</code></h1>
${banner}
<dl class="facts">${facts}</dl>
<ul class="badges" aria-label="findings by verdict">${badges}${undocumented.length ? `<li class="badge undocumented"><span aria-hidden="true">◇</span> ${undocumented.length} undocumented fields (reported apart)</li>` : ''}<li class="badge">${report.findings.length} total</li></ul>
</header>`;
}

function matrixSection(report: RunReport, directory: Map<string, EndpointInfo>): string {
  const byCell = groupBy(report.findings, (f) => cellKey(f.endpoint, f.check));
  const versions = [...new Set([...directory.values()].map((e) => e.apiVersion))];
  const option = (value: string, label: string): string =>
    `<option value="${escapeAttr(value)}">${escapeText(label)}</option>`;
  const legend = VERDICTS_WORST_FIRST.map((v) => `${VERDICT_SYMBOL[v]} ${v}`).join(' · ');
  const bodies = groupEndpoints(directory.values()).map(
    (group) => `<tbody data-version="${escapeAttr(group.apiVersion)}">
<tr class="group"><th colspan="${CHECK_KINDS.length + 1}" scope="rowgroup">${escapeText(group.title)}</th></tr>
${group.endpoints.map((e) => matrixRow(e, byCell)).join('\n')}
</tbody>`,
  );
  return `<section aria-labelledby="matrix-title">
<h2 id="matrix-title">Conformance matrix</h2>
<form class="filters" onsubmit="return false">
<label>Verdict<select id="filter-verdict">${option('', 'any verdict')}${VERDICTS_WORST_FIRST.map((v) => option(v, `${VERDICT_SYMBOL[v]} ${v}`)).join('')}</select></label>
<label>API version<select id="filter-version">${option('', 'all versions')}${versions.map((v) => option(v, v)).join('')}</select></label>
<label>Search<input id="filter-text" type="search" placeholder="endpoint, path, message…"></label>
<span id="shown-count" class="legend" aria-live="polite"></span>
</form>
<p class="legend">Each cell shows the worst verdict of its findings and how many there are (${escapeText(legend)}); an empty cell means no check of that kind ran. Click a cell or an endpoint for its findings.</p>
<div class="layout">
<div class="matrix-wrap">
<table id="matrix">
<thead><tr><th scope="col">endpoint</th>${CHECK_KINDS.map((k) => `<th scope="col">${escapeText(k)}</th>`).join('')}</tr></thead>
${bodies.join('\n')}
</table>
</div>
<aside id="details" aria-live="polite" hidden></aside>
</div>
</section>`;
}

function cellKey(endpoint: string, check: CheckKind): string {
  return `${endpoint}\u0000${check}`;
}

function matrixRow(e: EndpointInfo, byCell: Map<string, Finding[]>): string {
  const cells = CHECK_KINDS.map((check) => matrixCell(e, check, byCell.get(cellKey(e.id, check)) ?? []));
  const unchecked = cells.every((c) => c.empty) ? '<span class="nocheck">⚠ no checks</span>' : '';
  return `<tr data-endpoint="${escapeAttr(e.id)}" data-version="${escapeAttr(e.apiVersion)}"><th scope="row"><button type="button"><span class="method">${escapeText(e.method)}</span> <span class="mono">${escapeText(e.path || e.id)}</span>${unchecked}<span class="id">${escapeText(e.id)}</span></button></th>${cells.map((c) => c.html).join('')}</tr>`;
}

function matrixCell(e: EndpointInfo, check: CheckKind, findings: Finding[]): { empty: boolean; html: string } {
  const worst = worstVerdict(findings);
  if (!worst) return { empty: true, html: `<td class="empty" title="${escapeAttr(`no ${check} check`)}"></td>` };
  const counts = countByVerdict(findings);
  const present = VERDICTS_WORST_FIRST.filter((v) => counts[v] > 0);
  const breakdown = present.map((v) => `${counts[v]} ${v}`).join(', ');
  const label = `${endpointLabel(e)} · ${check}: ${breakdown}`;
  return {
    empty: false,
    html: `<td class="v-${worst}" data-verdicts="${present.join(' ')}"><button type="button" data-check="${escapeAttr(check)}" title="${escapeAttr(label)}" aria-label="${escapeAttr(label)}">${VERDICT_SYMBOL[worst]} ${findings.length}</button></td>`,
  };
}

/** The gate file's verdict (--gate): waived findings with their waiver, expired and stale waivers. */
function gateSection(report: RunReport, directory: Map<string, EndpointInfo>): string {
  const gate = report.gate;
  if (!gate) return '';
  const waived = report.findings.filter((f) => f.verdict === 'waived');
  const rows = waived.map((f) => {
    const e = directory.get(f.endpoint);
    return `<tr><td class="mono">${escapeText(e ? endpointLabel(e) : f.endpoint)}</td><td>${escapeText(f.check)}</td><td class="mono">${escapeText(f.pointer === undefined ? '' : describePointer(f.pointer))}</td><td>${escapeText(f.reason ?? '')}</td></tr>`;
  });
  const list = (title: string, items: string[], cls: string): string => (items.length ? `<h3>${escapeText(title)}</h3><ul class="${cls}">${items.map((i) => `<li>${escapeText(i)}</li>`).join('')}</ul>` : '');
  return `<section aria-labelledby="gate-title" id="gate">
<h2 id="gate-title">Gate <code>${escapeText(gate.file)}</code>: ${gate.passed ? '✓ passed' : '✗ failed'}</h2>
<p class="legend">${gate.waived} finding(s) waived, ${gate.failing} failing the gate, ${gate.outside} failure(s) of check kinds the gate leaves out. A waived finding is never a pass.</p>
${list('Expired waivers (each fails the gate)', gate.expired, 'gate-expired')}
${list('Stale waivers (matched nothing)', gate.stale, 'gate-stale')}
${rows.length ? `<table class="data-table" id="waived">
<thead><tr><th>endpoint</th><th>check</th><th>field</th><th>waiver</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>` : ''}
</section>`;
}

function knownDeviationSection(report: RunReport, directory: Map<string, EndpointInfo>): string {
  const known = report.findings.filter((f) => f.verdict === 'known-deviation');
  if (known.length === 0) return '';
  const rows = known.map((f) => {
    const e = directory.get(f.endpoint);
    return `<tr><td class="mono">${escapeText(e ? endpointLabel(e) : f.endpoint)}</td><td class="mono">${escapeText(f.pointer === undefined ? '' : describePointer(f.pointer))}</td><td class="mono">${escapeText(f.actual ?? '')}</td><td class="mono">${escapeText(f.erratum ?? '')}</td><td>${escapeText(f.reason ?? f.message)}</td></tr>`;
  });
  return `<section aria-labelledby="known-title" id="known-deviations">
<h2 id="known-title">${escapeText(knownDeviationsTitle(report))}</h2>
<p class="legend">Each differs from the document exactly as an erratum records for this release (schemas/ERRATA.md): true about the broker, not a regression; they fail the run only with --strict-docs.</p>
<table class="data-table">
<thead><tr><th>endpoint</th><th>field</th><th>value</th><th>erratum</th><th>why</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
</section>`;
}

function latencySection(report: RunReport, directory: Map<string, EndpointInfo>): string {
  if (report.latency.length === 0) return '<section><h2>Latency</h2><p>No latency samples in this run.</p></section>';
  const rows = latencySlowestFirst(report.latency).map((l) => {
    const e = directory.get(l.endpoint);
    return `<tr data-latency-version="${escapeAttr(e?.apiVersion ?? '')}"><td class="mono">${escapeText(l.endpoint)}</td><td class="mono">${escapeText(e ? endpointLabel(e) : '')}</td><td class="num">${l.samples}</td><td class="num">${formatMs(l.p50Ms)}</td><td class="num">${formatMs(l.p95Ms)}</td><td class="num">${formatMs(l.maxMs)}</td></tr>`;
  });
  return `<section aria-labelledby="latency-title">
<h2 id="latency-title">Latency</h2>
<p class="legend"><span class="key" style="background: var(--p50)"></span>p50 <span class="key" style="background: var(--p95)"></span>p95 · slowest p95 first</p>
${latencyChartSvg(report.latency, directory)}
<table class="data-table">
<thead><tr><th>endpoint</th><th>request</th><th class="num">samples</th><th class="num">p50</th><th class="num">p95</th><th class="num">max</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
</section>`;
}
