// `emqx-harness report`: merge shards given as files, folders or JSON lines into a new run
// folder; re-render a run in place; refuse a wrong input with one line naming the file.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runReport } from '../../scripts/report.ts';
import type { LoadReport } from '../../src/load/model.ts';
import { writeLoadReport } from '../../src/load/write.ts';
import type { RunReport } from '../../src/report/model.ts';
import { writeReport } from '../../src/report/write.ts';
import { shard } from './fixtures.ts';
import { captured, reportUsageError as usageError, tempDir } from './helpers.ts';

const tmp = tempDir('load-report-cli-');
after(tmp.remove);

const A = shard({ id: 'shard-a', startedAt: '2026-12-02T10:00:00.000Z', seed: 1 }).report;
const B = shard({ id: 'shard-b', startedAt: '2026-12-02T10:00:01.000Z', seed: 2 }).report;
const C = shard({ id: 'shard-c', startedAt: '2026-12-02T10:00:02.000Z', seed: 3, capacity: true }).report;

function writeJson(path: string, value: unknown): string {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
  return path;
}

test('report merge: a load.json, a run folder and a JSON-lines file into one new run folder', async () => {
  const inputs = join(tmp.dir, 'inputs');
  mkdirSync(inputs, { recursive: true });
  const fileA = writeJson(join(inputs, 'a.json'), A);
  const folderB = join(inputs, 'shard-b');
  mkdirSync(folderB);
  writeJson(join(folderB, 'load.json'), B);
  // as `kubectl logs` of a swarm pod run with --print-report would hold it: log lines around one JSON line
  const lines = join(inputs, 'pod-c.log');
  writeFileSync(lines, `swarm: connecting 200 clients\n${JSON.stringify(C)}\nswarm: done\n`);

  const reports = join(tmp.dir, 'reports');
  const { result, stdout, stderr } = await captured(() => runReport(['merge', fileA, folderB, lines, '--reports', reports, '--no-color']));
  assert.equal(result, 0);
  const id = '2026-12-02T10-00-00Z-smoke-merged';
  const dir = join(reports, id);
  const merged = JSON.parse(readFileSync(join(dir, 'load.json'), 'utf8')) as LoadReport;
  assert.equal(merged.run.id, id);
  assert.equal(merged.run.shards, 3);
  assert.equal(merged.k6!.totals.requests, A.k6!.totals.requests + B.k6!.totals.requests + C.k6!.totals.requests);
  assert.ok(existsSync(join(dir, 'load.html')) && existsSync(join(dir, 'junit.xml')));
  assert.equal(readlinkSync(join(reports, 'latest')), id);
  assert.match(stdout, new RegExp(`EMQX load run ${id} \\(3 shards merged\\)`));
  assert.match(stdout, /Report: .*load\.html/);
  assert.match(stderr, /merged 3 shard reports: 1 .*a\.json, 2 .*shard-b\/load\.json, 3 .*pod-c\.log:2/);
  assert.ok(!stdout.includes('\u001b'));
});

test('report merge: pods of one run share its id; they are shards, not duplicates', async () => {
  const runId = '2026-12-02T09-00-00Z-k8s';
  const pods = [A, B].map((r, i) => {
    const copy = structuredClone(r);
    copy.run.id = runId;
    return writeJson(join(tmp.dir, `pod-${i}.json`), copy);
  });
  const reports = join(tmp.dir, 'reports-pods');
  const { result } = await captured(() => runReport(['merge', ...pods, '--reports', reports]));
  assert.equal(result, 0);
  const merged = JSON.parse(readFileSync(join(reports, `${runId}-merged`, 'load.json'), 'utf8')) as LoadReport;
  assert.equal(merged.run.shards, 2);
});

test('report merge --out writes exactly there, --id names the run, and latest is not touched', async () => {
  const out = join(tmp.dir, 'elsewhere', 'combined');
  const a = writeJson(join(tmp.dir, 'out-a.json'), A);
  const b = writeJson(join(tmp.dir, 'out-b.json'), B);
  const { result } = await captured(() => runReport(['merge', a, b, '--out', out, '--id', 'nightly-42']));
  assert.equal(result, 0);
  const merged = JSON.parse(readFileSync(join(out, 'load.json'), 'utf8')) as LoadReport;
  assert.equal(merged.run.id, 'nightly-42');
  assert.ok(!existsSync(join(tmp.dir, 'elsewhere', 'latest')));
});

