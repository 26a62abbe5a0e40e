// What the browser tests of the report pages share: Debian's Chromium driven by Playwright
// (or the reason to skip when it is not installed), and a watch on a page for what must
// never happen — console errors, uncaught page errors, and fetches (the pages are
// self-contained: a CI artifact opened from disk).
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';

export const CHROMIUM = '/usr/bin/chromium';

/** false when Chromium is there; otherwise the reason the browser tests skip (node:test's `skip`) */
export const browserSkip: false | string = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}`;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

export interface Watched {
  /** console errors and page errors, in the order they happened */
  problems: string[];
  /** every request that is not the page's own navigation (a self-contained page makes none) */
  requests: string[];
}

/** Starts collecting from `page`; call before the first `goto`. */
export function watchPage(page: Page): Watched {
  const watched: Watched = { problems: [], requests: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') watched.problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => watched.problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    if (!r.isNavigationRequest()) watched.requests.push(r.url());
  });
  return watched;
}

/**
 * The browser tests leave their last run folders (with the screenshot) in the temp directory
 * for a look; each test removes what its previous run left, so they do not pile up.
 * `name` identifies the test; `dirs` are what this run leaves.
 */
export function replaceLeftovers(name: string, dirs: string[]): void {
  const marker = join(tmpdir(), `emqx-harness-${name}.last`);
  if (existsSync(marker)) {
    const inTmp = resolve(tmpdir()) + sep;
    for (const dir of readFileSync(marker, 'utf8').split('\n')) {
      // only what a run of this test made: folders in the temp directory
      if (dir && resolve(dir).startsWith(inTmp)) rmSync(dir, { recursive: true, force: true });
    }
  }
  writeFileSync(marker, dirs.join('\n'));
}
