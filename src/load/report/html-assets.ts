// The inline CSS and script of load.html. Plain strings, like index.html's
// (src/report/html-assets.ts): the page has to open offline from a CI artifact. The script
// draws the plots described by the embedded `LoadEmbeddedData` with uPlot (inlined by
// html.ts) and nothing else: every number on the page is already in the HTML tables.

/** The id of the `<script type="application/json">` block holding `LoadEmbeddedData`. */
export const LOAD_DATA_ID = 'load-data';

// Series colours after the Okabe–Ito palette (colour-blind safe), lighter in the dark scheme.
// Colour is never the only signal: lines differ in dash, bars in fill (solid / hatched),
// capacity steps in shape (● held, ✕ broke), and every verdict carries ✓ or ✗.
export const LOAD_PAGE_CSS = `
:root {
  color-scheme: light dark;
  --bg: #fff; --fg: #1b1b1b; --muted: #5a5a5a; --line: #d8d8d8; --panel: #f6f7f9;
  --ok-bg: #cdeee0; --ok-fg: #00533c; --bad-bg: #fbd3c2; --bad-fg: #8a2c00; --skip-bg: #e4e4e4; --skip-fg: #3d3d3d;
  --warn-bg: #fde6ad; --warn-fg: #5f4200;
  --s1: #0072b2; --s2: #e69f00; --s3: #009e73; --s4: #d55e00; --s5: #cc79a7; --knee: #d55e00;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #15171a; --fg: #e8e8e8; --muted: #a8a8a8; --line: #3a3d42; --panel: #1f2227;
    --ok-bg: #154a38; --ok-fg: #c8f2df; --bad-bg: #6b2a12; --bad-fg: #ffd9c9; --skip-bg: #3a3a3a; --skip-fg: #e0e0e0;
    --warn-bg: #5c4610; --warn-fg: #ffeab8;
    --s1: #56b4e9; --s2: #f0b43c; --s3: #1fbf8f; --s4: #f07a3a; --s5: #e29bc4; --knee: #f07a3a;
  }
}
* { box-sizing: border-box; }
body { margin: 0; padding: 1rem 1.5rem 3rem; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--fg); max-width: 1400px; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
h1 { font-size: 1.4rem; margin: 0 0 .5rem; } h2 { font-size: 1.15rem; margin: 2rem 0 .6rem; } h3 { font-size: 1rem; margin: 1.2rem 0 .4rem; }
.banner { border: 2px solid var(--warn-fg); background: var(--warn-bg); color: var(--warn-fg); padding: .5rem .8rem; border-radius: 6px; margin: .5rem 0; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: .8rem 0 1rem; }
.facts dt { color: var(--muted); } .facts dd { margin: 0; overflow-wrap: anywhere; }
.badges { display: flex; flex-wrap: wrap; gap: .5rem; margin: .4rem 0; padding: 0; list-style: none; }
.badge { display: inline-block; padding: .25rem .7rem; border-radius: 999px; font-weight: 600; border: 1px solid currentColor; }
.badge.ok, td.ok { background: var(--ok-bg); color: var(--ok-fg); }
.badge.bad, td.bad { background: var(--bad-bg); color: var(--bad-fg); }
.badge.skip { background: var(--skip-bg); color: var(--skip-fg); }
.notes { margin: 0; padding-left: 1.2rem; list-style: none; } .notes li { margin: .2rem 0; text-indent: -1.2rem; }
.notes.bad li { color: var(--bad-fg); }
header h2 { font-size: 1rem; margin: 1rem 0 .3rem; }
.legend { color: var(--muted); font-size: 12px; margin: 0 0 .6rem; }
figure.plot { margin: 0 0 1.2rem; padding: .6rem; border: 1px solid var(--line); border-radius: 6px; background: var(--panel); min-width: 0; }
figure.plot figcaption { font-weight: 600; margin-bottom: .3rem; }
.canvas-host { width: 100%; min-height: 200px; }
.side-by-side { display: grid; grid-template-columns: minmax(320px, 1fr) minmax(0, max-content); gap: 1rem; align-items: start; }
@media (max-width: 1000px) { .side-by-side { grid-template-columns: minmax(0, 1fr); } }
.knee-text { margin: .2rem 0 .6rem; }
table { border-collapse: collapse; }
.data-table { margin-bottom: .8rem; }
.data-table th, .data-table td { border-bottom: 1px solid var(--line); padding: .2rem .7rem; text-align: left; }
.data-table td.num, .data-table th.num { text-align: right; font-variant-numeric: tabular-nums; }
.data-table tr.knee td { font-weight: 700; border-top: 2px dashed var(--knee); border-bottom: 2px dashed var(--knee); }
/* uPlot's own stylesheet assumes a light page */
.uplot, .u-legend { color: var(--fg); font-family: inherit; }
.u-legend .u-marker { border-width: 2px; }
`;

