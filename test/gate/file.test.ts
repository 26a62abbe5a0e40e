// Reading and validating gate files: one line naming the file and the line of the offending
// value, for YAML and JSON; unknown keys are errors; the examples are valid.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../src/errors.ts';
import { loadGateFile, parseGate } from '../../src/gate/file.ts';
import { REPO_ROOT } from '../../src/schema-registry.ts';

/** The one-line message parseGate throws for this text. */
function problem(text: string, file = 'gate.yml'): string {
  try {
    parseGate(text, file);
  } catch (e) {
    assert.ok(e instanceof UsageError, `a UsageError, got ${String(e)}`);
    assert.ok(!e.message.includes('\n'), `one line: ${e.message}`);
    return e.message;
  }
  assert.fail(`no problem found in:\n${text}`);
}

const WAIVER = (fields: string): string => `waivers:\n  - endpoint: v4.list_clients\n    check: schema\n${fields}`;

test('a complete gate file reads as written', () => {
  const gate = parseGate(
    `version: 1
description: the release gate
target:
  profile: emqx-v4
  apiVersion: v4
contract:
  checks: [status, envelope, schema]
  strictDocs: true
  strictFields: false
waivers:
  - endpoint: v4.list_clients
    check: schema
    pointer: /data/*/port
    reason: the proxy drops port
    owner: ops-team
    expires: 2026-11-30
load:
  p95Ms: 300
  p99Ms: 800
  failedRate: 0.01
  codeErrorRate: 0.01
  checkRate: 0.99
  maxLossQos1: 0
  minRestToMqttRatio: 1
`,
    'gate.yml',
  );
  assert.deepEqual(gate.waivers, [{ endpoint: 'v4.list_clients', check: 'schema', pointer: '/data/*/port', reason: 'the proxy drops port', owner: 'ops-team', expires: '2026-11-30' }]);
  assert.equal(typeof gate.waivers![0]!.expires, 'string', 'an unquoted date stays text (YAML 1.2)');
  assert.deepEqual(gate.contract, { checks: ['status', 'envelope', 'schema'], strictDocs: true, strictFields: false });
  assert.equal(gate.load?.p95Ms, 300);
  assert.deepEqual(parseGate('{}', 'gate.json'), {}, 'an empty mapping is a gate that holds the defaults');
});

test('the brief\'s example: a bad date names the file, the line and what was given', () => {
  const text = `${WAIVER('    reason: r\n    owner: o\n    expires: 2027-01-01\n')}  - endpoint: v4.list_routes\n    check: schema\n    reason: r\n    owner: o\n    expires: 2027-01-01\n  - endpoint: v4.list_nodes\n    check: schema\n    reason: r\n    owner: o\n    expires: next week\n`;
  const line = text.split('\n').indexOf('    expires: next week') + 1;
  assert.ok(line > 10);
  assert.equal(problem(text), `gate.yml:${line}: waivers[2].expires must be a date YYYY-MM-DD, got "next week"`);
});

