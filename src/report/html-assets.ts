// The inline CSS and script of index.html. Kept apart from the markup builder so each reads
// on its own; both are plain strings because the page must work offline from a CI artifact
// (no CDN, no fonts, no build step).

// Colour-blind safe tints (after the Okabe–Ito palette) with dark text; every verdict also
// carries its symbol, so colour is never the only signal.
export const PAGE_CSS = `
:root {
  --bg: #fff; --fg: #1b1b1b; --muted: #5a5a5a; --line: #d8d8d8; --panel: #f6f7f9;
  --fail-bg: #fbd3c2; --fail-fg: #8a2c00;
  --known-deviation-bg: #dcd6f7; --known-deviation-fg: #3b2a7a;
  --not-implemented-bg: #fde6ad; --not-implemented-fg: #5f4200;
  --skipped-bg: #e4e4e4; --skipped-fg: #3d3d3d;
  --waived-bg: #ecd6e7; --waived-fg: #6a2a57;
  --pass-bg: #cdeee0; --pass-fg: #00533c;
  --p50: #0072b2; --p95: #9fd3f2;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #15171a; --fg: #e8e8e8; --muted: #a8a8a8; --line: #3a3d42; --panel: #1f2227;
    --fail-bg: #6b2a12; --fail-fg: #ffd9c9; --known-deviation-bg: #362b66; --known-deviation-fg: #e2dcff; --not-implemented-bg: #5c4610; --not-implemented-fg: #ffeab8;
    --skipped-bg: #3a3a3a; --skipped-fg: #e0e0e0; --waived-bg: #55324c; --waived-fg: #f5d8ec;
    --pass-bg: #154a38; --pass-fg: #c8f2df; --p50: #56b4e9; --p95: #1d4f6e;
  }
}
* { box-sizing: border-box; }
body { margin: 0; padding: 1rem 1.5rem 3rem; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--fg); }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
h1 { font-size: 1.4rem; margin: 0 0 .5rem; } h2 { font-size: 1.15rem; margin: 2rem 0 .6rem; }
.banner { border: 2px solid var(--not-implemented-fg); background: var(--not-implemented-bg); color: var(--not-implemented-fg); padding: .5rem .8rem; border-radius: 6px; margin: .5rem 0; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: .5rem 0 1rem; }
.facts dt { color: var(--muted); } .facts dd { margin: 0; overflow-wrap: anywhere; }
.badges { display: flex; flex-wrap: wrap; gap: .5rem; margin: 0; padding: 0; list-style: none; }
.badge { display: inline-block; padding: .25rem .7rem; border-radius: 999px; font-weight: 600; border: 1px solid currentColor; }
.v-fail { background: var(--fail-bg); color: var(--fail-fg); }
.v-known-deviation { background: var(--known-deviation-bg); color: var(--known-deviation-fg); }
.v-not-implemented { background: var(--not-implemented-bg); color: var(--not-implemented-fg); }
.v-skipped { background: var(--skipped-bg); color: var(--skipped-fg); }
.v-waived { background: var(--waived-bg); color: var(--waived-fg); }
.v-pass { background: var(--pass-bg); color: var(--pass-fg); }
.filters { display: flex; flex-wrap: wrap; gap: .8rem; align-items: end; margin-bottom: .6rem; }
.filters label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); }
.filters select, .filters input { font: inherit; padding: .25rem .4rem; min-width: 10rem; background: var(--bg); color: var(--fg); border: 1px solid var(--line); border-radius: 4px; }
.legend { color: var(--muted); font-size: 12px; margin: 0 0 .6rem; }
.layout { display: grid; grid-template-columns: minmax(0, max-content) minmax(320px, 1fr); gap: 1rem; align-items: start; }
@media (max-width: 1100px) { .layout { grid-template-columns: minmax(0, 1fr); } }
.matrix-wrap { overflow-x: auto; }
table { border-collapse: collapse; }
#matrix th, #matrix td { border: 1px solid var(--line); padding: 0; }
#matrix thead th { position: sticky; top: 0; background: var(--panel); font-weight: 600; font-size: 11.5px; padding: .3rem; max-width: 7rem; }
#matrix tr.group th { text-align: left; background: var(--panel); padding: .35rem .5rem; font-size: 12px; letter-spacing: .02em; }
#matrix th[scope=row] { text-align: left; font-weight: normal; }
#matrix button { font: inherit; color: inherit; background: none; border: 0; width: 100%; padding: .25rem .5rem; cursor: pointer; text-align: inherit; }
#matrix td button { text-align: center; min-width: 3.2rem; font-weight: 600; }
#matrix td.empty { background: var(--bg); }
#matrix td.dim { opacity: .3; }
#matrix .selected { outline: 3px solid var(--fg); outline-offset: -3px; }
.method { display: inline-block; min-width: 4.4em; font-weight: 700; }
.id { display: block; color: var(--muted); font-size: 11px; }
.nocheck { color: var(--not-implemented-fg); font-size: 11px; margin-left: .4rem; }
#details { position: sticky; top: .5rem; max-height: calc(100vh - 1rem); overflow: auto; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: .8rem; }
#details h3 { margin: 0 0 .2rem; font-size: 1rem; overflow-wrap: anywhere; }
#details ol { list-style: none; margin: .6rem 0 0; padding: 0; }
.finding { border-left: 6px solid currentColor; border-radius: 4px; padding: .5rem .6rem; margin-bottom: .6rem; }
.finding .message { margin: .2rem 0 .4rem; color: var(--fg); overflow-wrap: anywhere; }
.finding dl { display: grid; grid-template-columns: max-content 1fr; gap: .1rem .6rem; margin: 0; color: var(--fg); }
.finding dt { color: var(--muted); } .finding dd { margin: 0; overflow-wrap: anywhere; white-space: pre-wrap; }
.finding pre { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--bg); color: var(--fg); padding: .4rem; border-radius: 4px; margin: .4rem 0 .2rem; }
.finding .copy { font: inherit; font-size: 12px; padding: .15rem .6rem; cursor: pointer; }
.latency-chart { max-width: 1000px; display: block; font-size: 11px; }
.latency-chart .label, .latency-chart .value, .latency-chart .axis { fill: var(--fg); font-family: ui-monospace, Menlo, Consolas, monospace; }
.latency-chart .axis { fill: var(--muted); }
.latency-chart .tick { stroke: var(--line); }
.latency-chart .p95 { fill: var(--p95); } .latency-chart .p50 { fill: var(--p50); }
.key { display: inline-block; width: .9em; height: .9em; vertical-align: -.1em; margin: 0 .25em 0 .8em; }
.data-table th, .data-table td { border-bottom: 1px solid var(--line); padding: .2rem .7rem; text-align: left; }
.data-table td.num, .data-table th.num { text-align: right; font-variant-numeric: tabular-nums; }
[hidden] { display: none !important; }
`;

