// compare.html: one self-contained page (inline CSS and script, nothing fetched) in the look
// of the run report (index.html: its stylesheet and verdict tints). The tables are rendered
// here, so the page reads without JavaScript; the inline script only filters rows by kind of
// change and by text. The comparison itself is embedded as JSON for anyone who wants it.
import { PAGE_CSS } from '../report/html-assets.ts';
import { VERDICT_SYMBOL } from '../report/facts.ts';
import { VERDICTS_WORST_FIRST } from '../report/group.ts';
import { escapeAttr, escapeText, jsonForScript } from '../report/text.ts';
import { CHANGE_ORDER } from './contract.ts';
import type { CompareReport, ContractComparison, LoadComparison, RunSide } from './model.ts';
import { BEHAVIOUR_WORDS, CHANGE_WORDS, describeCounts, describeField, formatChange, formatMetric, METRIC_WORDS, SHAPE_WORDS, type KindWords } from './vocab.ts';

export const COMPARE_DATA_ID = 'compare-data';

const EXTRA_CSS = `
.kind { white-space: nowrap; font-weight: 600; }
.data-table td { vertical-align: top; }
.data-table td.detail { max-width: 42rem; overflow-wrap: anywhere; }
.notes { border-left: 4px solid var(--line); margin: .6rem 0; padding: .2rem .8rem; color: var(--muted); }
.gate { font-size: 1rem; }
section[hidden] { display: none; }
details { margin: .6rem 0; }
`;

export function compareHtml(report: CompareReport): string {
  const title = `EMQX ${report.kind} runs compared: ${report.a.id} → ${report.b.id}`;
  const sections = report.contract ? contractSections(report.contract) : report.load ? [loadSection(report.load)] : [];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeText(title)}</title>
<style>${PAGE_CSS}${EXTRA_CSS}</style>
</head>
<body>
${header(report)}
<main>
${filters(report)}
${sections.join('\n')}
</main>
<script type="application/json" id="${COMPARE_DATA_ID}">${jsonForScript(JSON.stringify(report))}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

function header(r: CompareReport): string {
  const gate =
    r.gate.verdict === 'fail'
      ? `<li class="badge gate v-fail"><span aria-hidden="true">✗</span> ${escapeText(r.gate.reasons.join('; '))}</li>`
      : `<li class="badge gate v-pass"><span aria-hidden="true">✓</span> ${escapeText(r.kind === 'contract' ? 'no newly failing checks' : 'no load regression')}</li>`;
  const row = (label: string, s: RunSide): string =>
    `<tr><th scope="row">${label}</th><td class="mono">${escapeText(s.id)}${s.interrupted ? ' ⚠ interrupted' : ''}</td><td>${escapeText(r.kind === 'contract' ? (s.apiVersion ?? '') : (s.scenario ?? ''))}</td><td>${escapeText(s.emqxVersion ?? 'unknown')}</td><td>${escapeText(s.profile)}</td><td class="mono">${escapeText(s.target)}</td><td class="mono">${escapeText(s.source)}</td></tr>`;
  const notes = r.notes.length ? `<div class="notes">${r.notes.map((n) => `<p>${escapeText(n)}</p>`).join('')}</div>` : '';
  return `<header>
<h1>EMQX ${escapeText(r.kind)} runs compared</h1>
<ul class="badges" aria-label="gate">${gate}</ul>
<table class="data-table">
<thead><tr><th></th><th>run</th><th>${r.kind === 'contract' ? 'API' : 'scenario'}</th><th>EMQX</th><th>profile</th><th>target</th><th>read from</th></tr></thead>
<tbody>${row('A', r.a)}${row('B', r.b)}</tbody>
</table>
${notes}
</header>`;
}

