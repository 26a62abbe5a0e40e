// The report folder end to end: every view written, none leaking a secret, each readable by
// what reads it (JSON.parse, a JUnit consumer, a browser, a terminal), also for a run cut
// short by Ctrl-C.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding } from '../../src/findings.ts';
import { countByVerdict, type RunReport } from '../../src/report/model.ts';
import { redactStrings } from '../../src/report/redact.ts';
import { terminalSummary } from '../../src/report/terminal.ts';
import { REPORT_FILES, writeReport } from '../../src/report/write.ts';

const SECRET = 's3cr3t';
const SECRET_BASE64 = 'YWRtaW46czNjcjN0'; // base64('admin:s3cr3t')
const HOSTILE = `closes </script> opens <!-- has & "double" 'single' bell\u0007 esc\u001b[31m nul\u0000 lone\uD800 ]]> end`;

function finding(
  endpoint: string,
  check: Finding['check'],
  verdict: Finding['verdict'],
  extra: Partial<Finding> = {},
): Finding {
  return { endpoint, check, verdict, message: `${endpoint} ${check} ${verdict}`, ...extra };
}

function fixture(id: string, startedAt: string): RunReport {
  const findings: Finding[] = [
    finding('v4.list_clients', 'status', 'pass'),
    finding('v4.list_clients', 'envelope', 'pass'),
    finding('v4.list_clients', 'schema', 'fail', {
      message: 'v4.list_clients: data[3].port should be integer, got "64491"',
      pointer: '/data/3/port',
      expected: 'integer',
      actual: '"64491"',
      doc: '4.x doc, "Get information of all clients in the cluster"',
      // the mistake the redaction guards against: a curl that kept its credentials
      curl: `curl -u admin:${SECRET} -H 'Authorization: Basic ${SECRET_BASE64}' 'http://127.0.0.1:8081/api/v4/clients'`,
    }),
    finding('v4.list_clients', 'pagination', 'fail', {
      message: `v4.list_clients: meta.count wrong after GET http://admin:${SECRET}@127.0.0.1:8081/api/v4/clients?_page=2`,
      pointer: '/meta/count',
      expected: '42',
      actual: '41',
    }),
    finding('v4.list_clients', 'semantics', 'fail', {
      message: HOSTILE,
      pointer: '',
      expected: HOSTILE,
      actual: '"<b>&amp;</b>"',
    }),
    finding('v4.list_clients', 'undocumented-field', 'fail', {
      message: 'v4.list_clients: data[0].extra_field is not documented',
      pointer: '/data/0/extra_field',
      actual: '"x"',
    }),
    finding('v4.list_clients', 'undocumented-field', 'waived', { pointer: '/data/0/mountpoint', reason: 'ERRATA E7' }),
    finding('v4.list_brokers', 'negative', 'fail', { message: 'v4.list_brokers: a bad _limit answered 200' }),
    finding('v4.list_brokers', 'mqtt-effect', 'pass'),
    finding('v4.mqtt_publish', 'mqtt-effect', 'waived', {
      reason: 'known deviation: retained flag dropped (issue 12)',
    }),
    finding('v4.list_node_clients', 'semantics', 'skipped', { reason: 'needs a second node' }),
    finding('v3.list_clientid', 'status', 'not-implemented', { reason: 'answers 404: route absent' }),
    finding('v3.list_clientid', 'negative', 'not-implemented', { reason: 'answers 404: route absent' }),
  ];
  return {
    run: {
      id,
      target: 'http://127.0.0.1:8081/api/v4, http://127.0.0.1:8081/api/v3',
      apiVersion: 'v4+v3',
      emqxVersion: '4.4.19',
      profile: 'reference',
      startedAt,
      finishedAt: new Date(Date.parse(startedAt) + 12_345).toISOString(),
      harnessVersion: '0.1.0',
      policy: { mutations: true, disruptive: false },
    },
    findings,
    coverage: [
      { endpoint: 'v4.list_brokers', method: 'GET', path: '/brokers', checks: ['negative', 'mqtt-effect'] },
      {
        endpoint: 'v4.list_clients',
        method: 'GET',
        path: '/clients',
        checks: ['status', 'envelope', 'schema', 'pagination', 'semantics', 'undocumented-field'],
      },
      { endpoint: 'v4.list_node_clients', method: 'GET', path: '/nodes/{node}/clients', checks: ['semantics'] },
      { endpoint: 'v4.mqtt_publish', method: 'POST', path: '/mqtt/publish', checks: ['mqtt-effect'] },
      { endpoint: 'v4.mqtt_publish_batch', method: 'POST', path: '/mqtt/publish_batch', checks: [] },
      { endpoint: 'v3.list_clientid', method: 'GET', path: '/auth_clientid', checks: ['status', 'negative'] },
    ],
    latency: [
      { endpoint: 'v4.list_clients', samples: 40, p50Ms: 3.2, p95Ms: 11.8, maxMs: 30 },
      { endpoint: 'v4.list_brokers', samples: 12, p50Ms: 1.1, p95Ms: 2.5, maxMs: 4 },
      { endpoint: 'v3.list_clientid', samples: 2, p50Ms: 0.8, p95Ms: 0.9, maxMs: 0.9 },
    ],
  };
}

