// compare.md: the comparison as a pull request comment (and what `compare` prints). GitHub-
// flavoured Markdown; long lists are cut at a limit with a pointer to compare.html and
// compare.json, so a comment stays under GitHub's size limit.
import { VERDICT_SYMBOL } from '../report/facts.ts';
import { VERDICTS_WORST_FIRST } from '../report/group.ts';
import { truncate } from '../report/text.ts';
import { CHANGE_ORDER } from './contract.ts';
import type { CompareReport, ContractChange, ContractComparison, EndpointShapeDiff, LoadComparison, RunSide } from './model.ts';
import { BEHAVIOUR_WORDS, CHANGE_WORDS, describeCounts, describeField, formatChange, formatMetric, METRIC_WORDS, SHAPE_WORDS } from './vocab.ts';
import { code, md, table } from '../report/markdown.ts';

/** Rows per list before it is cut. */
export const MAX_ROWS = 40;

export function compareMarkdown(report: CompareReport): string {
  const sections = [header(report), notes(report)];
  if (report.contract) sections.push(...contractSections(report.contract));
  if (report.load) sections.push(loadSection(report.load));
  return `${sections.filter((s) => s !== '').join('\n\n')}\n`;
}

function header(r: CompareReport): string {
  const headline =
    r.gate.verdict === 'fail'
      ? `✗ ${r.gate.reasons.join('; ')}`
      : r.kind === 'contract'
        ? '✓ no newly failing checks'
        : `✓ no regression beyond ${formatChange(r.load?.tolerance).replace('+', '')}`;
  const rows = (['a', 'b'] as const).map((k) => side(k.toUpperCase(), r[k], r.kind));
  const head = r.kind === 'contract' ? ['', 'run', 'API', 'EMQX', 'profile', 'from'] : ['', 'run', 'scenario', 'profile', 'EMQX', 'from'];
  return [`## EMQX ${r.kind} runs compared: ${headline}`, '', table(head, rows)].join('\n');
}

function side(label: string, s: RunSide, kind: CompareReport['kind']): string[] {
  const interrupted = s.interrupted ? ' ⚠ interrupted' : '';
  return kind === 'contract'
    ? [`**${label}**`, code(s.id) + interrupted, md(s.apiVersion ?? ''), md(s.emqxVersion ?? 'unknown'), md(s.profile), code(s.source)]
    : [`**${label}**`, code(s.id) + interrupted, md(s.scenario ?? ''), md(s.profile), md(s.emqxVersion ?? 'unknown'), code(s.source)];
}

function notes(r: CompareReport): string {
  if (r.notes.length === 0) return '';
  return r.notes.map((n) => `> ${md(n)}`).join('\n>\n');
}

function contractSections(c: ContractComparison): string[] {
  const counts = CHANGE_ORDER.map((k) => ({ k, n: c.changes.filter((x) => x.kind === k).length })).filter((x) => x.n > 0);
  const summary = counts.length
    ? counts.map(({ k, n }) => `${CHANGE_WORDS[k].symbol} ${n} ${CHANGE_WORDS[k].short ?? CHANGE_WORDS[k].title.toLowerCase()}`).join(' · ')
    : 'No verdict changed between the runs.';
  const out = ['### Changes', summary];
  for (const { k } of counts) out.push(changeTable(k, c.changes.filter((x) => x.kind === k)));
  const sections = [blocks(...out)];
  if (c.behaviour.length) sections.push(behaviourSection(c));
  sections.push(shapeSection(c));
  sections.push(totalsSection(c));
  if (c.onlyIn.a.length || c.onlyIn.b.length) sections.push(onlySection(c));
  return sections;
}

function changeTable(kind: ContractChange['kind'], changes: ContractChange[]): string {
  const words = CHANGE_WORDS[kind];
  const rows = changes.slice(0, MAX_ROWS).map((c) => [
    md(c.targetA ? `${c.targetA} → ${c.target}` : c.target),
    c.requestA ? `${code(c.requestA)} → ${code(c.request)}` : code(c.request),
    md(c.check),
    c.pointer === undefined ? '' : code(describeField(c.pointer)),
    md(describeCounts(c.a)),
    md(describeCounts(c.b)),
    md(detail(c)),
  ]);
  const title = `${words.symbol} ${words.title} (${changes.length})`;
  const body = blocks(table(['target', 'request', 'check', 'field', 'A', 'B', 'what it says'], rows), more(changes.length));
  // fields the documents don't mention fail no run by default: listed, folded away
  if (kind === 'undocumented-field-appeared' || kind === 'undocumented-field-gone') return blocks(`<details><summary>${title}</summary>`, body, '</details>');
  return blocks(`#### ${title}`, body);
}

function detail(c: ContractChange): string {
  const e = c.example;
  if (!e) return '';
  const run = e.run.toUpperCase();
  if (e.verdict === 'fail' && (e.expected !== undefined || e.actual !== undefined) && !e.message.includes('expected')) {
    return truncate(`${run}: expected ${e.expected ?? '?'}, got ${e.actual ?? '?'} — ${e.message}`, 220);
  }
  if (e.verdict === 'known-deviation') return truncate(`${run}: ${e.erratum ? `erratum ${e.erratum}: ` : ''}${e.actual ?? ''} ${e.reason ?? e.message}`, 220);
  return truncate(`${run}: ${e.reason ?? e.message}`, 220);
}