test('each kind of problem is one line at the line of the offending value', () => {
  assert.equal(problem(WAIVER('    reason: r\n    ownr: o\n    owner: o\n    expires: 2027-01-01\n')), 'gate.yml:5: waivers[0].ownr is not a gate setting (expected one of: endpoint, check, pointer, reason, owner, expires)');
  assert.equal(problem(WAIVER('    reason: r\n    expires: 2027-01-01\n')), 'gate.yml:2: waivers[0].owner is missing (a waiver needs endpoint, check, reason, owner, expires)');
  assert.equal(problem(WAIVER('    reason: r\n    owner: o\n    expires: 2027-02-30\n')), 'gate.yml:6: waivers[0].expires must be a date YYYY-MM-DD, got "2027-02-30" (no such day)');
  assert.equal(problem(WAIVER('    reason: r\n    owner: o\n    expires: 20270101\n')), 'gate.yml:6: waivers[0].expires must be a date YYYY-MM-DD, got 20270101');
  assert.equal(problem(WAIVER('    reason: "  "\n    owner: o\n    expires: 2027-01-01\n')), 'gate.yml:4: waivers[0].reason must be a non-empty text, got "  "');
  assert.equal(problem(WAIVER('    pointer: data/port\n    reason: r\n    owner: o\n    expires: 2027-01-01\n')), 'gate.yml:4: waivers[0].pointer must be a JSON pointer pattern such as /data/*/port ("" is the whole body), got "data/port"');
  assert.equal(problem(WAIVER('    pointer: /data/x**\n    reason: r\n    owner: o\n    expires: 2027-01-01\n')), 'gate.yml:4: waivers[0].pointer uses ** inside the token "x**": ** must be a whole token (/data/**/port)');
  assert.equal(problem('waivers:\n  - endpoint: v4.list_clients\n    check: schemas\n    reason: r\n    owner: o\n    expires: 2027-01-01\n'), 'gate.yml:3: waivers[0].check must be one of status, envelope, schema, pagination, semantics, mqtt-effect, negative, undocumented-field, got "schemas"');
  assert.equal(problem('contract:\n  checks:\n    - status\n    - schemas\n'), 'gate.yml:4: contract.checks[1] must be one of status, envelope, schema, pagination, semantics, mqtt-effect, negative, undocumented-field, got "schemas"');
  assert.equal(problem('contract:\n  checks: [schema, status, schema]\n'), 'gate.yml:2: contract.checks lists "schema" twice');
  assert.equal(problem('contract:\n  strictdocs: true\n'), 'gate.yml:2: contract.strictdocs is not a gate setting (expected one of: checks, strictDocs, strictFields)');
  assert.equal(problem('version: 1\n\ncontrat:\n  checks: [schema]\n'), 'gate.yml:3: contrat is not a gate setting (expected one of: version, description, target, contract, waivers, load)');
  assert.equal(problem('version: 2\n'), 'gate.yml:1: version must be 1, got 2');
  assert.equal(problem('target:\n  profile: emqx-v5\n'), 'gate.yml:2: target.profile must be one of reference, emqx-v4, emqx-v3, emqx-cloud, got "emqx-v5"');
  assert.equal(problem('load:\n  p95Ms: fast\n'), 'gate.yml:2: load.p95Ms must be a positive number of milliseconds, got "fast"');
  assert.equal(problem('load:\n  p95Ms: 100\n  failedRate: 0\n'), 'gate.yml:3: load.failedRate must be a number above 0 and at most 1 (k6 holds the rate below it, so 0 could never hold), got 0');
  assert.equal(problem('load:\n  checkRate: 1\n'), 'gate.yml:2: load.checkRate must be a number from 0 to below 1 (k6 holds the rate above it, so 1 could never hold), got 1');
  assert.equal(problem('load:\n  maxLossQos1: 1.5\n'), 'gate.yml:2: load.maxLossQos1 must be a number from 0 to 1, got 1.5');
  assert.equal(problem('waivers:\n  endpoint: v4.list_clients\n'), 'gate.yml:2: waivers must be a list of waivers, got a mapping');
  assert.equal(problem('- a\n- b\n'), 'gate.yml:1: the gate file must be a mapping of gate settings, got a list');
});

test('what a schema cannot say: catalog ids, contradicting settings', () => {
  assert.equal(problem(WAIVER('    reason: r\n    owner: o\n    expires: 2027-01-01\n').replace('v4.list_clients', 'v4.list_client')), 'gate.yml:2: waivers[0].endpoint "v4.list_client" is not a catalog endpoint (did you mean v4.list_clients?)');
  assert.equal(problem(WAIVER('    reason: r\n    owner: o\n    expires: 2027-01-01\n').replace('v4.list_clients', 'v9.*')), 'gate.yml:2: waivers[0].endpoint "v9.*" matches no catalog endpoint (ids are in schemas/catalog/)');
  assert.equal(problem('contract:\n  checks: [schema]\n  strictFields: true\n'), 'gate.yml:3: contract.strictFields is true but contract.checks leaves out undocumented-field: add it to checks or drop strictFields');
  assert.equal(problem('contract:\n  checks: [undocumented-field]\n  strictFields: false\n'), 'gate.yml:3: contract.strictFields is false but contract.checks lists undocumented-field: drop one of them');
  assert.match(problem('target:\n  profile: emqx-v4\n  apiVersion: cloud\n'), /^gate.yml:3: target.apiVersion cloud does not go with target.profile emqx-v4/);
});