const secrets = [SECRET];
const root = mkdtempSync(join(tmpdir(), 'emqx-report-'));
after(() => rmSync(root, { recursive: true, force: true }));
const report = fixture('2026-11-22T05-16-24Z-reference', '2026-11-22T05:16:24.000Z');
const written = writeReport(root, report, { secrets });
const read = (name: string): string => readFileSync(join(written.dir, name), 'utf8');
const counts = countByVerdict(report.findings);

test('every file is written into reports/<run-id>/', () => {
  assert.equal(written.dir, join(root, report.run.id));
  assert.deepEqual(
    written.files,
    REPORT_FILES.map((f) => join(written.dir, f)),
  );
  for (const f of written.files) assert.ok(statSync(f).size > 0, f);
});

test('the secret, plain or base64, is in no file', () => {
  for (const file of allFiles(root)) {
    const bytes = readFileSync(file);
    for (const needle of [SECRET, SECRET_BASE64]) assert.ok(!bytes.includes(needle), `${needle} in ${file}`);
  }
});

test('findings.json is exactly run/findings/coverage/latency and round-trips the findings', () => {
  const parsed = JSON.parse(read('findings.json')) as RunReport;
  assert.deepEqual(Object.keys(parsed), ['run', 'findings', 'coverage', 'latency']);
  assert.deepEqual(parsed, redactStrings(report, secrets));
  // findings without a secret come back byte for byte, hostile characters included
  const untouched = report.findings.filter(
    (f) => !JSON.stringify(f).includes(SECRET) && !JSON.stringify(f).includes(SECRET_BASE64),
  );
  for (const f of untouched)
    assert.ok(
      parsed.findings.some((p) => JSON.stringify(p) === JSON.stringify(f)),
      f.message,
    );
  assert.ok(parsed.findings.some((f) => f.message === HOSTILE));
});