test('a bad shard is a UsageError naming the file and what is wrong', async () => {
  const dir = join(tmp.dir, 'bad');
  mkdirSync(dir, { recursive: true });
  const good = writeJson(join(dir, 'good.json'), A);

  const broken = structuredClone(A) as unknown as { k6: { totals: unknown }; run: { startedAt: string } };
  broken.k6.totals = 'lots';
  broken.run.startedAt = 'yesterday';
  const shape = writeJson(join(dir, 'shape.json'), broken);
  const message = await usageError(['merge', good, shape]);
  assert.ok(message.startsWith(`${shape}: not a load report: `), message);
  assert.match(message, /run\.startedAt: should be an ISO date and time, is "yesterday"/);
  assert.match(message, /k6\.totals: should be an object, is "lots"/);

  const missing = join(dir, 'nope.json');
  assert.equal(await usageError(['merge', good, missing]), `${missing}: no such file or folder`);

  const notJson = join(dir, 'notes.txt');
  writeFileSync(notJson, 'this is not a report\n');
  assert.match(await usageError(['merge', notJson]), new RegExp(`^${notJson}: not JSON and no line of it is a JSON object`));

  const badLine = join(dir, 'lines.log');
  writeFileSync(badLine, `${JSON.stringify(A)}\n{"run": \n`);
  assert.match(await usageError(['merge', badLine]), new RegExp(`^${badLine}:2: not valid JSON`));

  const contract = writeJson(join(dir, 'findings.json'), { run: { id: 'x' }, findings: [], coverage: [], latency: [] });
  assert.match(await usageError(['merge', contract]), /this is a contract report \(findings\.json\), not a load report/);

  const hdr = structuredClone(A);
  hdr.k6!.latency!.hdr = 'not-a-histogram';
  const badHdr = writeJson(join(dir, 'hdr.json'), hdr);
  assert.match(await usageError(['merge', badHdr]), /k6\.latency\.hdr: is not an encoded HDR histogram/);

  const empty = join(dir, 'empty-folder');
  mkdirSync(empty);
  assert.equal(await usageError(['merge', empty]), `${empty}: the folder has no load.json`);

  assert.match(await usageError(['merge', good, good]), /the same shard report \(run shard-a\) is given twice: .*good\.json and .*good\.json/);
  assert.match(await usageError(['merge']), /needs at least one shard/);
  assert.match(await usageError(['merge', good, '--bogus']), /--bogus/);
  assert.match(await usageError([]), /give a run folder/);
});

test('report RUN_DIR re-renders a load run, and a contract run in the same folder, in place', async () => {
  const reports = join(tmp.dir, 'rerender');
  const { dir } = writeLoadReport(reports, A);
  const contract: RunReport = {
    run: { id: A.run.id, target: 'http://127.0.0.1:8081/api/v4', apiVersion: 'v4', profile: 'reference', startedAt: A.run.startedAt, harnessVersion: '0.1.0', policy: { mutations: true, disruptive: true } },
    findings: [{ endpoint: 'v4.list_clients', check: 'status', verdict: 'pass', message: 'ok' }],
    coverage: [],
    latency: [],
  };
  writeReport(reports, contract);
  for (const f of ['load.html', 'index.html', 'summary.md']) rmSync(join(dir, f));

  const { result, stdout } = await captured(() => runReport([dir, '--no-color']));
  assert.equal(result, 0);
  for (const f of ['load.html', 'junit.xml', 'index.html', 'summary.md', 'findings.json', 'load.json']) assert.ok(existsSync(join(dir, f)), f);
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'load.json'), 'utf8')), A);
  assert.match(stdout, /EMQX load run shard-a/);
  assert.match(stdout, /EMQX API contract run shard-a/);

  // a copy under another name (a CI artifact unpacked as artifact/) is re-rendered where it is
  const artifact = join(tmp.dir, 'artifact');
  cpSync(dir, artifact, { recursive: true });
  rmSync(join(artifact, 'load.html'));
  rmSync(join(artifact, 'index.html'));
  await captured(() => runReport([artifact]));
  assert.ok(existsSync(join(artifact, 'load.html')) && existsSync(join(artifact, 'index.html')));
  assert.ok(!existsSync(join(tmp.dir, A.run.id)), 'nothing written next to it under the run id');
  assert.ok(!existsSync(join(tmp.dir, 'latest')));

  const bare = join(tmp.dir, 'bare');
  mkdirSync(bare);
  assert.equal(await usageError([bare]), `${bare}: holds neither load.json nor findings.json`);
  writeFileSync(join(bare, 'load.json'), '{"run": {"id": 1}}');
  assert.match(await usageError([bare]), /bare\/load\.json: not a load report: run\.id: should be a string, is 1/);
  assert.match(await usageError([bare, 'other']), /give one run folder/);
});

test('report --help', async () => {
  const { result, stdout } = await captured(async () => {
    const log = console.log;
    let text = '';
    console.log = (s: unknown): void => {
      text += `${String(s)}\n`;
    };
    try {
      const code = await runReport(['--help']);
      process.stdout.write(text);
      return code;
    } finally {
      console.log = log;
    }
  });
  assert.equal(result, 0);
  assert.match(stdout, /emqx-harness report merge SHARD\.\.\./);
  assert.match(stdout, /--out DIR/);
});
