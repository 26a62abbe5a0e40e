// The README's gating example, run as written: the lines of its block (marked with a
// `gating-example` comment) against the reference broker, each to the exit code its comment
// states: fails on the deviation, passes with the waiver, fails again once the waiver expired.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../src/schema-registry.ts';
import { runCli } from '../contracts/run-cli.ts';
import { browserSkip, launchChromium, watchPage } from '../browser.ts';

function readmeExample(): { env: Record<string, string>; args: string[]; exit: number }[] {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const block = /<!-- gating-example[^>]*-->\n```sh\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(block, 'the README has the gating example');
  const lines = block.split('\n');
  const out: { env: Record<string, string>; args: string[]; exit: number }[] = [];
  lines.forEach((line, i) => {
    if (!line.includes('npx emqx-harness contract')) return;
    const exit = Number(/\(exit (\d)\)/.exec(lines[i - 1] ?? '')?.[1]);
    const [prefix, rest] = line.split('npx emqx-harness contract');
    const env = Object.fromEntries(prefix!.trim().split(/\s+/).filter(Boolean).map((kv) => kv.split('=') as [string, string]));
    // single-quoted words as a shell reads them
    const args = [...rest!.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);
    out.push({ env, args, exit });
  });
  return out;
}

test("the README's gating example: fails on the deviation, passes with the waiver, fails once the waiver expired", { timeout: 240_000 }, async () => {
  const steps = readmeExample();
  assert.deepEqual(steps.map((s) => s.exit), [1, 0, 1]);
  // the waiver is still valid on the test's day unless the example sets one
  const runs = await Promise.all(steps.map((s) => runCli(s.args, { env: { EMQX_HARNESS_TODAY: '2026-12-02', ...s.env } })));
  runs.forEach((r, i) => assert.equal(r.code, steps[i]!.exit, `step ${i + 1}: ${r.stdout.slice(-800)}\n${r.stderr.slice(-400)}`));
  const [broken, waived, expired] = runs;
  assert.ok(broken!.report!.findings.some((f) => f.verdict === 'fail' && f.pointer === '/data/0/port'));
  const w = waived!.report!.findings.filter((f) => f.verdict === 'waived');
  assert.ok(w.length > 0 && w.every((f) => f.endpoint === 'v4.list_clients' && /INFRA-123/.test(f.reason ?? '')));
  assert.ok(!waived!.report!.findings.some((f) => f.verdict === 'fail' && f.check !== 'undocumented-field'));
  assert.match(expired!.stdout + expired!.stderr, /expired on 2027-01-31/);

  // the report pages say it too: the waived finding with its waiver, the expired waiver
  if (browserSkip) return;
  const browser = await launchChromium();
  try {
    for (const [run, expect] of [[waived!, /✓ passed/], [expired!, /✗ failed/]] as const) {
      const page = await browser.newPage();
      const watched = watchPage(page);
      await page.goto(`file://${join(run.reportDir!, 'index.html')}`);
      assert.match((await page.locator('#gate-title').textContent()) ?? '', expect);
      if (run === waived) assert.match((await page.locator('#waived tbody').textContent()) ?? '', /\/data\/0\/port[\s\S]*INFRA-123/);
      else assert.match((await page.locator('.gate-expired').textContent()) ?? '', /expired on 2027-01-31/);
      assert.deepEqual(watched.problems, []);
      await page.close();
    }
  } finally {
    await browser.close();
  }
});