function filters(r: CompareReport): string {
  const option = (value: string, w: KindWords | undefined, label: string, n: number): string =>
    `<option value="${escapeAttr(value)}">${escapeText(`${w ? `${w.symbol} ` : ''}${label} (${n})`)}</option>`;
  const options: string[] = [];
  const c = r.contract;
  if (c) {
    for (const k of CHANGE_ORDER) {
      const n = c.changes.filter((x) => x.kind === k).length;
      if (n) options.push(option(k, CHANGE_WORDS[k], CHANGE_WORDS[k].title.split(' (')[0]!, n));
    }
    if (c.behaviour.length) options.push(option('behaviour', BEHAVIOUR_WORDS, 'behaviour changed with the release', c.behaviour.length));
    const shapeChanges = c.shapes.flatMap((d) => d.changes);
    if (shapeChanges.length) {
      options.push(option('shape', undefined, 'any shape change', shapeChanges.length));
      for (const k of ['renamed', 'retyped', 'removed', 'added'] as const) {
        const n = shapeChanges.filter((s) => s.kind === k).length;
        if (n) options.push(option(`shape-${k}`, SHAPE_WORDS[k], `field ${SHAPE_WORDS[k].title}`, n));
      }
    }
  }
  if (r.load) {
    for (const v of ['regression', 'improvement', 'not-comparable', 'unchanged'] as const) {
      const n = r.load.metrics.filter((m) => m.verdict === v).length;
      if (n) options.push(option(`metric-${v}`, METRIC_WORDS[v], METRIC_WORDS[v].title, n));
    }
  }
  return `<form class="filters" onsubmit="return false">
<label>Kind of change<select id="filter-kind"><option value="">any kind</option>${options.join('')}</select></label>
<label>Search<input id="filter-text" type="search" placeholder="endpoint, field, message…"></label>
<span id="shown-count" class="legend" aria-live="polite"></span>
</form>`;
}

function kindCell(w: KindWords): string {
  return `<td class="kind v-${w.tint}"><span aria-hidden="true">${escapeText(w.symbol)}</span> ${escapeText(w.title.split(' (')[0]!)}</td>`;
}

