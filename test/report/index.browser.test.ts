// index.html of a real contract run, in a real browser. The run is `emqx-harness contract`
// against the reference broker (as EMQX 4.4.19) with `port` dropped from /clients, so it has
// failures on three endpoints and, on GET /metrics, the known deviations 4.4 has from its
// document. The page must show the matrix, open a cell's findings with a copyable curl that
// holds no secret (also from index.html#endpoint=…&check=…), filter by verdict and text, list
// the known deviations, fetch nothing and log no error. Leaves index.png in the run folder.
// Needs Chromium at /usr/bin/chromium; skips with the reason otherwise.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test';
import type { Finding } from '../../src/findings.ts';
import { describePointer, VERDICT_SYMBOL } from '../../src/report/facts.ts';
import { VERDICTS_WORST_FIRST, worstVerdict } from '../../src/report/group.ts';
import type { RunReport } from '../../src/report/model.ts';
import { browserSkip as skip, launchChromium, replaceLeftovers, watchPage, type Watched } from '../browser.ts';
import { type CliRun, runCli } from '../contracts/run-cli.ts';

// the contract run's app secret: `hx-` and 24 random hex digits (scripts/contract.ts)
const APP_SECRET = /hx-[0-9a-f]{24}/;

let browser: Browser | undefined;
let run: CliRun;
let report: RunReport;
let pageUrl = '';

before(async () => {
  if (skip) return;
  [run, browser] = await Promise.all([runCli(['--api-version', 'v4', '--deviate', 'drop-field:port@/clients', '--grep', 'GET /clients|GET /metrics$']), launchChromium()]);
  replaceLeftovers('index-browser', [run.reportsRoot]);
  assert.equal(run.code, 1, `the run fails on the dropped field; exit ${run.code}\n${run.stderr.slice(-1500)}`);
  assert.ok(run.report && run.reportDir, `the run wrote its report\n${run.stderr.slice(-1500)}`);
  report = run.report;
  pageUrl = pathToFileURL(join(run.reportDir, 'index.html')).href;
});

after(async () => {
  await browser?.close();
});

interface Opened {
  context: BrowserContext;
  page: Page;
  watched: Watched;
}