test('junit.xml is well-formed and counts tests, failures and skips', () => {
  const root = parseXml(read('junit.xml'));
  assert.equal(root.name, 'testsuites');
  const cases = descendants(root, 'testcase');
  const skippedTotal = counts.skipped + counts['not-implemented'] + counts.waived;
  assert.equal(cases.length, report.findings.length);
  assert.equal(cases.filter((c) => c.children.some((x) => x.name === 'failure')).length, counts.fail);
  assert.equal(cases.filter((c) => c.children.some((x) => x.name === 'skipped')).length, skippedTotal);
  assert.deepEqual(
    [root.attrs.tests, root.attrs.failures, root.attrs.skipped, root.attrs.errors],
    [String(report.findings.length), String(counts.fail), String(skippedTotal), '0'],
  );
  const suites = root.children.filter((c) => c.name === 'testsuite');
  assert.equal(
    suites.reduce((n, s) => n + Number(s.attrs.tests), 0),
    cases.length,
  );
  // one suite per version and area; classname is the endpoint id
  assert.deepEqual(suites.map((s) => s.attrs.name).sort(), ['v3.auth_clientid', 'v4.brokers', 'v4.clients', 'v4.mqtt']);
  const schemaCase = cases.find((c) => c.attrs.name === 'v4.list_clients schema data[3].port');
  assert.equal(schemaCase?.attrs.classname, 'v4.list_clients');
  const failure = schemaCase?.children.find((c) => c.name === 'failure');
  for (const part of ['expected: integer', 'actual: "64491"', 'doc: 4.x doc', 'curl: curl -u admin:***'])
    assert.ok(failure?.text.includes(part), part);
  const waived = cases.find((c) => c.attrs.classname === 'v4.mqtt_publish')?.children[0];
  assert.equal(waived?.attrs.message, 'waived: known deviation: retained flag dropped (issue 12)');
  // the hostile message survives as text, its control characters made visible
  const hostile = descendants(root, 'failure').find((f) => f.attrs.message?.startsWith('closes </script>'));
  assert.ok(hostile?.attrs.message?.includes('bell\\u0007 esc\\u001B[31m nul\\u0000 lone\\uD800 ]]>'));
});

