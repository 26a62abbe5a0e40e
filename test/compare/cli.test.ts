// `emqx-harness compare` as a user runs it (a child process): one line and exit 2 for every
// wrong input, Markdown on stdout, exit 1 for load regressions, and with --out the three
// files: compare.html self-contained, every file through the one redaction.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { COMPARE_DATA_ID } from '../../src/compare/html.ts';
import type { CompareReport } from '../../src/compare/model.ts';
import type { LoadReport } from '../../src/load/model.ts';
import type { RunReport } from '../../src/report/model.ts';
import { REPO_ROOT } from '../../src/schema-registry.ts';
import { withoutTargetSettings } from '../contracts/run-cli.ts';
import { shard } from '../load-report/fixtures.ts';

const require = createRequire(import.meta.url);
const TSX = join(dirname(require.resolve('tsx/package.json')), 'dist', 'cli.mjs');

interface CompareRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `emqx-harness compare ARGS` in a child process (scripts/compare.ts runs on its own as the CLI would). */
function runCompareCli(args: string[], env: Record<string, string> = {}): Promise<CompareRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [TSX, join(REPO_ROOT, 'scripts', 'compare.ts'), ...args], { cwd: REPO_ROOT, env: { ...withoutTargetSettings(process.env), ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const root = mkdtempSync(join(tmpdir(), 'compare-cli-'));
after(() => rmSync(root, { recursive: true, force: true }));

const SECRET = 'cmp-s3cret-9f2';

function contractRun(id: string, findings: RunReport['findings'], shapes?: RunReport['shapes']): RunReport {
  return {
    run: { id, target: 'http://127.0.0.1:8081/api/v4', apiVersion: 'v4', emqxVersion: '4.4.19', profile: 'emqx-v4', startedAt: '2026-12-02T10:00:00.000Z', harnessVersion: '0.1.0', policy: { mutations: true, disruptive: true } },
    findings,
    coverage: [],
    latency: [],
    ...(shapes ? { shapes } : {}),
  };
}

function folder(name: string, files: Record<string, unknown>): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, value] of Object.entries(files)) writeFileSync(join(dir, file), typeof value === 'string' ? value : JSON.stringify(value));
  return dir;
}

const contractA = folder('contract-a', {
  'findings.json': contractRun('2026-12-02T10-00-00Z-emqx-v4', [{ endpoint: 'v4.list_clients', check: 'schema', verdict: 'pass', target: 'v4', message: 'ok' }], { v4: { 'v4.list_clients': { '': ['object'], '/data': ['array'], '/data/*': ['object'], '/data/*/port': ['integer'] } } }),
});
const contractB = folder('contract-b', {
  'findings.json': contractRun(
    '2026-12-02T11-00-00Z-emqx-v4',
    [
      {
        endpoint: 'v4.list_clients',
        check: 'schema',
        verdict: 'fail',
        target: 'v4',
        pointer: '/data/0/port',
        expected: 'integer',
        actual: '"1883"',
        // a message that quotes credentials (what the redaction guards against) and hostile text
        message: `GET http://admin:${SECRET}@127.0.0.1/api/v4/clients data[0].port: expected integer </script><!-- got "1883"`,
        curl: `curl -u admin:${SECRET} http://127.0.0.1:8081/api/v4/clients`,
      },
    ],
    { v4: { 'v4.list_clients': { '': ['object'], '/data': ['array'], '/data/*': ['object'], '/data/*/port': ['string'] } } },
  ),
});
const loadA = shard({ id: 'load-a', startedAt: '2026-12-02T10:00:00.000Z', seed: 5 }).report;
const loadSlow = shard({ id: 'load-b', startedAt: '2026-12-02T11:00:00.000Z', seed: 5, slow: 1.6 }).report;
const loadFolderA = folder('load-a', { 'load.json': loadA });
const loadFolderB = folder('load-b', { 'load.json': loadSlow });

test('usage errors are one line and exit 2', async () => {
  const cases: [string[], RegExp][] = [
    [[], /give two runs to compare, RUN_A and RUN_B \(got 0/],
    [[contractA], /give two runs to compare/],
    [[contractA, join(root, 'nope')], /nope: no such file or folder/],
    [[contractA, folder('empty', {})], /empty: the folder holds neither findings\.json nor load\.json/],
    [[contractA, join(folder('garbage', { 'x.json': '{"hello": 1}' }), 'x.json')], /x\.json: not a load report \(load\.json\): run: should be an object/],
    [[contractA, join(folder('text', { 'notes.txt': 'not json at all' }), 'notes.txt')], /notes\.txt: not a report: not valid JSON/],
    [[join(folder('broken', { 'findings.json': { run: { id: 'x' }, findings: 'no' } }))], /give two runs/],
    [[folder('broken2', { 'findings.json': { run: { id: 'x' }, findings: 'no' } }), contractB], /broken2\/findings\.json: not a contract report: run\.startedAt: should be a string; findings: should be a list/],
    [[contractA, loadFolderB], /contract-a holds a contract run and .*load-b holds a load run: compare two contract runs or two load runs/],
    [[loadFolderA, loadFolderB, '--tolerance', 'lots'], /--tolerance must be a fraction such as 0\.1 \(10%\), got "lots"/],
    [[contractA, contractB, '--tolerance', '0.2'], /--tolerance applies to load runs/],
    [[contractA, contractB, '--bogus'], /Unknown option '--bogus'.*emqx-harness compare --help/],
  ];
  const runs = await Promise.all(cases.map(([args]) => runCompareCli(args)));
  for (const [i, [args, message]] of cases.entries()) {
    const r = runs[i]!;
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /\bat .*\.ts:\d+/, 'no stack trace');
  }
});

