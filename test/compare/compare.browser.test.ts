// compare.html of two real contract runs, in a real browser. Both runs are `emqx-harness
// contract` against the reference broker, the same few checks (GET /clients…); run B's broker
// drops `port` from /clients. `emqx-harness compare A B --out DIR` must then write a page whose
// tables show the newly failing checks with their endpoint and the removed field, whose
// filter by kind of change and search box pick the rows (sections left empty go), that
// fetches nothing and logs no error. Leaves compare.png in the out folder.
// Needs Chromium at /usr/bin/chromium; skips with the reason otherwise.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, type Browser, type Locator, type Page } from '@playwright/test';
import type { CompareReport } from '../../src/compare/model.ts';
import { describeCounts } from '../../src/compare/vocab.ts';
import { REPO_ROOT } from '../../src/schema-registry.ts';
import { browserSkip as skip, launchChromium, replaceLeftovers, watchPage } from '../browser.ts';
import { runCli, withoutTargetSettings } from '../contracts/run-cli.ts';

const require = createRequire(import.meta.url);
const TSX = join(dirname(require.resolve('tsx/package.json')), 'dist', 'cli.mjs');

const GREP = ['--api-version', 'v4', '--grep', 'GET /clients'];
const FAILING = ['v4.list_clients', 'v4.lookup_client', 'v4.lookup_client_via_username'];