async function open(hash = ''): Promise<Opened> {
  // the clipboard permissions let the test read what "Copy curl" copied
  const context = await browser!.newContext({ viewport: { width: 1400, height: 1000 }, permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await context.newPage();
  const watched = watchPage(page);
  await page.goto(pageUrl + hash);
  return { context, page, watched };
}

/** Runs `check` on a fresh page, then insists the page logged no error and fetched nothing. */
async function withPage(hash: string, check: (page: Page) => Promise<void>): Promise<void> {
  const { context, page, watched } = await open(hash);
  try {
    await check(page);
    assert.deepEqual(watched.problems, [], 'no console errors, no page errors');
    assert.deepEqual(watched.requests, [], 'the page fetches nothing');
  } finally {
    await context.close();
  }
}

const rowOf = (page: Page, endpoint: string): Locator => page.locator(`#matrix tr[data-endpoint="${endpoint}"]`);
const cellOf = (page: Page, endpoint: string, check: string): Locator => rowOf(page, endpoint).locator(`td button[data-check="${check}"]`);

/** The endpoints of the rows on show, in page order. */
function shownRows(page: Page): Promise<string[]> {
  return page.locator('#matrix tr[data-endpoint]:visible').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-endpoint') ?? ''));
}

function endpointsWhere(pred: (f: Finding) => boolean): string[] {
  return [...new Set(report.findings.filter(pred).map((f) => f.endpoint))].sort();
}

/** `dt` → `dd` of a finding in the details panel. */
function fieldsOf(item: Locator): Promise<Record<string, string>> {
  return item.locator('dl').evaluate((dl) => {
    const out: Record<string, string> = {};
    for (const dt of dl.querySelectorAll('dt')) out[dt.textContent ?? ''] = dt.nextElementSibling?.textContent ?? '';
    return out;
  });
}

test('the matrix has a row per endpoint and, per cell, the worst verdict and how many findings', { skip }, async () => {
  await withPage('', async (page) => {
    const endpoints = new Set([...report.coverage.map((c) => c.endpoint), ...report.findings.map((f) => f.endpoint), ...report.latency.map((l) => l.endpoint)]);
    await expect(page.locator('#matrix tr[data-endpoint]')).toHaveCount(endpoints.size);
    await expect(page.locator('#shown-count')).toHaveText(`${endpoints.size} of ${endpoints.size} endpoints shown`);
    await expect(rowOf(page, 'v4.list_clients').locator('th')).toContainText('GET /clients');

    // every cell that has findings, as the page shows it, against findings.json
    const expected: Record<string, string> = {};
    const cells = new Map<string, Finding[]>();
    for (const f of report.findings) cells.set(`${f.endpoint} ${f.check}`, [...(cells.get(`${f.endpoint} ${f.check}`) ?? []), f]);
    for (const [key, findings] of cells) expected[key] = `${VERDICT_SYMBOL[worstVerdict(findings)!]} ${findings.length}`;
    const shown = await page.locator('#matrix td button[data-check]').evaluateAll((buttons) =>
      Object.fromEntries(buttons.map((b) => [`${b.closest('tr')?.getAttribute('data-endpoint')} ${b.getAttribute('data-check')}`, b.textContent ?? ''])),
    );
    assert.deepEqual(shown, expected);
    assert.ok(Object.values(shown).some((s) => s.startsWith('✗')), 'some cells fail');
    await expect(cellOf(page, 'v4.list_clients', 'schema')).toHaveText(/^✗ \d+$/);
    await expect(cellOf(page, 'v4.list_clients', 'status')).toHaveText(/^✓ \d+$/);
    await expect(cellOf(page, 'v4.list_clients', 'status').locator('xpath=..')).toHaveClass(/\bv-pass\b/);
    await expect(cellOf(page, 'v4.list_clients', 'schema').locator('xpath=..')).toHaveClass(/\bv-fail\b/);

    // the badges count the verdicts; undocumented fields apart, as on the terminal
    for (const v of VERDICTS_WORST_FIRST) {
      const n = report.findings.filter((f) => f.verdict === v && (v !== 'fail' || f.check !== 'undocumented-field')).length;
      await expect(page.locator(`.badges .badge.v-${v}`)).toHaveText(`${VERDICT_SYMBOL[v]} ${n} ${v}`);
    }
    const undocumented = report.findings.filter((f) => f.check === 'undocumented-field' && f.verdict === 'fail').length;
    await expect(page.locator('.badges .badge.undocumented')).toHaveText(`◇ ${undocumented} undocumented fields (reported apart)`);
  });
});

test('clicking a failing cell shows its findings: pointer, expected, actual and a curl to copy that holds no secret', { skip }, async (t) => {
  await withPage('', async (page) => {
    const details = page.locator('#details');
    await expect(details).toBeHidden();
    await cellOf(page, 'v4.list_clients', 'schema').click();
    await expect(details).toBeVisible();
    await expect(details.locator('h3')).toHaveText('GET /clients · schema');
    await expect(cellOf(page, 'v4.list_clients', 'schema').locator('xpath=..')).toHaveClass(/\bselected\b/);

    const want = report.findings.filter((f) => f.endpoint === 'v4.list_clients' && f.check === 'schema');
    assert.ok(want.length > 0 && want.every((f) => f.verdict === 'fail'));
    const items = details.locator('li.finding');
    await expect(items).toHaveCount(want.length);
    await expect(details.locator('.id')).toHaveText(`v4.list_clients · ${want.length} finding${want.length === 1 ? '' : 's'}`);
    for (const [i, f] of want.entries()) {
      const item = items.nth(i);
      await expect(item).toHaveClass(/\bv-fail\b/);
      await expect(item.locator('strong')).toHaveText('✗ fail · schema');
      await expect(item.locator('.message')).toHaveText(f.message);
      const fields = await fieldsOf(item);
      assert.equal(fields.pointer, describePointer(f.pointer!));
      assert.match(fields.pointer ?? '', /^data\[\d\]\.port \(\/data\/\d\/port\)$/);
      assert.equal(fields.expected, 'present');
      assert.equal(fields.actual, 'missing');
      await expect(item.locator('pre code')).toHaveText(f.curl!);
    }

    const first = items.first();
    const curl = (await first.locator('pre code').textContent()) ?? '';
    assert.match(curl, /^curl .*\/api\/v4\/clients/);
    // the secret is the reader's to supply, or redacted; never the run's own
    assert.match(curl, /-u '?admin:'?("\$EMQX_APP_SECRET"|\*\*\*)/);
    assert.doesNotMatch((await details.innerText()), APP_SECRET);
    assert.doesNotMatch(await page.content(), APP_SECRET);
    assert.doesNotMatch(readFileSync(join(run.reportDir!, 'index.html'), 'utf8'), APP_SECRET);

    // by class: the button's name changes to "Copied" and back
    const copy = first.locator('button.copy');
    await expect(copy).toHaveText('Copy curl');
    await copy.click();
    await expect(copy).toHaveText('Copied');
    await expect.poll(() => page.evaluate('navigator.clipboard.readText()')).toBe(curl);
    await expect(copy).toHaveText('Copy curl');

    const png = join(run.reportDir!, 'index.png');
    await page.screenshot({ path: png, fullPage: true });
    t.diagnostic(`screenshot: ${png}`);
  });
});

test('index.html#endpoint=v4.list_clients&check=schema opens those findings directly, and a new hash opens others', { skip }, async () => {
  await withPage('#endpoint=v4.list_clients&check=schema', async (page) => {
    const details = page.locator('#details');
    await expect(details).toBeVisible();
    await expect(details.locator('h3')).toHaveText('GET /clients · schema');
    const n = report.findings.filter((f) => f.endpoint === 'v4.list_clients' && f.check === 'schema').length;
    await expect(details.locator('li.finding')).toHaveCount(n);
    await expect(details.locator('li.finding dd').first()).toHaveText(/\/data\/\d\/port/);
    await expect(cellOf(page, 'v4.list_clients', 'schema').locator('xpath=..')).toHaveClass(/\bselected\b/);

    await page.evaluate(`location.hash = '#endpoint=v4.lookup_client_via_username&check=status'`);
    await expect(details.locator('h3')).toHaveText('GET /clients/username/{username} · status');
    const status = report.findings.filter((f) => f.endpoint === 'v4.lookup_client_via_username' && f.check === 'status');
    assert.ok(status.length > 0);
    await expect(details.locator('li.finding strong')).toHaveText(status.map((f) => `${VERDICT_SYMBOL[f.verdict]} ${f.verdict} · status`));
    await expect(page.locator('#matrix .selected')).toHaveCount(1);
    await expect(cellOf(page, 'v4.lookup_client_via_username', 'status').locator('xpath=..')).toHaveClass(/\bselected\b/);
  });
});

test('the verdict filter and the search box pick the rows, and the count follows', { skip }, async () => {
  await withPage('', async (page) => {
    const total = await page.locator('#matrix tr[data-endpoint]').count();
    const count = page.locator('#shown-count');
    const verdict = page.locator('#filter-verdict');
    const search = page.locator('#filter-text');

    // fail: only the endpoints with a failure, their other cells dimmed, empty groups gone
    const failing = endpointsWhere((f) => f.verdict === 'fail');
    assert.ok(failing.includes('v4.list_clients') && failing.length < total, failing.join(', '));
    await verdict.selectOption('fail');
    await expect(count).toHaveText(`${failing.length} of ${total} endpoints shown`);
    assert.deepEqual((await shownRows(page)).sort(), failing);
    await expect(cellOf(page, 'v4.list_clients', 'status').locator('xpath=..')).toHaveClass(/\bdim\b/);
    await expect(cellOf(page, 'v4.list_clients', 'schema').locator('xpath=..')).not.toHaveClass(/\bdim\b/);
    await expect(page.locator('#matrix tbody:has(tr[data-endpoint="v4.list_brokers"])')).toBeHidden();
    await expect(page.locator('#matrix tbody:has(tr[data-endpoint="v4.list_clients"])')).toBeVisible();

    // not-implemented: the endpoints the reference leaves out
    const missing = endpointsWhere((f) => f.verdict === 'not-implemented');
    assert.ok(missing.length > 0);
    await verdict.selectOption('not-implemented');
    await expect(count).toHaveText(`${missing.length} of ${total} endpoints shown`);
    assert.deepEqual((await shownRows(page)).sort(), missing);

    // the search box: by path, and by the text of a finding (not shown in the row)
    await verdict.selectOption('');
    await search.fill('acl_cache');
    await expect(count).toHaveText(`2 of ${total} endpoints shown`);
    assert.deepEqual(await shownRows(page), ['v4.list_acl_cache', 'v4.clean_acl_cache']);
    await search.fill('Expected Present, got missing');
    // the dropped port, and the metrics keys 4.4 lacks (known deviations)
    const byMessage = endpointsWhere((f) => f.message.toLowerCase().includes('expected present, got missing'));
    for (const e of ['v4.list_clients', 'v4.lookup_client', 'v4.lookup_client_via_username']) assert.ok(byMessage.includes(e), `${e} in ${byMessage.join(', ')}`);
    await expect(count).toHaveText(`${byMessage.length} of ${total} endpoints shown`);
    assert.deepEqual((await shownRows(page)).sort(), byMessage);

    // both at once
    await search.fill('username');
    await verdict.selectOption('pass');
    await expect(count).toHaveText(`1 of ${total} endpoints shown`);
    assert.deepEqual(await shownRows(page), ['v4.lookup_client_via_username']);

    // a search nothing matches, then everything back
    await search.fill('no-such-endpoint-anywhere');
    await expect(count).toHaveText(`0 of ${total} endpoints shown`);
    await expect(page.locator('#matrix tbody:visible')).toHaveCount(0);
    await search.fill('');
    await verdict.selectOption('');
    await expect(count).toHaveText(`${total} of ${total} endpoints shown`);
    await expect(page.locator('#matrix tr[data-endpoint]:visible')).toHaveCount(total);
  });
});

test('the known deviations are listed with their erratum', { skip }, async (t) => {
  const known = report.findings.filter((f) => f.verdict === 'known-deviation');
  await withPage('', async (page) => {
    const section = page.locator('#known-deviations');
    if (known.length === 0) {
      await expect(section).toHaveCount(0);
      return;
    }
    await expect(section).toBeVisible();
    await expect(section.locator('h2')).toHaveText(`Where EMQX ${report.run.emqxVersion} differs from its documents (known deviations)`);
    const rows = section.locator('tbody tr');
    await expect(rows).toHaveCount(known.length);
    for (const [i, f] of known.entries()) {
      await expect(rows.nth(i).locator('td').nth(1)).toHaveText(describePointer(f.pointer!));
      await expect(rows.nth(i).locator('td').nth(3)).toHaveText(f.erratum!);
    }
    await expect(rowOf(page, known[0]!.endpoint).locator(`td[data-verdicts~="known-deviation"]`)).not.toHaveCount(0);
  });
  if (known.length === 0) t.skip('the run has no known deviations (they come from errata for the release); the section is absent, as it should be');
});
