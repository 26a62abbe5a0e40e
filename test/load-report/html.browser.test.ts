// load.html in a real browser: every plot draws (its canvas has coloured pixels inside the
// plotting area, not just axes), the capacity knee is drawn where the page says, nothing is
// fetched and nothing errors, in the light and the dark scheme. Leaves load.png next to the
// report for a look. Needs Chromium at /usr/bin/chromium; skips with the reason otherwise.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from '@playwright/test';
import { writeLoadReport } from '../../src/load/write.ts';
import { fullReport } from './fixtures.ts';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}`;

// a fixed place, so the screenshot outlives the test for whoever wants to look at it
const root = join(tmpdir(), 'emqx-harness-load-report-browser');
let browser: Browser | undefined;
let pageUrl = '';
let reportDir = '';

before(async () => {
  if (skip) return;
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const written = writeLoadReport(root, fullReport('2026-12-02T10-00-00Z-browser'));
  reportDir = written.dir;
  pageUrl = pathToFileURL(join(written.dir, 'load.html')).href;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
});

after(async () => {
  await browser?.close();
});

interface Opened {
  page: Page;
  problems: string[];
  requests: string[];
}

async function open(colorScheme: 'light' | 'dark'): Promise<Opened> {
  const page = await browser!.newPage({ viewport: { width: 1280, height: 900 }, colorScheme });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    if (r.url() !== pageUrl) requests.push(r.url());
  });
  await page.goto(pageUrl);
  await page.waitForFunction('document.body.dataset.plotsDrawn !== undefined', undefined, { timeout: 10_000 });
  return { page, problems, requests };
}

interface PlotPixels {
  id: string;
  kind: string;
  hasCanvas: boolean;
  /** pixels inside the plotting area that are clearly coloured (the series, not grey axes or grid) */
  coloured: number;
  kneePx?: number;
  /** pixels in the knee's column that have the knee colour */
  kneePixels?: number;
}

// Plain JavaScript run in the page: tsx would add helpers (`__name`) to a TypeScript function
// that the page does not have.
const PLOT_PIXELS = `(() => {
  const probe = document.createElement('canvas').getContext('2d');
  probe.fillStyle = getComputedStyle(document.documentElement).getPropertyValue('--knee').trim();
  const hex = probe.fillStyle;
  const knee = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return [...document.querySelectorAll('figure[data-plot]')].map((figure) => {
    const canvas = figure.querySelector('canvas');
    const out = { id: figure.id, kind: figure.dataset.plot || '', hasCanvas: !!canvas, coloured: 0 };
    const u = window.loadPlots[figure.id];
    if (!canvas || !u) return out;
    const { left, top, width, height } = u.bbox;
    const px = u.ctx.getImageData(left, top, width, height).data;
    for (let i = 0; i < px.length; i += 4) {
      if (px[i + 3] > 200 && Math.max(px[i], px[i + 1], px[i + 2]) - Math.min(px[i], px[i + 1], px[i + 2]) > 60) out.coloured++;
    }
    if (figure.dataset.kneePx !== undefined) {
      out.kneePx = Number(figure.dataset.kneePx);
      const col = u.ctx.getImageData(out.kneePx, top, 1, height).data;
      let n = 0;
      for (let i = 0; i < col.length; i += 4) {
        if (col[i + 3] > 200 && Math.abs(col[i] - knee[0]) < 40 && Math.abs(col[i + 1] - knee[1]) < 40 && Math.abs(col[i + 2] - knee[2]) < 40) n++;
      }
      out.kneePixels = n;
    }
    return out;
  });
})()`;

async function plotPixels(page: Page): Promise<PlotPixels[]> {
  return (await page.evaluate(PLOT_PIXELS)) as PlotPixels[];
}

for (const scheme of ['light', 'dark'] as const) {
  test(`load.html draws every plot and marks the knee (${scheme} scheme)`, { skip }, async (t) => {
    const { page, problems, requests } = await open(scheme);
    try {
      // warnings too, until the test's own pixel reads (Chromium hints at willReadFrequently)
      assert.deepEqual([...problems], [], 'no console errors or warnings, no page errors');
      const plots = await plotPixels(page);
      assert.deepEqual(
        plots.map((p) => p.id),
        ['plot-throughput', 'plot-latency', 'plot-connections', 'plot-capacity', 'plot-delivery'],
      );
      for (const p of plots) {
        assert.ok(p.hasCanvas, `${p.id} has a canvas`);
        assert.ok(p.coloured > 200, `${p.id} drew its series (${p.coloured} coloured pixels in the plotting area)`);
      }
      const ramp = plots.find((p) => p.id === 'plot-capacity')!;
      assert.ok(ramp.kneePx !== undefined && ramp.kneePx > 0, 'the knee line has a position');
      assert.ok(ramp.kneePixels! > 40, `the knee line is drawn in the knee colour (${ramp.kneePixels} pixels in its column)`);
      // and in words, for people and screen readers
      assert.match((await page.locator('#knee-text').textContent()) ?? '', /^Knee at 800\/s/);
      assert.match((await page.locator('#plot-capacity canvas').evaluate((c) => c.closest('[role=img]')?.getAttribute('aria-label'))) ?? '', /Knee at 800\/s/);
      assert.equal(await page.locator('tr.knee').count(), 1);
      assert.match((await page.locator('tr.knee').textContent()) ?? '', /800\/s.*✓ held ← knee/);

      assert.deepEqual(problems.filter((p) => !p.startsWith('console warning')), [], 'no console errors or page errors');
      assert.deepEqual(requests, [], 'the page fetches nothing');

      if (scheme === 'light') {
        const png = join(reportDir, 'load.png');
        await page.screenshot({ path: png, fullPage: true });
        t.diagnostic(`screenshot: ${png}`);
      }
    } finally {
      await page.close();
    }
  });
}

test('the plots follow the window width', { skip }, async () => {
  const { page, problems } = await open('light');
  try {
    const width = (): Promise<number> => page.locator('#plot-throughput canvas').evaluate((c) => c.getBoundingClientRect().width);
    const wide = await width();
    await page.setViewportSize({ width: 700, height: 900 });
    await page.waitForFunction(`document.querySelector('#plot-throughput canvas').getBoundingClientRect().width < ${wide - 100}`);
    assert.ok((await width()) < wide);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});