test('index.html is self-contained and its embedded JSON parses back to the findings', () => {
  const html = read('index.html');
  assert.doesNotMatch(html, /\b(?:src|href)\s*=\s*["']?\s*(?:[a-z]+:)?\/\//i, 'no external src/href');
  assert.doesNotMatch(html, /@import|url\(\s*["']?\s*(?:https?:)?\/\//i, 'no external CSS');
  assert.doesNotMatch(html, /<link\b|<script\b[^>]*\bsrc=/i);
  // nothing from a message breaks out of the data block or opens a comment
  assert.equal(html.match(/<\/script>/gi)?.length, 2);
  assert.ok(!html.includes('<!--'));
  const block = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)?.[1];
  assert.ok(block);
  const data = JSON.parse(block) as { report: RunReport };
  assert.deepEqual(data.report.findings, redactStrings(report.findings, secrets));
  // the matrix: a cell shows the worst verdict and the count; an unchecked endpoint is flagged
  assert.match(
    html,
    /<td class="v-fail" data-verdicts="fail waived"><button[^>]*data-check="undocumented-field"[^>]*>✗ 2<\/button>/,
  );
  assert.match(html, /data-endpoint="v4.mqtt_publish_batch"[^\n]*⚠ no checks/);
  assert.match(html, /<svg class="latency-chart"/);
});

test('summary.md lists failures by endpoint with the curl in a code block, and the rest apart', () => {
  const md = read('summary.md');
  assert.match(md, /^# EMQX API contract run: ✗ 4 failed/);
  assert.match(md, /### `v4.list_clients` `GET \/clients`/);
  assert.match(md, /```sh\ncurl -u admin:\*\*\* -H 'Authorization: Basic \*\*\*'/);
  assert.match(
    md,
    /## ∅ Not implemented \(1 endpoint\)\n\n- `v3.list_clientid` `GET \/auth_clientid`: answers 404: route absent/,
  );
  assert.match(md, /\| `v4.list_node_clients` \| semantics \| needs a second node/);
  assert.match(md, /## Undocumented fields \(2\)/);
  assert.match(md, /⚠ 1 endpoint with no check:\*\*\n\n- `v4.mqtt_publish_batch`/);
  // outside code (where GitHub shows text as is) markup in a message is escaped, readably
  const prose = md.replace(/^```[\s\S]*?^```/gm, '').replace(/(`+)[\s\S]*?\1/g, '');
  assert.doesNotMatch(prose, /(?<!\\)<(?:!--|\/script)/);
  assert.ok(prose.includes('closes \\</script> opens \\<!-- has & "double"'));
  // the undocumented field is in its own section, not among the failures
  const failures = md.slice(md.indexOf('## ✗ Failures'), md.indexOf('## ∅ Not implemented'));
  assert.ok(!failures.includes('extra_field'));
});

test('the terminal summary without colour has no escape codes and fits the width', () => {
  const text = terminalSummary(report, written.dir, { color: false, width: 60 });
  assert.ok(!/[\u001b\u009b]/.test(text));
  for (const line of text.split('\n')) assert.ok([...line].length <= 60 || line.startsWith('Report:'), line);
  assert.match(text, /✗ 4 fail/);
  // the undocumented field is counted apart: it does not fail the run unless --strict-fields
  assert.match(text, /◇ 1 undocumented field reported apart/);
  assert.match(text, /∅ 1 endpoint not implemented/);
  assert.ok(text.includes(`Report: ${join(written.dir, 'index.html')}`));
  assert.ok(terminalSummary(report, written.dir, { color: true }).includes('\u001b[31m'));
});

test('the terminal summary lists 15 failures and says how many more', () => {
  const many = {
    ...report,
    findings: Array.from({ length: 20 }, (_, i) =>
      finding('v4.list_clients', 'schema', 'fail', { message: `failure ${i}` }),
    ),
  };
  const text = terminalSummary(many, 'reports/x', { color: false });
  assert.ok(text.includes('failure 14') && !text.includes('failure 15'));
  assert.ok(text.includes('… and 5 more'));
});

test('latest points at the newest run, also when an older run is re-rendered', () => {
  const newer = fixture('2026-11-22T06-00-00Z-reference', '2026-11-22T06:00:00.000Z');
  assert.equal(readlinkSync(join(root, 'latest')), report.run.id);
  writeReport(root, newer, { secrets });
  assert.equal(readlinkSync(join(root, 'latest')), newer.run.id, 'relative link to the newer run');
  writeReport(root, report, { secrets });
  assert.equal(readlinkSync(join(root, 'latest')), newer.run.id);
  assert.ok(existsSync(join(root, 'latest', 'index.html')));
  assert.deepEqual(
    readdirSync(root).filter((n) => n.includes('.tmp')),
    [],
    'no temp link left behind',
  );
});

test('a partial, interrupted run still writes everything and says so', () => {
  const partialRoot = join(root, 'partial');
  const full = fixture('2026-11-22T07-00-00Z-reference', '2026-11-22T07:00:00.000Z');
  const { finishedAt: _, ...unfinished } = full.run;
  const partial: RunReport = {
    run: { ...unfinished, interrupted: { reason: 'SIGINT (Ctrl-C)', lastRequest: 'GET /api/v4/clients?_page=3' } },
    findings: full.findings.slice(0, 3),
    coverage: full.coverage.slice(0, 1),
    latency: [],
  };
  const { dir, files } = writeReport(partialRoot, partial, { secrets });
  for (const f of files) assert.ok(existsSync(f), f);
  const md = readFileSync(join(dir, 'summary.md'), 'utf8');
  assert.match(md, /\*\*Interrupted:\*\* SIGINT \(Ctrl-C\) \(last request: GET \/api\/v4\/clients\?_page=3\)/);
  const junit = parseXml(readFileSync(join(dir, 'junit.xml'), 'utf8'));
  assert.equal(junit.attrs.errors, '1', 'CI sees the run as not complete');
  assert.match(readFileSync(join(dir, 'index.html'), 'utf8'), /⚠ Interrupted:<\/strong> SIGINT \(Ctrl-C\)/);
  const text = terminalSummary(partial, dir, { color: false });
  assert.match(text, /interrupted, partial report: SIGINT \(Ctrl-C\)/);
  assert.equal(JSON.parse(readFileSync(join(dir, 'findings.json'), 'utf8')).findings.length, 3);
});

// --- helpers ----------------------------------------------------------------------------

function allFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? allFiles(p) : e.isFile() ? [p] : [];
  });
}

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

function descendants(el: XmlElement, name: string): XmlElement[] {
  return el.children.flatMap((c) => [...(c.name === name ? [c] : []), ...descendants(c, name)]);
}

/**
 * A small XML 1.0 well-formedness check, enough for junit.xml: legal characters only, tags
 * balanced and properly nested, attributes quoted and unique, `<` never in text or values,
 * every `&` a known reference, a single root. Throws at the first violation.
 */
function parseXml(xml: string): XmlElement {
  const illegal = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u.exec(xml);
  if (illegal) throw new Error(`illegal character U+${illegal[0].codePointAt(0)?.toString(16)} at ${illegal.index}`);
  const decode = (raw: string, where: string): string => {
    if (raw.includes('<')) throw new Error(`'<' in ${where}`);
    return raw.replace(/&([^;]*);|&/g, (m, ref: string | undefined) => {
      const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
      if (ref !== undefined && ref in named) return named[ref]!;
      const num = ref && /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(ref);
      if (num) return String.fromCodePoint(num[1] ? parseInt(num[1], 16) : Number(num[2]));
      throw new Error(`bad reference ${m} in ${where}`);
    });
  };
  const NAME = '[A-Za-z_:][\\w.:-]*';
  const token = new RegExp(
    `<\\?[\\s\\S]*?\\?>|<!--[\\s\\S]*?-->|<!\\[CDATA\\[[\\s\\S]*?\\]\\]>|</(${NAME})\\s*>|<(${NAME})((?:\\s+${NAME}\\s*=\\s*(?:"[^"]*"|'[^']*'))*)\\s*(/?)>|<|[^<]+`,
    'gy',
  );
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  for (const m of xml.matchAll(token)) {
    const [whole, close, open, attrText, selfClose] = m;
    const top = stack[stack.length - 1];
    if (whole === '<') throw new Error(`malformed tag at ${m.index}`);
    if (whole.startsWith('<?') || whole.startsWith('<!--')) continue;
    if (whole.startsWith('<![CDATA[')) {
      if (!top) throw new Error('CDATA outside the root');
      top.text += whole.slice(9, -3);
    } else if (close) {
      if (top?.name !== close) throw new Error(`</${close}> closes <${top?.name}>`);
      stack.pop();
    } else if (open) {
      if (!top && root) throw new Error('a second root element');
      const attrs: Record<string, string> = {};
      for (const a of (attrText ?? '').matchAll(new RegExp(`(${NAME})\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, 'g'))) {
        const key = a[1]!;
        if (key in attrs) throw new Error(`duplicate attribute ${key}`);
        attrs[key] = decode(a[2] ?? a[3] ?? '', `attribute ${key}`);
      }
      const el: XmlElement = { name: open, attrs, children: [], text: '' };
      if (top) top.children.push(el);
      else root = el;
      if (!selfClose) stack.push(el);
    } else {
      if (whole.includes(']]>')) throw new Error("']]>' in text");
      if (top) top.text += decode(whole, `<${top.name}> text`);
      else if (whole.trim()) throw new Error('text outside the root');
    }
  }
  if (stack.length) throw new Error(`unclosed <${stack[stack.length - 1]?.name}>`);
  if (!root) throw new Error('no root element');
  return root;
}

test('the terminal prints each failure once as a finding, grouped by endpoint, with the link to its details', () => {
  const text = terminalSummary(report, written.dir, { color: false, width: 200 });
  const failures = text.slice(text.indexOf('Failures ('), text.indexOf('Undocumented fields'));
  assert.match(failures, /^Failures \(4, on 2 endpoints\):/);
  // the endpoint once, then its findings: check, pointer, expected, actual
  assert.equal(failures.match(/^ {2}v4\.list_clients {2}/gm)?.length, 1, failures);
  assert.match(failures, /→ index\.html#endpoint=v4\.list_clients&check=schema/);
  assert.match(failures, /✗ schema data\[3\]\.port \(\/data\/3\/port\): expected integer, got "64491"/);
  assert.match(failures, /✗ pagination meta\.count \(\/meta\/count\): expected 42, got 41/);
  assert.match(failures, /^ {2}v4\.list_brokers /m);
  assert.doesNotMatch(text, /\n\s+at |node_modules|Error Context/);
});