test('JSON gate files get line numbers too', () => {
  const json = JSON.stringify({ target: { profile: 'reference' }, waivers: [{ endpoint: 'v4.list_clients', check: 'schema', reason: 'r', owner: 'o', expires: 'soon' }] }, null, 2);
  const line = json.split('\n').indexOf('      "expires": "soon"') + 1;
  assert.ok(line > 5);
  assert.equal(problem(json, 'gate.json'), `gate.json:${line}: waivers[0].expires must be a date YYYY-MM-DD, got "soon"`);
  assert.equal(problem('{\n\t"load": {\n\t\t"p95Ms": 100,\n\t\t"p99Ms": -1\n\t}\n}\n', 'gate.json'), 'gate.json:4: load.p99Ms must be a positive number of milliseconds, got -1');
  assert.equal(problem('{\n  "load": {\n    "p95": 100\n  }\n}\n', 'gate.json'), 'gate.json:3: load.p95 is not a gate setting (expected one of: p95Ms, p99Ms, failedRate, codeErrorRate, checkRate, maxLossQos1, minRestToMqttRatio)');
});

test('syntax errors, duplicate keys and empty files are one line with the line', () => {
  assert.match(problem('load:\n  p95Ms: [1\n'), /^gate.yml:\d: not valid YAML or JSON: /);
  assert.match(problem('load:\n  p95Ms: 1\n  p95Ms: 2\n'), /^gate.yml:3: not valid YAML or JSON: Map keys must be unique/);
  assert.match(problem('{\n  "load": {"p95Ms": 1,}\n  "x": 1\n}\n', 'gate.json'), /^gate.json:\d: not valid YAML or JSON: /);
  assert.equal(problem(''), 'gate.yml:1: the gate file is empty (docs/gating.md has a complete example)');
  assert.equal(problem('# only a comment\n'), 'gate.yml:1: the gate file is empty (docs/gating.md has a complete example)');
});

test('several problems: the first in the file is the one reported', () => {
  assert.match(problem('load:\n  p95Ms: -1\ntarget:\n  profile: nope\n'), /^gate.yml:2: load.p95Ms/);
  assert.match(problem('target:\n  profile: nope\nload:\n  p95Ms: -1\n'), /^gate.yml:2: target.profile/);
});

test('loadGateFile: a missing file or a folder is one line naming it', () => {
  assert.throws(() => loadGateFile('/nonexistent/gate.yml'), (e: Error) => e instanceof UsageError && e.message === '--gate /nonexistent/gate.yml: no such file');
  assert.throws(() => loadGateFile(tmpdir()), /is a folder, not a gate file/);
  const dir = mkdtempSync(join(tmpdir(), 'gate-'));
  writeFileSync(join(dir, 'g.yml'), 'target:\n  profile: reference\n');
  assert.deepEqual(loadGateFile(join(dir, 'g.yml')), { file: join(dir, 'g.yml'), gate: { target: { profile: 'reference' } } });
});

test('the example gates and the documented example are valid', () => {
  for (const name of ['reference.yml', 'emqx-v4.4.yml']) {
    const { gate } = loadGateFile(join(REPO_ROOT, 'examples', 'gates', name));
    assert.ok(gate.target?.profile, name);
    for (const w of gate.waivers ?? []) assert.ok(w.expires >= '2027-01-01', `${name}: a waiver of the example expires soon (${w.expires})`);
  }
  const doc = readFileSync(join(REPO_ROOT, 'docs', 'gating.md'), 'utf8');
  const example = /## A complete example\n\n```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
  assert.ok(example, 'docs/gating.md has its complete example');
  const gate = parseGate(example, 'docs/gating.md');
  assert.ok(gate.target && gate.contract && gate.waivers?.length && gate.load, 'the complete example shows every section');
});