test('--help names the usage and the exit codes', async () => {
  const r = await runCompareCli(['--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Usage: emqx-harness compare RUN_A RUN_B/);
  assert.match(r.stdout, /Exit codes: 0 nothing got worse · 1 newly failing checks, or load regressions/);
});

test('contract runs: Markdown on stdout, exit 1 for a newly failing check, three redacted files with --out', async () => {
  const out = join(root, 'out-contract');
  const r = await runCompareCli([contractA, contractB, '--out', out], { EMQX_APP_SECRET: SECRET });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /^## EMQX contract runs compared: ✗ 1 newly failing check/);
  assert.match(r.stdout, /#### ✗ Newly failing \(1\)/);
  assert.match(r.stdout, /~ type changed\s*\|\s*`data\[\*\]\.port`\s*\|\s*integer\s*\|\s*string/);
  assert.match(r.stderr, /wrote compare\.md, compare\.json, compare\.html to /);
  for (const name of ['compare.md', 'compare.json', 'compare.html']) {
    const text = readFileSync(join(out, name), 'utf8');
    assert.ok(!text.includes(SECRET), `${name} holds no secret`);
    // Markdown escapes the asterisks it would read as emphasis: `\*\*\*` renders as ***
    assert.ok(text.includes('***') || text.includes('\\*\\*\\*'), `${name} shows where the secret was`);
  }
  assert.ok(!r.stdout.includes(SECRET), 'stdout holds no secret');
  assert.equal(readFileSync(join(out, 'compare.md'), 'utf8'), r.stdout);
  const json = JSON.parse(readFileSync(join(out, 'compare.json'), 'utf8')) as CompareReport;
  assert.equal(json.gate.verdict, 'fail');
  assert.equal(json.contract?.changes[0]?.kind, 'newly-failing');

  const html = readFileSync(join(out, 'compare.html'), 'utf8');
  assert.doesNotMatch(html, /<(script|link|img)[^>]+(src|href)=/i, 'nothing fetched');
  assert.doesNotMatch(html, /url\(|@import/, 'no stylesheet fetches anything');
  const embedded = new RegExp(`<script type="application/json" id="${COMPARE_DATA_ID}">([^<]*)</script>`).exec(html);
  assert.ok(embedded, 'the data is embedded');
  assert.equal((JSON.parse(embedded[1]!) as CompareReport).gate.verdict, 'fail');
  assert.equal((html.match(/<\/script>/g) ?? []).length, 2, 'no message closes a script');
  assert.match(html, /<tr data-kind="newly-failing" data-group="contract"><td class="kind v-fail"><span aria-hidden="true">✗<\/span> Newly failing<\/td>/);
  assert.match(html, /<select id="filter-kind">.*<option value="newly-failing">✗ Newly failing \(1\)<\/option>.*<option value="shape-retyped">/s);
});

test('run folders through `latest`, a findings.json given directly, and the same run twice: exit 0', async () => {
  const reports = join(root, 'reports');
  mkdirSync(reports, { recursive: true });
  symlinkSync(contractA, join(reports, 'latest'));
  const r = await runCompareCli([join(reports, 'latest'), join(contractA, 'findings.json')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /✓ no newly failing checks/);
  assert.match(r.stdout, /No verdict changed between the runs\./);
  // `latest` as a text file naming the run (where symlinks are not allowed)
  writeFileSync(join(root, 'latest-file'), 'contract-b\n');
  const t = await runCompareCli([contractA, join(root, 'latest-file')]);
  assert.equal(t.code, 1, t.stderr);
});

test('load runs: exit 1 for a regression beyond the tolerance, 0 within it', async () => {
  const r = await runCompareCli([loadFolderA, loadFolderB]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /^## EMQX load runs compared: ✗ \d+ load regressions beyond 10%/);
  assert.match(r.stdout, /✗ regression\s*\|\s*k6\s*\|\s*latency \(all requests\) p95/);
  const tolerant = await runCompareCli([join(loadFolderA, 'load.json'), join(loadFolderB, 'load.json'), '--tolerance', '90%']);
  assert.equal(tolerant.code, 0, tolerant.stdout);
  assert.match(tolerant.stdout, /✓ no regression beyond 90%/);
  const same = await runCompareCli([loadFolderA, loadFolderA]);
  assert.equal(same.code, 0);
  assert.ok(existsSync(join(loadFolderA, 'load.json')));
});

test('a folder with a contract and a load run: the other argument decides, or the files must be named', async () => {
  const both = folder('both', { 'findings.json': JSON.parse(readFileSync(join(contractA, 'findings.json'), 'utf8')) as RunReport, 'load.json': loadA as LoadReport });
  assert.equal((await runCompareCli([both, contractB])).code, 1, 'compared as contract runs');
  assert.equal((await runCompareCli([both, loadFolderA])).code, 0, 'compared as load runs');
  const again = await runCompareCli([both, both]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /both hold a contract run and a load run; name the files to compare/);
});