function behaviourSection(c: ContractComparison): string {
  const first = c.behaviour[0]!;
  const rows = c.behaviour.slice(0, MAX_ROWS).map((b) => [
    md(b.target),
    code(b.request),
    md(`${b.title} (${b.expectation.split('.').pop()})`),
    code(b.a.answer),
    code(b.b.answer),
    b.held ? '✓ both runs answered so' : md(`? ${b.note ?? 'not confirmed'}`),
  ]);
  return blocks(
    `### ${BEHAVIOUR_WORDS.symbol} ${BEHAVIOUR_WORDS.title} (${c.behaviour.length})`,
    `Each run was held to its own release's answer (schemas/expectations/negative.json): where both held, the broker's answer changed from EMQX ${first.a.release} to EMQX ${first.b.release} as the table says, with no verdict changing.`,
    table(['target', 'request', 'case', `A: EMQX ${first.a.release}`, `B: EMQX ${first.b.release}`, 'confirmed'], rows),
    more(c.behaviour.length),
  );
}

function shapeSection(c: ContractComparison): string {
  const out = [`### Response shapes${c.shapes.length ? ` (${c.shapes.length} endpoint${c.shapes.length === 1 ? '' : 's'} changed)` : ''}`];
  if (c.shapes.length === 0 && !c.shapeNotes.some((n) => /not compared/.test(n))) out.push('', 'No field was added, removed, renamed or retyped in the successful answers of the endpoints both runs called.');
  let rows = 0;
  for (const d of c.shapes) {
    if (rows >= MAX_ROWS * 2) {
      out.push('', `…and ${c.shapes.length - c.shapes.indexOf(d)} more endpoints: see compare.html or compare.json.`);
      break;
    }
    out.push('', `#### ${endpointTitle(d)}`, '', shapeTable(d));
    rows += d.changes.length;
  }
  if (c.shapeNotes.length) out.push('', ...c.shapeNotes.map((n) => `- ${md(n)}`));
  return out.join('\n');
}

function endpointTitle(d: EndpointShapeDiff): string {
  const b = `${d.target} ${code(d.request)}`;
  if (!d.targetA && !d.requestA) return b;
  return `${d.targetA ?? d.target} ${code(d.requestA ?? d.request)} → ${b}`;
}

function shapeTable(d: EndpointShapeDiff): string {
  const rows = d.changes.slice(0, MAX_ROWS).map((s) => {
    const w = SHAPE_WORDS[s.kind];
    const field = s.kind === 'renamed' ? `${code(describeField(s.from!))} → ${code(describeField(s.pointer))}` : code(describeField(s.pointer));
    return [`${w.symbol} ${w.title}`, field + (s.below ? ` (and ${s.below} below)` : ''), md(s.a?.join(', ') ?? ''), md(s.b?.join(', ') ?? '')];
  });
  return blocks(table(['change', 'field', 'A', 'B'], rows), more(d.changes.length));
}

function totalsSection(c: ContractComparison): string {
  const rows = VERDICTS_WORST_FIRST.map((v) => [`${VERDICT_SYMBOL[v]} ${v}`, String(c.totals.a[v]), String(c.totals.b[v])]);
  const { undocumented } = c.totals;
  if (undocumented.a || undocumented.b) rows.splice(1, 0, ['↳ of which undocumented fields (fail no run by default)', String(undocumented.a), String(undocumented.b)]);
  return ['### Verdicts', '', table(['verdict', 'A', 'B'], rows, 'lrr')].join('\n');
}

function onlySection(c: ContractComparison): string {
  const list = (items: string[]): string[] => [...items.slice(0, MAX_ROWS).map((i) => `- ${md(i)}`), ...(items.length > MAX_ROWS ? [`- …and ${items.length - MAX_ROWS} more`] : [])];
  return [
    '<details><summary>Checks that ran in one run only (a --grep, a policy, another API version)</summary>',
    '',
    ...(c.onlyIn.a.length ? [`Only in A (${c.onlyIn.a.length} endpoints):`, '', ...list(c.onlyIn.a), ''] : []),
    ...(c.onlyIn.b.length ? [`Only in B (${c.onlyIn.b.length} endpoints):`, '', ...list(c.onlyIn.b), ''] : []),
    '</details>',
  ].join('\n');
}

function loadSection(l: LoadComparison): string {
  const order = ['regression', 'improvement', 'not-comparable', 'unchanged'] as const;
  const metrics = [...l.metrics].sort((x, y) => order.indexOf(x.verdict) - order.indexOf(y.verdict));
  const shown = metrics.filter((m) => m.verdict !== 'unchanged');
  const unchanged = metrics.length - shown.length;
  const row = (m: (typeof metrics)[number]): string[] => [
    `${METRIC_WORDS[m.verdict].symbol} ${METRIC_WORDS[m.verdict].title}`,
    md(m.group),
    md(m.label),
    formatMetric(m.a, m.unit),
    formatMetric(m.b, m.unit),
    formatChange(m.change),
    md(m.note ?? `${m.worse === 'up' ? 'higher' : 'lower'} is worse`),
  ];
  const head = ['verdict', 'part', 'figure', 'A', 'B', 'change', 'note'];
  const out = [`### Load figures (tolerance ${formatChange(l.tolerance).replace('+', '')})`, ''];
  out.push(shown.length ? table(head, shown.map(row), 'lllrrrl') : 'Every figure is within the tolerance.');
  if (unchanged) {
    out.push('', `<details><summary>${unchanged} figure${unchanged === 1 ? '' : 's'} within the tolerance</summary>`, '', table(head, metrics.filter((m) => m.verdict === 'unchanged').map(row), 'lllrrrl'), '', '</details>');
  }
  return out.join('\n');
}

function more(n: number): string {
  return n > MAX_ROWS ? `…and ${n - MAX_ROWS} more: see compare.html or compare.json.` : '';
}

/** Markdown blocks separated by blank lines; empty ones left out. */
function blocks(...parts: string[]): string {
  return parts.filter((p) => p !== '').join('\n\n');
}