interface Done {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `emqx-harness compare ARGS` as a user runs it: a child process. */
function compareCli(args: string[]): Promise<Done> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [TSX, join(REPO_ROOT, 'scripts', 'cli.ts'), 'compare', ...args], { cwd: REPO_ROOT, env: withoutTargetSettings(process.env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

let browser: Browser | undefined;
let outDir = '';
let pageUrl = '';
let comparison: CompareReport;

before(async () => {
  if (skip) return;
  // the two runs start their own brokers and go side by side
  const [a, b, launched] = await Promise.all([runCli(GREP), runCli([...GREP, '--deviate', 'drop-field:port@/clients']), launchChromium()]);
  browser = launched;
  outDir = mkdtempSync(join(tmpdir(), 'harness-compare-browser-'));
  replaceLeftovers('compare-browser', [a.reportsRoot, b.reportsRoot, outDir]);
  assert.ok(a.reportDir && a.code === 0, `run A passes; exit ${a.code}\n${a.stderr.slice(-1500)}`);
  assert.ok(b.reportDir && b.code === 1, `run B fails on the dropped field; exit ${b.code}\n${b.stderr.slice(-1500)}`);
  const compared = await compareCli([a.reportDir, b.reportDir, '--out', outDir]);
  assert.equal(compared.code, 1, `compare gates on the newly failing checks; exit ${compared.code}\n${compared.stderr}`);
  comparison = JSON.parse(readFileSync(join(outDir, 'compare.json'), 'utf8')) as CompareReport;
  pageUrl = pathToFileURL(join(outDir, 'compare.html')).href;
});

after(async () => {
  await browser?.close();
});

async function withPage(check: (page: Page) => Promise<void>): Promise<void> {
  const page = await browser!.newPage({ viewport: { width: 1400, height: 1000 } });
  const watched = watchPage(page);
  try {
    await page.goto(pageUrl);
    await check(page);
    assert.deepEqual(watched.problems, [], 'no console errors, no page errors');
    assert.deepEqual(watched.requests, [], 'the page fetches nothing');
  } finally {
    await page.close();
  }
}

const section = (page: Page, titleId: string): Locator => page.locator(`section:has(> h2#${titleId})`);

/** `data-kind` of the rows on show, in page order. */
function shownKinds(page: Page): Promise<string[]> {
  return page.locator('tr[data-kind]:visible').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind') ?? ''));
}

test('the page shows both runs, the newly failing checks with their endpoint, the removed field and the verdicts', { skip }, async (t) => {
  const c = comparison.contract!;
  const newlyFailing = c.changes.filter((x) => x.kind === 'newly-failing');
  assert.deepEqual([...new Set(newlyFailing.map((x) => x.endpoint))].sort(), FAILING);
  await withPage(async (page) => {
    await expect(page.locator('h1')).toHaveText('EMQX contract runs compared');
    await expect(page.locator('.badges .gate')).toHaveClass(/\bv-fail\b/);
    await expect(page.locator('.badges .gate')).toContainText(`${newlyFailing.length} newly failing`);
    const runs = page.locator('header table tbody tr');
    await expect(runs).toHaveCount(2);
    await expect(runs.nth(0).locator('th')).toHaveText('A');
    await expect(runs.nth(0)).toContainText(comparison.a.id);
    await expect(runs.nth(1)).toContainText(comparison.b.id);

    // changes: one row per change, the newly failing ones naming request, endpoint and field
    const changes = section(page, 'changes-title');
    await expect(changes.locator('h2')).toHaveText(`Changes (${c.changes.length})`);
    await expect(changes.locator('tbody tr')).toHaveCount(c.changes.length);
    const failingRows = changes.locator('tr[data-kind="newly-failing"]');
    await expect(failingRows).toHaveCount(newlyFailing.length);
    for (const [i, x] of newlyFailing.entries()) {
      const cells = failingRows.nth(i).locator('td');
      await expect(cells.nth(0)).toHaveText('✗ Newly failing');
      await expect(cells.nth(0)).toHaveClass(/\bv-fail\b/);
      await expect(cells.nth(2)).toContainText(x.request);
      await expect(cells.nth(2).locator('.id')).toHaveText(x.endpoint);
      await expect(cells.nth(3)).toHaveText('schema');
      await expect(cells.nth(4)).toHaveText('data[*].port');
      // A and B count the verdicts there (how many depends on the clients each run saw)
      assert.ok((x.b.fail ?? 0) > 0 && !x.a.fail, JSON.stringify(x));
      await expect(cells.nth(5)).toHaveText(describeCounts(x.a));
      await expect(cells.nth(6)).toHaveText(describeCounts(x.b));
      await expect(cells.nth(6)).toContainText('✗');
      await expect(cells.nth(7)).toContainText('port: expected present, got missing');
    }
    await expect(failingRows.first().locator('td').nth(2)).toContainText('GET /clients');

    // shapes: the field went from each endpoint
    const shapes = section(page, 'shapes-title');
    await expect(shapes.locator('h2')).toHaveText(`Response shapes (${c.shapes.length} endpoints changed)`);
    await expect(shapes.locator('tr[data-kind="shape-removed"]')).toHaveCount(FAILING.length);
    for (const e of FAILING) await expect(shapes.locator('tr[data-kind="shape-removed"] .id').filter({ hasText: new RegExp(`^${e}$`) })).toHaveCount(1);
    await expect(shapes.locator('tr[data-kind="shape-removed"] td:nth-child(3)')).toHaveText(FAILING.map(() => 'data[*].port'));

    // verdicts: A and B side by side
    const totals = section(page, 'totals-title');
    const failRow = totals.locator('tbody tr').first();
    await expect(failRow.locator('td')).toHaveText(['✗ fail', String(c.totals.a.fail), String(c.totals.b.fail)]);
    await expect(totals.locator('tbody tr').last().locator('td')).toHaveText(['✓ pass', String(c.totals.a.pass), String(c.totals.b.pass)]);

    const rows = c.changes.length + c.shapes.flatMap((d) => d.changes).length + c.behaviour.length;
    await expect(page.locator('#shown-count')).toHaveText(`${rows} of ${rows} rows shown · contract comparison, gate fail`);

    const png = join(outDir, 'compare.png');
    await page.screenshot({ path: png, fullPage: true });
    t.diagnostic(`screenshot: ${png}`);
  });
});

test('the filter by kind of change and the search box pick the rows and hide the sections left empty', { skip }, async () => {
  const c = comparison.contract!;
  const total = c.changes.length + c.shapes.flatMap((d) => d.changes).length + c.behaviour.length;
  const count = (n: number): string => `${n} of ${total} rows shown · contract comparison, gate fail`;
  await withPage(async (page) => {
    const kind = page.locator('#filter-kind');
    const search = page.locator('#filter-text');
    const shown = page.locator('#shown-count');
    const changes = section(page, 'changes-title');
    const shapes = section(page, 'shapes-title');
    const totals = section(page, 'totals-title');

    // the options are the kinds this comparison has, with their counts
    const newlyFailing = c.changes.filter((x) => x.kind === 'newly-failing').length;
    await expect(kind.locator('option[value="newly-failing"]')).toHaveText(`✗ Newly failing (${newlyFailing})`);
    await expect(kind.locator('option[value="shape"]')).toHaveText(`any shape change (${FAILING.length})`);
    await expect(kind.locator('option[value="shape-removed"]')).toHaveText(`− field removed (${FAILING.length})`);

    await kind.selectOption('newly-failing');
    await expect(shown).toHaveText(count(newlyFailing));
    assert.deepEqual(await shownKinds(page), Array(newlyFailing).fill('newly-failing'));
    await expect(changes).toBeVisible();
    await expect(shapes).toBeHidden();
    await expect(totals).toBeVisible();

    // a group: every shape change
    await kind.selectOption('shape');
    await expect(shown).toHaveText(count(FAILING.length));
    assert.deepEqual(await shownKinds(page), Array(FAILING.length).fill('shape-removed'));
    await expect(changes).toBeHidden();
    await expect(shapes).toBeVisible();

    await kind.selectOption('shape-removed');
    await expect(shown).toHaveText(count(FAILING.length));
    await expect(changes).toBeHidden();

    // the search box, alone and with a kind
    await kind.selectOption('');
    await search.fill('USERNAME');
    await expect(shown).toHaveText(count(2));
    assert.deepEqual(await shownKinds(page), ['newly-failing', 'shape-removed']);
    await expect(page.locator('tr[data-kind]:visible .id')).toHaveText(['v4.lookup_client_via_username', 'v4.lookup_client_via_username']);
    await kind.selectOption('newly-failing');
    await expect(shown).toHaveText(count(1));
    await expect(shapes).toBeHidden();

    await search.fill('nothing-is-called-this');
    await expect(shown).toHaveText(count(0));
    await expect(changes).toBeHidden();
    await expect(shapes).toBeHidden();

    await search.fill('');
    await kind.selectOption('');
    await expect(shown).toHaveText(count(total));
    await expect(page.locator('tr[data-kind]:visible')).toHaveCount(total);
    await expect(changes).toBeVisible();
    await expect(shapes).toBeVisible();
  });
});
