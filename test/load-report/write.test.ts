// The load run folder end to end: load.json reads back as the report, no file leaks a secret,
// the page is self-contained and safe against hostile text, `latest` follows the newest run
// whether it is a contract or a load run, and the terminal summary says what a k6 user expects.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readlinkSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodeHistogram } from '../../src/load/histogram.ts';
import type { LoadReport } from '../../src/load/model.ts';
import { LOAD_DATA_ID } from '../../src/load/report/html-assets.ts';
import type { LoadEmbeddedData } from '../../src/load/report/html.ts';
import { loadReportProblems } from '../../src/load/report/validate.ts';
import { LOAD_REPORT_FILES, loadTerminalSummary, writeLoadReport } from '../../src/load/write.ts';
import type { RunReport } from '../../src/report/model.ts';
import { writeReport } from '../../src/report/write.ts';
import { fullReport, shard } from './fixtures.ts';
import { tempDir } from './helpers.ts';

const tmp = tempDir();
after(tmp.remove);

const SECRET = 'hx-9f3c1d2e7b';
const BASIC = Buffer.from(`admin:${SECRET}`).toString('base64');
const HOSTILE = `closes </script><script>alert(1)</script> opens <!-- & "q" 'a' bell\u0007 esc\u001b[31m`;

function embedded(html: string): LoadEmbeddedData {
  const m = html.match(new RegExp(`<script type="application/json" id="${LOAD_DATA_ID}">([\\s\\S]*?)</script>`));
  assert.ok(m, 'the page embeds its data');
  return JSON.parse(m[1]!) as LoadEmbeddedData;
}

test('writes load.json, load.html and junit.xml; load.json reads back as the report', () => {
  const report = fullReport('2026-12-02T10-00-00Z-readback');
  const { dir, files } = writeLoadReport(tmp.dir, report, { secrets: [SECRET] });
  assert.deepEqual(files, LOAD_REPORT_FILES.map((f) => join(dir, f)));
  const text = readFileSync(join(dir, 'load.json'), 'utf8');
  assert.ok(text.endsWith('}\n') && text.startsWith('{\n  "run": {'), '2-space JSON and a final newline');
  assert.deepEqual(JSON.parse(text), report);
  assert.deepEqual(readdirSync(dir).sort(), [...LOAD_REPORT_FILES].sort(), 'no temp files left behind');
  assert.deepEqual(embedded(readFileSync(join(dir, 'load.html'), 'utf8')).report, report);
});

test('a secret anywhere in the data reaches none of the three files, and the histograms still decode', () => {
  const report = fullReport('2026-12-02T10-01-00Z-secret');
  report.run.target = `http://admin:${SECRET}@127.0.0.1:18083/api/v4?token=${SECRET}`;
  report.run.interrupted = { reason: `SIGTERM while sending Authorization: Basic ${BASIC}` };
  report.swarm!.clients.failuresByReason[`not authorized (password ${SECRET})`] = 2;
  report.k6!.thresholds.push({ metric: `http_req_duration{user:${SECRET}}`, expression: 'p(95)<500', ok: false });
  report.k6!.latencyByEndpoint![`GET /x?secret=${SECRET}`] = report.k6!.latency!;
  const { dir } = writeLoadReport(tmp.dir, report, { secrets: [SECRET] });
  for (const name of LOAD_REPORT_FILES) {
    const text = readFileSync(join(dir, name), 'utf8');
    assert.ok(!text.includes(SECRET), `${name} holds the secret`);
    assert.ok(!text.includes(BASIC) && !text.includes(BASIC.replace(/=+$/, '')), `${name} holds the base64 credentials`);
    assert.ok(!text.includes(encodeURIComponent(SECRET)), name);
  }
  const back = JSON.parse(readFileSync(join(dir, 'load.json'), 'utf8')) as LoadReport;
  assert.deepEqual(loadReportProblems(back), []);
  assert.match(back.run.target, /admin:\*\*\*@/);
  assert.equal(decodeHistogram(back.k6!.latency!.hdr).totalCount, report.k6!.latency!.count);
  assert.ok(loadTerminalSummary(report, dir, { color: false, secrets: [SECRET] }).includes('***'));
  assert.ok(!loadTerminalSummary(report, dir, { color: false, secrets: [SECRET] }).includes(SECRET));
});

test('load.html is self-contained: uPlot inlined, nothing fetched, data embedded safely', () => {
  const report = fullReport('2026-12-02T10-02-00Z-page');
  report.run.interrupted = { reason: HOSTILE };
  report.k6!.thresholds.push({ metric: HOSTILE, expression: 'p(95)<1', ok: false });
  const { dir } = writeLoadReport(tmp.dir, report);
  const html = readFileSync(join(dir, 'load.html'), 'utf8');
  assert.match(html, /^<!doctype html>/);
  assert.ok(html.includes('https://github.com/leeoniya/uPlot'), 'uPlot is inlined');
  assert.ok(html.includes('.uplot'), "uPlot's stylesheet is inlined");
  assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=|@import|url\(http/i, 'nothing is fetched');
  // hostile text never closes the data block or opens markup
  assert.equal(html.match(/<script/g)!.length, 3, 'data, uPlot and the page script only');
  assert.ok(!html.includes('<script>alert(1)'));
  assert.ok(!html.includes('\u001b') && !html.includes('\u0007'));
  const data = embedded(html);
  assert.equal(data.report.run.interrupted!.reason, HOSTILE, 'the embedded data keeps the text exactly');
  assert.deepEqual(
    data.plots.map((p) => p.id),
    ['plot-throughput', 'plot-latency', 'plot-connections', 'plot-delivery', 'plot-capacity'],
  );
  const ramp = data.plots.find((p) => p.id === 'plot-capacity')!;
  assert.deepEqual(ramp.knee, { rate: 800, label: 'knee 800/s' });
  assert.match(html, /Knee at 800\/s: the last rate at which every threshold held; 1,200\/s broke: p95 \d+ ms &gt; 300 ms/);
  assert.match(html, /✗ breached/);
  assert.match(html, /✓ held/);
  assert.match(html, /✗ loss at QoS 1/);
  assert.match(html, /prefers-color-scheme: dark/);
});

