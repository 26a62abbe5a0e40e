// The per-endpoint latency chart of index.html: inline SVG, horizontal bars of p95 with p50
// inside, slowest first. Hand-written rather than a charting library: one bar pair per
// endpoint needs no axes engine, and the page has to stay self-contained and small.
import type { EndpointLatency } from './model.ts';
import { escapeText, truncate } from './text.ts';
import { formatMs } from './facts.ts';
import { endpointLabel, latencySlowestFirst, type EndpointInfo } from './group.ts';

const LABEL_WIDTH = 330;
const BAR_WIDTH = 480;
const VALUE_WIDTH = 170;
const ROW_HEIGHT = 20;
const TOP = 28;

export function latencyChartSvg(latency: readonly EndpointLatency[], directory: Map<string, EndpointInfo>): string {
  const rows = latencySlowestFirst(latency);
  if (rows.length === 0) return '';
  const max = niceCeiling(Math.max(...rows.map((r) => r.p95Ms)));
  const scale = (ms: number): number => Math.max(1, (ms / max) * BAR_WIDTH);
  const width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH;
  const height = TOP + rows.length * ROW_HEIGHT + 8;

  const ticks = [0, max / 2, max].map((ms) => {
    const x = LABEL_WIDTH + (ms / max) * BAR_WIDTH;
    return `<line class="tick" x1="${x}" x2="${x}" y1="${TOP - 6}" y2="${height - 4}"/><text class="axis" x="${x}" y="${TOP - 10}" text-anchor="middle">${escapeText(formatMs(ms))}</text>`;
  });

  const bars = rows.map((r, i) => {
    const e = directory.get(r.endpoint);
    // v3 and v4 share many paths, so the version is part of the label
    const label = e ? `${e.apiVersion} ${endpointLabel(e)}` : r.endpoint;
    const y = TOP + i * ROW_HEIGHT;
    const summary = `${r.endpoint} ${label}: p50 ${formatMs(r.p50Ms)}, p95 ${formatMs(r.p95Ms)}, max ${formatMs(r.maxMs)}, ${r.samples} samples`;
    return [
      '<g>',
      `<title>${escapeText(summary)}</title>`,
      `<text class="label" x="${LABEL_WIDTH - 8}" y="${y + 14}" text-anchor="end">${escapeText(truncate(label, 46))}</text>`,
      `<rect class="p95" x="${LABEL_WIDTH}" y="${y + 3}" width="${scale(r.p95Ms).toFixed(1)}" height="14"/>`,
      `<rect class="p50" x="${LABEL_WIDTH}" y="${y + 6}" width="${scale(r.p50Ms).toFixed(1)}" height="8"/>`,
      `<text class="value" x="${LABEL_WIDTH + BAR_WIDTH + 8}" y="${y + 14}">${escapeText(`${formatMs(r.p50Ms)} / ${formatMs(r.p95Ms)}`)}</text>`,
      '</g>',
    ].join('');
  });

  return [
    `<svg class="latency-chart" role="img" aria-labelledby="latency-chart-title" viewBox="0 0 ${width} ${height}" width="100%" preserveAspectRatio="xMinYMin meet">`,
    '<title id="latency-chart-title">Latency per endpoint: p50 (dark, inner bar) and p95 (light, outer bar), slowest p95 first</title>',
    ...ticks,
    ...bars,
    '</svg>',
  ].join('\n');
}

/** A round number at or above `ms`, so the axis reads 0 / 40 / 80 ms rather than 0 / 37.2 / 74.4. */
function niceCeiling(ms: number): number {
  if (!(ms > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(ms));
  return [1, 2, 3, 4, 5, 6, 8, 10].map((m) => m * magnitude).find((n) => n >= ms) ?? 10 * magnitude;
}