// Draws every plot of the embedded data into its figure. Colours come from the page's CSS
// variables at draw time, and the plots are rebuilt when the colour scheme changes.
// `window.loadPlots` holds the uPlot instances (for the browser test and for devtools), and
// the capacity figure gets `data-knee-px`, the canvas column of its knee line.
export const LOAD_PAGE_SCRIPT = `
(() => {
  'use strict';
  const data = JSON.parse(document.getElementById('${LOAD_DATA_ID}').textContent);
  const plots = {};
  window.loadPlots = plots;
  const dpr = () => window.devicePixelRatio || 1;
  const cssVar = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
  const fmt = (v) => (v == null ? '' : Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : String(Math.round(v * 100) / 100));

  function hatch(stroke) {
    const size = Math.max(6, Math.round(8 * dpr()));
    const tile = document.createElement('canvas');
    tile.width = tile.height = size;
    const g = tile.getContext('2d');
    g.strokeStyle = stroke;
    g.lineWidth = Math.max(1, 1.5 * dpr());
    g.beginPath();
    for (const k of [-1, 0, 1]) { g.moveTo(k * size, size); g.lineTo(k * size + size, 0); }
    g.stroke();
    return g.createPattern(tile, 'repeat');
  }

  function axes(spec) {
    const fg = cssVar('--fg');
    const line = cssVar('--line');
    const axis = (label, extra) => Object.assign({ label, stroke: fg, grid: { stroke: line, width: 1 }, ticks: { stroke: line, width: 1 } }, extra);
    const x = axis(spec.xLabel, {});
    if (spec.kind === 'bars') {
      x.splits = () => spec.x;
      x.values = (u, splits) => splits.map((v) => spec.xNames[v] ?? '');
      x.grid = { show: false };
    }
    return [x, axis(spec.yLabel, { size: 64, values: (u, splits) => splits.map(fmt) })];
  }

  function scales(spec) {
    const fromZero = (u, min, max) => [0, max == null || max <= 0 ? 1 : max * 1.1];
    const x = { time: false };
    if (spec.kind === 'bars') x.range = () => [-0.5, spec.x.length - 0.5];
    if (spec.kind === 'ramp') {
      x.range = (u, min, max) => {
        const pad = Math.max(1, (max - min) * 0.05);
        return [Math.max(0, min - pad), max + pad];
      };
    }
    return { x, y: { range: fromZero } };
  }

  function series(spec, boxes) {
    const out = [{ label: spec.xLabel, value: (u, v) => (spec.kind === 'bars' ? spec.xNames[v] ?? '' : fmt(v)) }];
    spec.series.forEach((s, si) => {
      const color = cssVar(s.color);
      const o = { label: s.label, stroke: color, width: 2, value: (u, v) => fmt(v) };
      if (s.dash && s.dash.length) o.dash = s.dash;
      if (spec.kind === 'bars') {
        o.width = 1.5;
        o.fill = s.fill === 'hatch' ? hatch(color) : color;
        o.points = { show: false };
        o.paths = uPlot.paths.bars({
          size: [0.36, 90],
          align: s.align || 0,
          each: (u, seriesIdx, i, left, top, width, height) => { boxes[seriesIdx + ':' + i] = { left, top, width, value: s.values[i] }; },
        });
      }
      if (spec.kind === 'ramp') o.points = { show: false };
      out.push(o);
    });
    return out;
  }

  function barLabels(u, boxes) {
    const ctx = u.ctx;
    ctx.save();
    ctx.fillStyle = cssVar('--fg');
    ctx.font = 12 * dpr() + 'px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'bottom';
    for (const b of Object.values(boxes)) ctx.fillText(fmt(b.value), b.left + b.width / 2, b.top - 3 * dpr());
    ctx.restore();
  }

  function rampMarks(u, spec, figure) {
    const ctx = u.ctx;
    const r = 5 * dpr();
    const { left, top, width, height } = u.bbox;
    const fg = cssVar('--fg');
    ctx.save();
    ctx.lineWidth = 2 * dpr();
    ctx.strokeStyle = fg;
    ctx.fillStyle = fg;
    spec.x.forEach((rate, i) => {
      const v = spec.series[0].values[i];
      if (v == null) return;
      const cx = u.valToPos(rate, 'x', true);
      const cy = u.valToPos(v, 'y', true);
      ctx.beginPath();
      if (spec.held[i]) { ctx.arc(cx, cy, r, 0, 2 * Math.PI); ctx.fill(); }
      else { ctx.moveTo(cx - r, cy - r); ctx.lineTo(cx + r, cy + r); ctx.moveTo(cx + r, cy - r); ctx.lineTo(cx - r, cy + r); ctx.stroke(); }
    });
    if (spec.knee) {
      const knee = cssVar('--knee');
      const x = Math.round(u.valToPos(spec.knee.rate, 'x', true));
      ctx.strokeStyle = knee;
      ctx.lineWidth = 2 * dpr();
      ctx.setLineDash([6 * dpr(), 4 * dpr()]);
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, top + height);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = knee;
      ctx.font = 'bold ' + 12 * dpr() + 'px system-ui, sans-serif';
      ctx.textBaseline = 'top';
      const w = ctx.measureText(spec.knee.label).width;
      const gap = 6 * dpr();
      ctx.fillText(spec.knee.label, x + gap + w > left + width ? x - gap - w : x + gap, top + 4 * dpr());
      figure.dataset.kneePx = String(x);
    }
    ctx.restore();
  }

  // uPlot's legend swatches show colour only; give them the line's dash or the bar's hatching too
  function legendKeys(u, spec) {
    // the x series has a row only in a live legend: count the rows from the end
    const rows = u.root.querySelectorAll('.u-legend .u-series');
    const first = rows.length - spec.series.length;
    spec.series.forEach((s, i) => {
      const row = rows[first + i];
      const marker = row && row.querySelector('.u-marker');
      if (!marker) return;
      const color = cssVar(s.color);
      if (s.fill === 'hatch') marker.style.background = 'repeating-linear-gradient(45deg, ' + color + ' 0 2px, transparent 2px 5px)';
      else if (s.fill === 'solid') marker.style.background = color;
      if (s.dash && s.dash.length) marker.style.borderStyle = s.dash[0] <= 2 ? 'dotted' : 'dashed';
    });
  }

  function build() {
    for (const id of Object.keys(plots)) { plots[id].destroy(); delete plots[id]; }
    for (const spec of data.plots) {
      const figure = document.getElementById(spec.id);
      if (!figure) continue;
      const host = figure.querySelector('.canvas-host');
      const boxes = {};
      const draw = [];
      if (spec.kind === 'bars') draw.push((u) => barLabels(u, boxes));
      if (spec.kind === 'ramp') draw.push((u) => rampMarks(u, spec, figure));
      const opts = {
        width: Math.max(280, host.clientWidth),
        height: spec.kind === 'bars' ? 240 : 280,
        scales: scales(spec),
        axes: axes(spec),
        series: series(spec, boxes),
        legend: { live: spec.kind === 'lines' },
        hooks: { draw },
      };
      plots[spec.id] = new uPlot(opts, [spec.x, ...spec.series.map((s) => s.values)], host);
      legendKeys(plots[spec.id], spec);
    }
    document.body.dataset.plotsDrawn = String(Object.keys(plots).length);
  }

  let resizeTimer;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      for (const spec of data.plots) {
        const u = plots[spec.id];
        const host = document.getElementById(spec.id)?.querySelector('.canvas-host');
        if (u && host) u.setSize({ width: Math.max(280, host.clientWidth), height: u.height });
      }
    }, 100);
  });
  window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', build);
  build();
})();
`;