function contractSections(c: ContractComparison): string[] {
  const out: string[] = [];
  const rows = c.changes.map((x) => {
    const e = x.example;
    const detail = e
      ? `${e.run.toUpperCase()}: ${e.verdict === 'fail' && (e.expected !== undefined || e.actual !== undefined) && !e.message.includes('expected') ? `expected ${e.expected ?? '?'}, got ${e.actual ?? '?'} — ` : ''}${e.verdict === 'known-deviation' && e.erratum ? `erratum ${e.erratum}: ` : ''}${e.reason ?? e.message}`
      : '';
    return `<tr data-kind="${escapeAttr(x.kind)}" data-group="contract">${kindCell(CHANGE_WORDS[x.kind])}<td>${escapeText(x.target)}${x.targetA ? ` <span class="id">A: ${escapeText(x.targetA)}</span>` : ''}</td><td class="mono">${escapeText(x.request)}<span class="id">${escapeText(x.endpoint)}${x.endpointA ? ` (A: ${escapeText(x.endpointA)})` : ''}</span></td><td>${escapeText(x.check)}</td><td class="mono">${escapeText(x.pointer === undefined ? '' : describeField(x.pointer))}</td><td class="mono">${escapeText(describeCounts(x.a))}</td><td class="mono">${escapeText(describeCounts(x.b))}</td><td class="detail">${escapeText(detail)}</td></tr>`;
  });
  out.push(`<section data-filterable aria-labelledby="changes-title">
<h2 id="changes-title">Changes (${c.changes.length})</h2>
<p class="legend">One row per finding identity: target, endpoint, check and, for failures, known deviations and undocumented fields, the JSON pointer (list items as *). A and B count the verdicts there (${escapeText(VERDICTS_WORST_FIRST.map((v) => `${VERDICT_SYMBOL[v]} ${v}`).join(' · '))}). Newly failing checks fail the comparison.</p>
${rows.length ? `<table class="data-table"><thead><tr><th>change</th><th>target</th><th>request</th><th>check</th><th>field</th><th>A</th><th>B</th><th>what it says</th></tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>` : '<p>No verdict changed between the runs.</p>'}
</section>`);

  if (c.behaviour.length) {
    const first = c.behaviour[0]!;
    const brows = c.behaviour.map(
      (b) =>
        `<tr data-kind="behaviour" data-group="behaviour">${kindCell(BEHAVIOUR_WORDS)}<td>${escapeText(b.target)}</td><td class="mono">${escapeText(b.request)}<span class="id">${escapeText(b.expectation)}</span></td><td>${escapeText(b.title)}</td><td class="mono">${escapeText(b.a.answer)}</td><td class="mono">${escapeText(b.b.answer)}</td><td class="${b.held ? 'v-pass' : 'v-skipped'}">${escapeText(b.held ? '✓ both runs answered so' : `? ${b.note ?? 'not confirmed'}`)}</td></tr>`,
    );
    out.push(`<section data-filterable aria-labelledby="behaviour-title">
<h2 id="behaviour-title">${escapeText(`${BEHAVIOUR_WORDS.title}: EMQX ${first.a.release} → ${first.b.release}`)} (${c.behaviour.length})</h2>
<p class="legend">Each run was held to its own release's answer (schemas/expectations/negative.json). Where both held, the broker's answer changed as the table says, with no verdict changing.</p>
<table class="data-table"><thead><tr><th>change</th><th>target</th><th>request</th><th>case</th><th>A: EMQX ${escapeText(first.a.release)}</th><th>B: EMQX ${escapeText(first.b.release)}</th><th>confirmed</th></tr></thead><tbody>
${brows.join('\n')}
</tbody></table>
</section>`);
  }

  const srows = c.shapes.flatMap((d) =>
    d.changes.map((s) => {
      const w = SHAPE_WORDS[s.kind];
      const field = s.kind === 'renamed' ? `${describeField(s.from!)} → ${describeField(s.pointer)}` : describeField(s.pointer);
      const endpoint = `${d.targetA || d.requestA ? `${d.targetA ?? d.target} ${d.requestA ?? d.request} → ` : ''}${d.target} ${d.request}`;
      return `<tr data-kind="shape-${s.kind}" data-group="shape">${kindCell(w)}<td class="mono">${escapeText(endpoint)}<span class="id">${escapeText(d.endpointA ? `${d.endpointA} → ${d.endpoint}` : d.endpoint)}</span></td><td class="mono">${escapeText(field)}${s.below ? ` <span class="id">and ${s.below} below</span>` : ''}</td><td class="mono">${escapeText(s.a?.join(', ') ?? '')}</td><td class="mono">${escapeText(s.b?.join(', ') ?? '')}</td></tr>`;
    }),
  );
  out.push(`<section data-filterable aria-labelledby="shapes-title">
<h2 id="shapes-title">Response shapes (${c.shapes.length} endpoint${c.shapes.length === 1 ? '' : 's'} changed)</h2>
<p class="legend">The fields of each endpoint's successful answers as the runs saw them (JSON pointer patterns and types, no values). Integer and number count as one type; a list one run saw only empty is not compared.</p>
${srows.length ? `<table class="data-table"><thead><tr><th>change</th><th>endpoint</th><th>field</th><th>A</th><th>B</th></tr></thead><tbody>\n${srows.join('\n')}\n</tbody></table>` : '<p>No field was added, removed, renamed or retyped.</p>'}
${c.shapeNotes.length ? `<ul class="legend">${c.shapeNotes.map((n) => `<li>${escapeText(n)}</li>`).join('')}</ul>` : ''}
</section>`);

  const trows = VERDICTS_WORST_FIRST.map((v) => `<tr><td class="v-${v}">${escapeText(`${VERDICT_SYMBOL[v]} ${v}`)}</td><td class="num">${c.totals.a[v]}</td><td class="num">${c.totals.b[v]}</td></tr>`);
  const { undocumented } = c.totals;
  if (undocumented.a || undocumented.b) trows.splice(1, 0, `<tr><td>of which undocumented fields (fail no run by default)</td><td class="num">${undocumented.a}</td><td class="num">${undocumented.b}</td></tr>`);
  out.push(`<section aria-labelledby="totals-title">
<h2 id="totals-title">Verdicts</h2>
<table class="data-table"><thead><tr><th>verdict</th><th class="num">A</th><th class="num">B</th></tr></thead><tbody>${trows.join('')}</tbody></table>
${c.onlyIn.a.length || c.onlyIn.b.length ? `<details><summary>Checks that ran in one run only (a --grep, a policy, another API version)</summary>${onlyList('Only in A', c.onlyIn.a)}${onlyList('Only in B', c.onlyIn.b)}</details>` : ''}
</section>`);
  return out;
}

