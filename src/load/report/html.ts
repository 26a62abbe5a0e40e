// load.html: one self-contained page per load run (nothing fetched: it has to open from a CI
// artifact, offline). The numbers are rendered here as HTML tables, so the page reads without
// JavaScript and people can copy them; the plots are drawn in the browser from the plot data
// embedded as JSON (`<script type="application/json">`), computed here so the page script
// only draws.
//
// Plots use uPlot, inlined from node_modules/uplot/dist at render time. Why uPlot: it is
// small (~50 KB minified, the whole library inlined costs less than one screenshot), draws on
// canvas and stays fast on long time series (an hour of per-second points is 3,600 per
// series), does lines and bars, needs no build step or DOM framework, is MIT-licensed and
// actively maintained. A hand-written SVG (as index.html's bar chart) would not scale to
// long timelines with cursor and zoom.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { escapeAttr, escapeText, jsonForScript } from '../../report/text.ts';
import type { LatencyHistogram, LoadReport, TimePoint } from '../model.ts';
import {
  BREACHED,
  deliveryRows,
  formatCount,
  formatMs,
  formatPercent,
  formatRate,
  HELD,
  k6DurationS,
  kneeFacts,
  loadFailures,
  loadRunFacts,
  qosKeys,
  reportNotes,
  SKIPPED,
  skippedParts,
  WARN,
} from './facts.ts';
import { LOAD_DATA_ID, LOAD_PAGE_CSS, LOAD_PAGE_SCRIPT } from './html-assets.ts';

/** A series of a plot: its values aligned with the plot's `x`, and how it is told apart without colour. */
export interface PlotSeries {
  label: string;
  values: (number | null)[];
  /** a CSS custom property of the page: `--s1` … `--s6`, `--knee` */
  color: string;
  /** canvas line dash; bars: `hatch` fills with diagonal lines instead of solid */
  dash?: number[];
  fill?: 'solid' | 'hatch';
  /** bars: -1 left of the x value, 1 right of it */
  align?: -1 | 1;
}

export interface PlotSpec {
  /** DOM id of the figure the plot is drawn into */
  id: string;
  kind: 'lines' | 'bars' | 'ramp';
  title: string;
  xLabel: string;
  yLabel: string;
  x: number[];
  /** bars: the label under each x index */
  xNames?: string[];
  series: PlotSeries[];
  /** ramp: the rate marked as the knee, and its label */
  knee?: { rate: number; label: string };
  /** ramp: per x, whether the step held (drawn as ● held, ✕ broke) */
  held?: boolean[];
}

/** What the page script reads: the plots, and the report itself for anyone who wants the raw numbers. */
export interface LoadEmbeddedData {
  plots: PlotSpec[];
  report: LoadReport;
}

export interface LoadHtmlOptions {
  /**
   * Applied to every piece of the page this module writes (the redaction, in writeLoadReport),
   * but not to the inlined uPlot library: that is fixed code that cannot hold anything of the
   * run, and a short secret that happens to occur in it (`e`, `max`) would break the page.
   */
  ownText?: (text: string) => string;
}

const LINE_DASHES: number[][] = [[], [8, 4], [2, 3], [12, 3, 2, 3], [5, 2, 1, 2, 1, 2]];