test('skipped parts are shown with their reason, in the page, the summary and junit', () => {
  const report = shard({ id: '2026-12-02T10-03-00Z-skipped', startedAt: '2026-12-02T10:03:00.000Z', seed: 9, k6Skipped: 'k6 is not installed' }).report;
  const { dir } = writeLoadReport(tmp.dir, report);
  const html = readFileSync(join(dir, 'load.html'), 'utf8');
  assert.match(html, /k6 part skipped:<\/strong> k6 is not installed/);
  assert.ok(!embedded(html).plots.some((p) => p.id === 'plot-latency' || p.id === 'plot-capacity'));
  assert.match(loadTerminalSummary(report, dir, { color: false }), /↷ k6 part skipped: k6 is not installed/);
  assert.match(readFileSync(join(dir, 'junit.xml'), 'utf8'), /<skipped message="k6 part skipped: k6 is not installed"\/>/);
});

test('the terminal summary: thresholds, totals, percentiles, delivery per QoS, REST→MQTT, the knee and the files', () => {
  const report = fullReport('2026-12-02T10-04-00Z-terminal');
  const text = loadTerminalSummary(report, '/r/x', { color: false, width: 160 });
  assert.ok(!text.includes('\u001b'), 'no colour when asked for none');
  for (const expected of [
    /^EMQX load run 2026-12-02T10-04-00Z-terminal$/m,
    /^ {4}✓ http_req_duration p\(95\)<250$/m,
    /^ {4}✗ http_req_duration\{endpoint:v4\.list_clients\} p\(95\)<150 {2}\(breached\)$/m,
    /requests\.+: [\d,]+ {2}[\d.]+\/s/,
    /latency\.+: p50 [\d.]+ ms · p95 [\d.]+ ms · p99 [\d.]+ ms/,
    /Knee at 800\/s/,
    /800\/s .*✓ ← knee/,
    /1,200\/s .*✗ p95 \d+ ms > 300 ms/,
    /^ {2}1 .*✗ loss at QoS 1$/m,
    /swarm {2}\d+\/200 clients connected/,
    /REST → MQTT\n {2}[✓✗] delivered [\d,]+ of [\d,]+ sent/,
    /^Report: \/r\/x\/load\.html\n {8}\/r\/x\/load\.json\n {8}\/r\/x\/junit\.xml$/m,
  ]) {
    assert.match(text, expected);
  }
  assert.ok(loadTerminalSummary(report, '/r/x', { color: true }).includes('\u001b[31m✗\u001b[0m'));
  for (const line of loadTerminalSummary(report, '/r/x', { color: false, width: 60 }).split('\n')) {
    assert.ok([...line].length <= 60, `fits 60 columns: ${line}`);
  }
});

function contractRun(id: string, startedAt: string): RunReport {
  return {
    run: { id, target: 'http://127.0.0.1:8081/api/v4', apiVersion: 'v4', profile: 'reference', startedAt, harnessVersion: '0.1.0', policy: { mutations: true, disruptive: true } },
    findings: [],
    coverage: [],
    latency: [],
  };
}

test('`latest` follows the newest run, contract or load, and re-rendering an older one does not steal it', () => {
  const root = join(tmp.dir, 'latest-root');
  const latest = (): string => readlinkSync(join(root, 'latest'));
  const load1 = fullReport('2026-12-02T11-00-00Z-load');
  load1.run.startedAt = '2026-12-02T11:00:00.000Z';
  writeLoadReport(root, load1);
  assert.equal(latest(), load1.run.id);

  // an older contract run: latest (a load run, load.json only) stays
  writeReport(root, contractRun('2026-12-02T10-00-00Z-reference', '2026-12-02T10:00:00.000Z'));
  assert.equal(latest(), load1.run.id);
  // a newer contract run takes it
  writeReport(root, contractRun('2026-12-02T12-00-00Z-reference', '2026-12-02T12:00:00.000Z'));
  assert.equal(latest(), '2026-12-02T12-00-00Z-reference');
  // re-rendering the older load run leaves it
  writeLoadReport(root, load1);
  assert.equal(latest(), '2026-12-02T12-00-00Z-reference');
  // a newer load run takes it back
  const load2 = fullReport('2026-12-02T13-00-00Z-load');
  load2.run.startedAt = '2026-12-02T13:00:00.000Z';
  writeLoadReport(root, load2);
  assert.equal(latest(), load2.run.id);

  // writing into another folder (`report merge --out`) leaves latest alone
  const elsewhere = join(root, 'somewhere-else');
  const load3 = fullReport('2026-12-02T14-00-00Z-load');
  load3.run.startedAt = '2026-12-02T14:00:00.000Z';
  writeLoadReport(root, load3, { dir: elsewhere });
  assert.equal(latest(), load2.run.id);
  assert.ok(existsSync(join(elsewhere, 'load.json')));
});