function onlyList(title: string, items: string[]): string {
  if (!items.length) return '';
  return `<h3>${escapeText(`${title} (${items.length} endpoints)`)}</h3><ul class="mono">${items.map((i) => `<li>${escapeText(i)}</li>`).join('')}</ul>`;
}

function loadSection(l: LoadComparison): string {
  const order = ['regression', 'improvement', 'not-comparable', 'unchanged'] as const;
  const rows = [...l.metrics]
    .sort((x, y) => order.indexOf(x.verdict) - order.indexOf(y.verdict))
    .map(
      (m) =>
        `<tr data-kind="metric-${m.verdict}" data-group="metric">${kindCell(METRIC_WORDS[m.verdict])}<td>${escapeText(m.group)}</td><td>${escapeText(m.label)}<span class="id">${escapeText(m.id)}</span></td><td class="num">${escapeText(formatMetric(m.a, m.unit))}</td><td class="num">${escapeText(formatMetric(m.b, m.unit))}</td><td class="num">${escapeText(formatChange(m.change))}</td><td>${escapeText(m.note ?? `${m.worse === 'up' ? 'higher' : 'lower'} is worse`)}</td></tr>`,
    );
  return `<section data-filterable aria-labelledby="load-title">
<h2 id="load-title">Load figures (tolerance ${escapeText(formatChange(l.tolerance).replace('+', ''))})</h2>
<p class="legend">A regression is a change for the worse beyond the tolerance and a small absolute floor (1 ms, 0.1 percentage points); regressions fail the comparison.</p>
<table class="data-table"><thead><tr><th>verdict</th><th>part</th><th>figure</th><th class="num">A</th><th class="num">B</th><th class="num">change</th><th>note</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>
</section>`;
}

// Filters rows by kind of change (or a group: every shape change) and by text; sections left
// without a visible row are hidden. Reads nothing but the page's own rows.
const SCRIPT = `
(() => {
  'use strict';
  const data = JSON.parse(document.getElementById('${COMPARE_DATA_ID}').textContent);
  const kind = document.getElementById('filter-kind');
  const text = document.getElementById('filter-text');
  const rows = [...document.querySelectorAll('tr[data-kind]')];
  function apply() {
    const k = kind.value;
    const q = text.value.trim().toLowerCase();
    let shown = 0;
    for (const row of rows) {
      const show = (!k || row.dataset.kind === k || row.dataset.group === k) && (!q || row.textContent.toLowerCase().includes(q));
      row.hidden = !show;
      if (show) shown++;
    }
    for (const section of document.querySelectorAll('section[data-filterable]')) {
      const own = section.querySelectorAll('tr[data-kind]');
      section.hidden = (Boolean(k) || Boolean(q)) && own.length > 0 && ![...own].some((r) => !r.hidden);
      if ((k || q) && own.length === 0) section.hidden = true;
    }
    document.getElementById('shown-count').textContent = shown + ' of ' + rows.length + ' rows shown · ' + data.kind + ' comparison, gate ' + data.gate.verdict;
  }
  kind.addEventListener('input', apply);
  text.addEventListener('input', apply);
  apply();
})();
`;