export function loadHtml(report: LoadReport, opts: LoadHtmlOptions = {}): string {
  const own = opts.ownText ?? ((text: string): string => text);
  const vendor = uplotAssets();
  const plots = plotSpecs(report);
  const data: LoadEmbeddedData = { plots, report };
  const byId = new Map(plots.map((p) => [p.id, p]));
  const body = [
    header(report),
    overTimeSection(report, byId),
    k6Section(report),
    capacitySection(report, byId),
    swarmSection(report, byId),
    restSection(report),
  ].join('\n');
  return [
    own(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeText(`EMQX load run ${report.run.id}`)}</title>
<style>`),
    vendor.css,
    own(`</style>
<style>${LOAD_PAGE_CSS}</style>
</head>
<body>
${body}
<script type="application/json" id="${LOAD_DATA_ID}">${jsonForScript(JSON.stringify(data))}</script>
<script>`),
    vendor.js,
    own(`</script>
<script>${LOAD_PAGE_SCRIPT}</script>
</body>
</html>
`),
  ].join('');
}

let cachedAssets: { js: string; css: string } | undefined;

/** uPlot's browser build and stylesheet, read from the installed package (cached per process). */
export function uplotAssets(): { js: string; css: string } {
  if (!cachedAssets) {
    const require = createRequire(import.meta.url);
    const read = (file: string): string => readFileSync(require.resolve(`uplot/dist/${file}`), 'utf8');
    // neither file holds `</script` or `</style` today; the replacements keep it that way
    cachedAssets = {
      js: read('uPlot.iife.min.js').replace(/<\/script/gi, '<\\/script'),
      css: read('uPlot.min.css').replace(/<\/style/gi, '<\\/style'),
    };
  }
  return cachedAssets;
}

// ---------------------------------------------------------------- plot data

export function plotSpecs(report: LoadReport): PlotSpec[] {
  const plots: PlotSpec[] = [];
  const k6 = report.k6 && !report.k6.skipped ? report.k6 : undefined;
  const swarm = report.swarm && !report.swarm.skipped ? report.swarm : undefined;
  const k6Line = k6?.timeline ?? [];
  const swarmLine = swarm?.timeline ?? [];

  const throughput = timelinePlot('plot-throughput', 'Throughput over time', 'per second', [
    { line: k6Line, metric: 'reqs', label: 'k6 requests/s', color: '--s1' },
    { line: k6Line, metric: 'failed', label: 'k6 failed/s', color: '--s4' },
    { line: swarmLine, metric: 'sent', label: 'swarm sent msg/s', color: '--s2' },
    { line: swarmLine, metric: 'received', label: 'swarm received msg/s', color: '--s3' },
    { line: swarmLine, metric: 'errors', label: 'swarm errors/s', color: '--s5' },
  ]);
  if (throughput) plots.push(throughput);

  const latency = timelinePlot('plot-latency', 'k6 latency percentiles over time', 'ms', [
    { line: k6Line, metric: 'p50', label: 'p50', color: '--s1' },
    { line: k6Line, metric: 'p95', label: 'p95', color: '--s2' },
    { line: k6Line, metric: 'p99', label: 'p99', color: '--s5' },
  ]);
  if (latency) plots.push(latency);

  const connections = timelinePlot('plot-connections', 'Connections over time', 'connections', [
    { line: swarmLine, metric: 'connections', label: 'swarm connections', color: '--s1' },
    { line: k6Line, metric: 'vus', label: 'k6 VUs', color: '--s2' },
  ]);
  if (connections) plots.push(connections);

  if (swarm) {
    const rows = deliveryRows(swarm);
    if (rows.length > 0) {
      plots.push({
        id: 'plot-delivery',
        kind: 'bars',
        title: 'Lost and duplicated messages per QoS',
        xLabel: 'QoS',
        yLabel: 'messages',
        x: rows.map((_, i) => i),
        xNames: rows.map((r) => `QoS ${r.qos}`),
        series: [
          { label: 'lost', values: rows.map((r) => r.lost), color: '--s4', fill: 'solid', align: -1 },
          { label: 'duplicated', values: rows.map((r) => r.duplicated), color: '--s1', fill: 'hatch', align: 1 },
        ],
      });
    }
  }

  const capacity = k6?.capacity;
  if (capacity && capacity.steps.length > 0) {
    const steps = [...capacity.steps].sort((a, b) => a.rate - b.rate);
    const knee = kneeFacts(capacity);
    const spec: PlotSpec = {
      id: 'plot-capacity',
      kind: 'ramp',
      title: 'Capacity ramp: latency per arrival rate',
      xLabel: 'arrival rate (per second)',
      yLabel: 'ms',
      x: steps.map((s) => s.rate),
      series: [
        { label: 'p95', values: steps.map((s) => s.p95Ms), color: '--s1' },
        { label: 'p99', values: steps.map((s) => s.p99Ms), color: '--s3', dash: LINE_DASHES[1]! },
      ],
      held: steps.map((s) => s.held),
    };
    if (knee.markRate !== undefined) spec.knee = { rate: knee.markRate, label: capacity.neverBroke ? `≥ ${formatRate(knee.markRate)} (never broke)` : `knee ${formatRate(knee.markRate)}` };
    plots.push(spec);
  }
  return plots;
}

interface SeriesSource {
  line: TimePoint[];
  metric: string;
  label: string;
  color: string;
}

/** Series that have the metric, aligned on the union of their seconds; undefined when none has it. */
function timelinePlot(id: string, title: string, yLabel: string, sources: SeriesSource[]): PlotSpec | undefined {
  const present = sources.filter((s) => s.line.some((p) => typeof p[s.metric] === 'number'));
  if (present.length === 0) return undefined;
  const x = [...new Set(present.flatMap((s) => s.line.filter((p) => typeof p[s.metric] === 'number').map((p) => p.t)))].sort((a, b) => a - b);
  const series = present.map((s, i): PlotSeries => {
    const at = new Map(s.line.map((p) => [p.t, p[s.metric]]));
    return { label: s.label, values: x.map((t) => at.get(t) ?? null), color: s.color, dash: LINE_DASHES[i % LINE_DASHES.length]! };
  });
  return { id, kind: 'lines', title, xLabel: 'seconds since start', yLabel, x, series };
}

// ---------------------------------------------------------------- markup

function header(report: LoadReport): string {
  const facts = loadRunFacts(report)
    .map(([label, value]) => `<dt>${escapeText(label)}</dt><dd>${escapeText(value)}</dd>`)
    .join('');
  const banner = report.run.interrupted
    ? `<p class="banner" role="alert"><strong>${WARN} Interrupted:</strong> ${escapeText(report.run.interrupted.reason)}. The numbers cover the part that ran.</p>`
    : '';
  const failures = loadFailures(report);
  const thresholds = report.k6 && !report.k6.skipped ? report.k6.thresholds : [];
  const held = thresholds.filter((t) => t.ok).length;
  const badges: string[] = [];
  if (thresholds.length > 0) {
    if (held > 0) badges.push(badge('ok', `${HELD} ${held} threshold${held === 1 ? '' : 's'} held`));
    if (held < thresholds.length) badges.push(badge('bad', `${BREACHED} ${thresholds.length - held} threshold${thresholds.length - held === 1 ? '' : 's'} breached`));
  }
  const lossy = report.swarm && !report.swarm.skipped ? deliveryRows(report.swarm).filter((r) => r.failed) : [];
  for (const r of lossy) badges.push(badge('bad', `${BREACHED} loss at QoS ${r.qos}`));
  for (const s of skippedParts(report)) badges.push(badge('skip', `${SKIPPED} ${s.part} skipped`));
  badges.unshift(failures.length === 0 ? badge('ok', `${HELD} run passed`) : badge('bad', `${BREACHED} run failed`));

  const skipped = skippedParts(report).map((s) => `<li>${SKIPPED} <strong>${escapeText(s.part)} part skipped:</strong> ${escapeText(s.reason)}</li>`);
  const notes = reportNotes(report).map((n) => `<li>${WARN} ${escapeText(n)}</li>`);
  const failureList = failures.map((f) => `<li>${BREACHED} ${escapeText(f)}</li>`);
  const list = (title: string, items: string[], cls: string): string => (items.length ? `<h2>${escapeText(title)}</h2><ul class="${cls}">${items.join('')}</ul>` : '');
  return `<header>
<h1>EMQX load run <code>${escapeText(report.run.id)}</code></h1>
${banner}
<ul class="badges" aria-label="outcome">${badges.join('')}</ul>
<dl class="facts">${facts}</dl>
${list('What failed', failureList, 'notes bad')}
${list('Skipped', skipped, 'notes')}
${list('Notes', notes, 'notes')}
</header>`;
}

function badge(kind: 'ok' | 'bad' | 'skip', text: string): string {
  return `<li class="badge ${kind}">${escapeText(text)}</li>`;
}

function figure(spec: PlotSpec | undefined, description: string): string {
  if (!spec) return '';
  return `<figure class="plot" id="${escapeAttr(spec.id)}" data-plot="${escapeAttr(spec.kind)}">
<figcaption>${escapeText(spec.title)}</figcaption>
<div class="canvas-host" role="img" aria-label="${escapeAttr(`${spec.title}. ${description}`)}"></div>
<noscript><p class="legend">The plot needs JavaScript; the numbers are in the tables.</p></noscript>
</figure>`;
}

function overTimeSection(report: LoadReport, plots: Map<string, PlotSpec>): string {
  const parts = [
    figure(plots.get('plot-throughput'), 'Requests and messages per second over the run; per-second values are in load.json.'),
  ];
  const latency = plots.get('plot-latency');
  if (latency) parts.push(figure(latency, 'p50, p95 and p99 latency of k6 requests per second (solid, dashed, dotted).'));
  else if (report.k6 && !report.k6.skipped && report.k6.timeline.length > 0) {
    parts.push(`<p class="legend">${WARN} No per-second latency percentiles in this timeline${report.run.shards > 1 ? ' (merged shards: percentiles of different shards cannot be combined per second; the overall latency below is exact)' : ''}.</p>`);
  }
  parts.push(figure(plots.get('plot-connections'), 'Open MQTT connections over the run.'));
  const content = parts.filter(Boolean);
  if (content.length === 0) return '';
  return `<section aria-labelledby="time-title">
<h2 id="time-title">Over time</h2>
${content.join('\n')}
</section>`;
}

function k6Section(report: LoadReport): string {
  const k6 = report.k6;
  if (!k6 || k6.skipped) return '';
  const thresholds = k6.thresholds.length
    ? table(
        ['', 'metric', 'expression', 'result'],
        k6.thresholds.map((t) => [
          `<td class="${t.ok ? 'ok' : 'bad'}" aria-hidden="true">${t.ok ? HELD : BREACHED}</td>`,
          td(t.metric, 'mono'),
          td(t.expression, 'mono'),
          `<td class="${t.ok ? 'ok' : 'bad'}">${t.ok ? `${HELD} held` : `${BREACHED} breached`}</td>`,
        ]),
        'thresholds',
      )
    : '<p class="legend">No thresholds were set.</p>';
  const t = k6.totals;
  const seconds = k6DurationS(report);
  const rate = (n: number): string => (seconds ? formatRate(n / seconds) : '–');
  const checks = t.checksPassed + t.checksFailed;
  const totalRows: [string, string, string][] = [
    ['requests', formatCount(t.requests), rate(t.requests)],
    ['failed requests', `${formatCount(t.failedRequests)} (${formatPercent(t.requests ? t.failedRequests / t.requests : 0)})`, rate(t.failedRequests)],
    ['code errors (HTTP 200, body code ≠ 0)', formatCount(t.codeErrors), rate(t.codeErrors)],
    ['checks passed', `${formatCount(t.checksPassed)}${checks ? ` (${formatPercent(t.checksPassed / checks)})` : ''}`, ''],
    ['checks failed', formatCount(t.checksFailed), ''],
    ['iterations', formatCount(t.iterations), rate(t.iterations)],
    ['dropped iterations', formatCount(t.droppedIterations), rate(t.droppedIterations)],
  ];
  if (t.messagesAccepted !== undefined) totalRows.push(['messages accepted', formatCount(t.messagesAccepted), rate(t.messagesAccepted)]);
  const totals = table(
    ['total', 'count', 'per second'],
    totalRows.map(([label, value, perS]) => [td(label), td(value, 'num'), td(perS, 'num')]),
    'totals',
  );
  const latencyRows: [string, LatencyHistogram][] = [];
  if (k6.latency) latencyRows.push(['all requests', k6.latency]);
  for (const [endpoint, h] of Object.entries(k6.latencyByEndpoint ?? {}).sort(([, a], [, b]) => b.p95 - a.p95)) latencyRows.push([endpoint, h]);
  for (const [depth, h] of Object.entries(k6.latencyByPageDepth ?? {})) latencyRows.push([`page depth ${depth}`, h]);
  return `<section aria-labelledby="k6-title">
<h2 id="k6-title">k6: ${escapeText(k6.scenario)} <span class="legend">(profile ${escapeText(k6.profile)})</span></h2>
<h3>Thresholds</h3>
${thresholds}
<h3>Totals</h3>
${totals}
<h3>Latency</h3>
${latencyTable(latencyRows, 'k6 latency')}
</section>`;
}

function capacitySection(report: LoadReport, plots: Map<string, PlotSpec>): string {
  const k6 = report.k6;
  const capacity = k6 && !k6.skipped ? k6.capacity : undefined;
  if (!capacity) return '';
  const knee = kneeFacts(capacity);
  const rows = [...capacity.steps]
    .sort((a, b) => a.rate - b.rate)
    .map((s) => {
      const isKnee = knee.markRate !== undefined && s.rate === knee.markRate;
      const result = s.held ? `${HELD} held${isKnee ? (capacity.neverBroke ? ' (highest tried)' : ' ← knee') : ''}` : `${BREACHED} ${s.breaches.join('; ') || 'broke'}`;
      return {
        cls: isKnee ? 'knee' : '',
        cells: [
          td(formatRate(s.rate), 'num'),
          td(formatRate(s.achievedRate), 'num'),
          td(formatMs(s.p95Ms), 'num'),
          td(formatMs(s.p99Ms), 'num'),
          td(formatPercent(s.failedRate), 'num'),
          td(formatPercent(s.codeErrorRate), 'num'),
          td(formatPercent(s.checkRate), 'num'),
          td(formatCount(s.droppedIterations), 'num'),
          `<td class="${s.held ? 'ok' : 'bad'}">${escapeText(result)}</td>`,
        ],
      };
    });
  const body = rows.map((r) => `<tr${r.cls ? ` class="${r.cls}"` : ''}>${r.cells.join('')}</tr>`).join('\n');
  const heads = ['rate', 'achieved', 'p95', 'p99', 'failed', 'code errors', 'checks', 'dropped', 'result'];
  return `<section aria-labelledby="capacity-title">
<h2 id="capacity-title">Capacity ramp</h2>
<p class="knee-text" id="knee-text"><strong>${escapeText(knee.text)}</strong></p>
${figure(plots.get('plot-capacity'), `${knee.text} Steps that held are drawn as filled circles, steps that broke as crosses; the knee is the dashed vertical line.`)}
<table class="data-table" aria-label="capacity steps">
<thead><tr>${heads.map((h, i) => `<th${i < heads.length - 1 ? ' class="num"' : ''}>${escapeText(h)}</th>`).join('')}</tr></thead>
<tbody>
${body}
</tbody>
</table>
</section>`;
}

function swarmSection(report: LoadReport, plots: Map<string, PlotSpec>): string {
  const swarm = report.swarm;
  if (!swarm || swarm.skipped) return '';
  const c = swarm.clients;
  const clientRows: [string, string][] = [
    ['target', formatCount(c.target)],
    ['connected', `${formatCount(c.connected)} (${formatPercent(c.target ? c.connected / c.target : 0)})`],
    ['failed', formatCount(c.failed)],
  ];
  for (const [reason, n] of Object.entries(c.failuresByReason).sort(([, a], [, b]) => b - a)) clientRows.push([`failed: ${reason}`, formatCount(n)]);
  if (swarm.cpu) {
    clientRows.push(['swarm CPU (user / system)', `${formatCount(swarm.cpu.userMs)} ms / ${formatCount(swarm.cpu.systemMs)} ms on ${swarm.cpu.cores} cores`]);
  }
  const delivery = deliveryRows(swarm);
  const deliveryTable = table(
    ['QoS', 'published', 'expected', 'received', 'lost', 'loss', 'duplicated', 'result'],
    delivery.map((d) => [
      td(d.qos),
      td(formatCount(d.published), 'num'),
      td(formatCount(d.expected), 'num'),
      td(formatCount(d.received), 'num'),
      td(formatCount(d.lost), 'num'),
      td(formatPercent(d.lossRate), 'num'),
      td(formatCount(d.duplicated), 'num'),
      d.failed
        ? `<td class="bad">${BREACHED} loss at QoS ${escapeText(d.qos)}</td>`
        : `<td class="ok">${HELD} ${d.qos === '0' && d.lost > 0 ? 'QoS 0 is at most once' : 'no loss'}</td>`,
    ]),
    'delivery per QoS',
  );
  const latencyRows: [string, LatencyHistogram][] = [];
  if (swarm.connectLatency) latencyRows.push(['connect', swarm.connectLatency]);
  if (swarm.subscribeLatency) latencyRows.push(['subscribe', swarm.subscribeLatency]);
  for (const qos of qosKeys(swarm.e2eLatency)) latencyRows.push([`end to end, QoS ${qos}`, swarm.e2eLatency[qos]!]);
  return `<section aria-labelledby="swarm-title">
<h2 id="swarm-title">MQTT swarm</h2>
${table(['clients', ''], clientRows.map(([k, v]) => [td(k), td(v, 'num')]), 'swarm clients')}
<h3>Delivery per QoS</h3>
<div class="side-by-side">
${figure(plots.get('plot-delivery'), `Lost (solid bars) and duplicated (hatched bars) messages per QoS: ${delivery.map((d) => `QoS ${d.qos} lost ${d.lost}, duplicated ${d.duplicated}`).join('; ')}.`)}
${deliveryTable}
</div>
<h3>Latency</h3>
${latencyTable(latencyRows, 'swarm latency')}
</section>`;
}

function restSection(report: LoadReport): string {
  const r = report.restToMqtt;
  if (!r) return '';
  const rows: [string, string][] = [
    ['sent through publish_batch', formatCount(r.sent)],
    ['delivered to subscribers', formatCount(r.delivered)],
    ['delivered / sent', formatPercent(r.ratio)],
    ['duplicated', formatCount(r.duplicated)],
  ];
  return `<section aria-labelledby="rest-title">
<h2 id="rest-title">REST → MQTT</h2>
<p class="legend">Messages k6 published through the REST API that the swarm's subscribers received.</p>
${table(['', ''], rows.map(([k, v]) => [td(k), td(v, 'num')]), 'REST to MQTT delivery')}
${r.latency ? latencyTable([['REST call to MQTT receive', r.latency]], 'REST to MQTT latency') : ''}
</section>`;
}

function latencyTable(rows: [string, LatencyHistogram][], label: string): string {
  if (rows.length === 0) return '<p class="legend">No latency samples.</p>';
  return table(
    ['', 'samples', 'p50', 'p90', 'p95', 'p99', 'max'],
    rows.map(([name, h]) => [td(name, 'mono'), td(formatCount(h.count), 'num'), ...[h.p50, h.p90, h.p95, h.p99, h.max].map((ms) => td(formatMs(ms), 'num'))]),
    label,
  );
}

function td(text: string, cls = ''): string {
  return `<td${cls ? ` class="${cls}"` : ''}>${escapeText(text)}</td>`;
}

function table(heads: string[], rows: string[][], label: string): string {
  // a column of numbers is right-aligned, its heading too
  const numeric = (rows[0] ?? []).map((cell) => cell.startsWith('<td class="num"'));
  const head = heads.map((h, i) => `<th${numeric[i] ? ' class="num"' : ''} scope="col">${escapeText(h)}</th>`).join('');
  return `<table class="data-table" aria-label="${escapeAttr(label)}">
<thead><tr>${head}</tr></thead>
<tbody>
${rows.map((cells) => `<tr>${cells.join('')}</tr>`).join('\n')}
</tbody>
</table>`;
}