/** The id of the `<script type="application/json">` block holding `EmbeddedData`. */
export const EMBEDDED_DATA_ID = 'report-data';

// Reads the embedded report and wires the matrix: filters, and a details panel filled with
// textContent only, so nothing from a finding is ever parsed as HTML.
export const PAGE_SCRIPT = `
(() => {
  'use strict';
  const data = JSON.parse(document.getElementById('${EMBEDDED_DATA_ID}').textContent);
  const { report, endpoints, pointerLabels, vocab } = data;
  const endpointById = new Map(endpoints.map((e) => [e.id, e]));
  const rank = (v) => vocab.verdictsWorstFirst.indexOf(v);

  const findingsOf = new Map();
  const searchText = new Map(endpoints.map((e) => [e.id, [e.id, e.method, e.path, e.area].join(' ').toLowerCase()]));
  report.findings.forEach((f, i) => {
    const list = findingsOf.get(f.endpoint) ?? [];
    list.push({ f, pointer: pointerLabels[i] });
    findingsOf.set(f.endpoint, list);
    const extra = [f.check, f.verdict, f.message, f.pointer ?? '', f.reason ?? ''].join(' ').toLowerCase();
    searchText.set(f.endpoint, (searchText.get(f.endpoint) ?? '') + ' ' + extra);
  });

  const $ = (id) => document.getElementById(id);
  const verdictFilter = $('filter-verdict');
  const versionFilter = $('filter-version');
  const textFilter = $('filter-text');

  function applyFilters() {
    const verdict = verdictFilter.value;
    const version = versionFilter.value;
    const query = textFilter.value.trim().toLowerCase();
    let shown = 0;
    for (const body of document.querySelectorAll('#matrix tbody')) {
      let visible = 0;
      for (const row of body.querySelectorAll('tr[data-endpoint]')) {
        const id = row.dataset.endpoint;
        const show = (!version || row.dataset.version === version)
          && (!verdict || (findingsOf.get(id) ?? []).some(({ f }) => f.verdict === verdict))
          && (!query || (searchText.get(id) ?? '').includes(query));
        row.hidden = !show;
        if (show) visible++;
        for (const cell of row.querySelectorAll('td[data-verdicts]')) {
          cell.classList.toggle('dim', Boolean(verdict) && !cell.dataset.verdicts.split(' ').includes(verdict));
        }
      }
      body.hidden = visible === 0;
      shown += visible;
    }
    for (const el of document.querySelectorAll('[data-latency-version]')) {
      el.hidden = Boolean(version) && el.dataset.latencyVersion !== version;
    }
    $('shown-count').textContent = shown + ' of ' + endpoints.length + ' endpoints shown';
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function field(dl, label, value) {
    if (value === undefined || value === null) return;
    dl.append(el('dt', '', label), el('dd', 'mono', value === '' ? '(empty)' : value));
  }

  async function copy(text, button) {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // file:// pages are not always a secure context; fall back to a selection copy.
      const area = document.createElement('textarea');
      area.value = text;
      document.body.append(area);
      area.select();
      document.execCommand('copy');
      area.remove();
    }
    button.textContent = 'Copied';
    setTimeout(() => { button.textContent = 'Copy curl'; }, 1500);
  }

  function renderFinding({ f, pointer }) {
    const item = el('li', 'finding v-' + f.verdict);
    item.append(el('strong', '', vocab.symbols[f.verdict] + ' ' + f.verdict + ' · ' + f.check));
    item.append(el('p', 'message', f.message));
    const dl = el('dl');
    field(dl, 'pointer', pointer);
    field(dl, 'expected', f.expected);
    field(dl, 'actual', f.actual);
    field(dl, 'doc', f.doc);
    field(dl, 'reason', f.reason);
    item.append(dl);
    if (f.curl) {
      const pre = el('pre');
      pre.append(el('code', '', f.curl));
      const button = el('button', 'copy', 'Copy curl');
      button.type = 'button';
      button.addEventListener('click', () => copy(f.curl, button));
      item.append(pre, button);
    }
    return item;
  }

  function showDetails(endpointId, check, trigger) {
    const e = endpointById.get(endpointId);
    const verdict = verdictFilter.value;
    const list = (findingsOf.get(endpointId) ?? [])
      .filter(({ f }) => (!check || f.check === check) && (!verdict || f.verdict === verdict))
      .sort((a, b) => rank(a.f.verdict) - rank(b.f.verdict));
    const panel = $('details');
    panel.replaceChildren();
    panel.append(el('h3', '', (e ? e.method + ' ' + e.path : endpointId) + (check ? ' · ' + check : '')));
    const sub = endpointId + ' · ' + list.length + ' finding' + (list.length === 1 ? '' : 's') + (verdict ? ' (' + verdict + ' only)' : '');
    panel.append(el('div', 'id', sub));
    const ol = el('ol');
    list.forEach((x) => ol.append(renderFinding(x)));
    if (list.length === 0) panel.append(el('p', '', 'No findings here.'));
    panel.append(ol);
    panel.hidden = false;
    for (const s of document.querySelectorAll('#matrix .selected')) s.classList.remove('selected');
    trigger.closest('td, th').classList.add('selected');
  }

  $('matrix').addEventListener('click', (event) => {
    const button = event.target.closest('button');
    if (!button) return;
    const row = button.closest('tr[data-endpoint]');
    showDetails(row.dataset.endpoint, button.dataset.check, button);
  });
  for (const input of [verdictFilter, versionFilter, textFilter]) input.addEventListener('input', applyFilters);
  applyFilters();

  // index.html#endpoint=v4.list_clients&check=schema opens that cell's findings (the terminal
  // and summary.md link failures this way)
  function openFromHash() {
    const params = new URLSearchParams(location.hash.slice(1));
    const endpointId = params.get('endpoint');
    if (!endpointId) return;
    const row = [...document.querySelectorAll('#matrix tr[data-endpoint]')].find((r) => r.dataset.endpoint === endpointId);
    if (!row) return;
    const check = params.get('check') || '';
    const trigger = [...row.querySelectorAll('button')].find((b) => (b.dataset.check || '') === check) || row.querySelector('button');
    if (!trigger) return;
    showDetails(endpointId, check, trigger);
    $('details').scrollIntoView({ block: 'start' });
  }
  window.addEventListener('hashchange', openFromHash);
  openFromHash();
})();
`;
