// Comparing contract runs on made-up findings: the identity of a finding (never its message),
// each kind of change, the gate, API versions paired by meaning, and the behaviour a release
// changed without any verdict changing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { catalog } from '../../src/catalog.ts';
import { compareRuns } from '../../src/compare/compare.ts';
import { compareContractRuns } from '../../src/compare/contract.ts';
import { compareMarkdown } from '../../src/compare/markdown.ts';
import type { ContractChangeKind } from '../../src/compare/model.ts';
import { RENAMED, allPairs, counterpart, pairTargets } from '../../src/compare/pairs.ts';
import type { RunShapes, Shape } from '../../src/compare/shape.ts';
import type { Finding } from '../../src/findings.ts';
import type { RunReport } from '../../src/report/model.ts';

function run(id: string, findings: Finding[], extra: { apiVersion?: string; emqxVersion?: string; shapes?: RunShapes } = {}): RunReport {
  return {
    run: {
      id,
      target: 'http://127.0.0.1:8081/api/v4',
      apiVersion: extra.apiVersion ?? 'v4',
      emqxVersion: extra.emqxVersion ?? '4.4.19',
      profile: 'reference',
      startedAt: '2026-12-02T10:00:00.000Z',
      harnessVersion: '0.1.0',
      policy: { mutations: true, disruptive: true },
    },
    findings,
    coverage: [],
    latency: [],
    ...(extra.shapes ? { shapes: extra.shapes } : {}),
  };
}

const f = (endpoint: string, check: Finding['check'], verdict: Finding['verdict'], extra: Partial<Finding> = {}): Finding => ({
  endpoint,
  check,
  verdict,
  target: endpoint.startsWith('v3.') ? 'v3' : 'v4',
  message: `${endpoint} ${check} ${verdict} ${Math.random().toString(36).slice(2)}`,
  ...extra,
});

const kinds = (a: RunReport, b: RunReport): [ContractChangeKind, string, string, string][] =>
  compareContractRuns(a, b).comparison.changes.map((c) => [c.kind, c.endpoint, c.check, c.pointer ?? '']);

test('the identity never includes the message: the same checks with run-specific messages change nothing', () => {
  const findings = (prefix: string): Finding[] => [
    f('v4.lookup_client', 'semantics', 'pass', { message: `GET /api/v4/clients/${prefix}-c0 has what it sent in CONNECT` }),
    f('v4.list_clients', 'schema', 'fail', { pointer: '/data/3/port', message: `GET /clients?_page=1 data[3].port (${prefix}-c3)`, expected: 'integer', actual: '"5"' }),
    f('v4.list_clients', 'undocumented-field', 'fail', { pointer: '/data/0/mountpoint', message: `${prefix} mountpoint` }),
  ];
  const a = run('a', findings('hx63aaaaaaa'));
  // other clients at other indices, the same field
  const b = run('b', findings('hx63bbbbbbb').map((x) => (x.pointer === '/data/3/port' ? { ...x, pointer: '/data/7/port' } : x)));
  assert.deepEqual(kinds(a, b), []);
  assert.equal(compareRuns({ kind: 'contract', report: a, source: 'a' }, { kind: 'contract', report: b, source: 'b' }).gate.verdict, 'pass');
});

test('newly failing gates; fixed is newly passing or no longer failing; more failures over list items are content, not a change', () => {
  const a = run('a', [
    f('v4.kickout_client', 'semantics', 'pass'),
    f('v4.list_clients', 'schema', 'fail', { pointer: '/data/0/port' }),
    f('v4.list_routes', 'schema', 'fail', { pointer: '/meta/count' }),
    f('v4.list_nodes', 'schema', 'fail', { pointer: '/data/0/uptime' }),
    f('v4.list_nodes', 'negative', 'fail', { pointer: '/code' }),
  ]);
  const b = run('b', [
    f('v4.kickout_client', 'semantics', 'fail', { pointer: '/code', expected: '0', actual: '112' }),
    f('v4.list_clients', 'schema', 'fail', { pointer: '/data/0/port' }),
    f('v4.list_clients', 'schema', 'fail', { pointer: '/data/1/port' }),
    f('v4.list_clients', 'schema', 'fail', { pointer: '/data/2/port' }),
    f('v4.list_routes', 'schema', 'pass'),
    f('v4.list_nodes', 'schema', 'skipped', { reason: 'no node' }),
    f('v4.list_nodes', 'negative', 'fail', { pointer: '/code' }),
    f('v4.list_nodes', 'negative', 'fail', { pointer: '/code' }), // a second negative case failing at the same pointer
  ]);
  assert.deepEqual(kinds(a, b), [
    ['newly-failing', 'v4.list_nodes', 'negative', '/code'],
    ['newly-failing', 'v4.kickout_client', 'semantics', '/code'],
    ['newly-passing', 'v4.list_routes', 'schema', '/meta/count'],
    ['no-longer-failing', 'v4.list_nodes', 'schema', '/data/*/uptime'],
  ]);
  const report = compareRuns({ kind: 'contract', report: a, source: 'a' }, { kind: 'contract', report: b, source: 'b' });
  assert.equal(report.gate.verdict, 'fail');
  assert.deepEqual(report.gate.reasons, ['2 newly failing checks']);
  const kick = report.contract!.changes.find((c) => c.endpoint === 'v4.kickout_client')!;
  assert.deepEqual([kick.a, kick.b, kick.example?.expected, kick.example?.actual], [{ pass: 1 }, { fail: 1 }, '0', '112']);
  assert.match(compareMarkdown(report), /#### ✗ Newly failing \(2\)[\s\S]*`DELETE \/clients\/\{clientid\}`\s*\|\s*semantics\s*\|\s*`code`/);
});

test('not implemented, known deviations, undocumented fields and skips, each both ways', () => {
  const a = run('a', [
    f('v4.list_acl_rules', 'status', 'not-implemented'),
    f('v4.list_auth_users', 'status', 'pass'),
    f('v4.list_all_metrics', 'schema', 'known-deviation', { pointer: '/data/0/metrics/rules.matched', erratum: 'v4.metrics-keys-of-later-releases' }),
    f('v4.list_clients', 'undocumented-field', 'fail', { pointer: '/data/0/mountpoint' }),
    f('v4.list_banned', 'semantics', 'pass'),
    f('v4.create_rule', 'semantics', 'skipped', { reason: 'not allowed' }),
  ]);
  const b = run('b', [
    f('v4.list_acl_rules', 'status', 'pass'),
    f('v4.list_auth_users', 'status', 'not-implemented'),
    f('v4.list_all_metrics', 'schema', 'pass'),
    f('v4.list_nodes', 'schema', 'known-deviation', { pointer: '/data/0/memory_total' }),
    f('v4.list_clients', 'undocumented-field', 'pass'),
    f('v4.list_routes', 'undocumented-field', 'fail', { pointer: '/data/0/extra' }),
    f('v4.list_banned', 'semantics', 'skipped', { reason: 'changes broker state; not allowed on this target (--allow-mutations)' }),
    f('v4.create_rule', 'semantics', 'pass'),
  ]);
  const got = kinds(a, b).map(([k, e]) => `${k} ${e}`).sort();
  assert.deepEqual(got, [
    'known-deviation-appeared v4.list_nodes',
    'known-deviation-gone v4.list_all_metrics',
    'newly-not-implemented v4.list_auth_users',
    'newly-skipped v4.list_banned',
    'no-longer-not-implemented v4.list_acl_rules',
    'no-longer-skipped v4.create_rule',
    'undocumented-field-appeared v4.list_routes',
    'undocumented-field-gone v4.list_clients',
  ]);
  const report = compareRuns({ kind: 'contract', report: a, source: 'a' }, { kind: 'contract', report: b, source: 'b' });
  assert.equal(report.gate.verdict, 'pass', 'none of these fails the comparison');
  const skipped = report.contract!.changes.find((c) => c.kind === 'newly-skipped')!;
  assert.match(skipped.example!.reason!, /--allow-mutations/);
});

test('3.x and 4.x pair by path, or by meaning where 4.x renamed the resource', () => {
  assert.equal(counterpart('v3.list_connections', 'v4'), 'v4.list_clients');
  assert.equal(counterpart('v4.list_clients', 'v3'), 'v3.list_connections');
  assert.equal(counterpart('v3.show_rule', 'v4'), 'v4.show_rule', 'GET /rules/{id} is GET /rules/{rule_id}');
  assert.equal(counterpart('v3.lookup_client_subscriptions_with_node', 'v4'), 'v4.lookup_node_client_subscriptions');
  assert.equal(counterpart('v3.list_sessions', 'v4'), undefined, '4.x merged sessions into clients: no one counterpart');
  assert.equal(counterpart('v4.mqtt_publish_batch', 'v3'), undefined);
  const v3 = new Set(catalog('v3').map((e) => e.id));
  const v4 = new Set(catalog('v4').map((e) => e.id));
  for (const [from, to] of Object.entries(RENAMED)) assert.ok(v3.has(from) && v4.has(to), `${from} → ${to} names catalog endpoints`);
  const pairs = allPairs();
  assert.equal(new Set(pairs.map(([, b]) => b)).size, pairs.length, 'each 4.x endpoint has at most one 3.x counterpart');
  assert.deepEqual(pairTargets(['v3'], ['v4']), { pairs: [{ a: 'v3', b: 'v4', crossVersion: true }], onlyA: [], onlyB: [] });
  assert.deepEqual(pairTargets(['v4', 'cloud', 'v3'], ['v4']), { pairs: [{ a: 'v4', b: 'v4', crossVersion: false }], onlyA: ['cloud', 'v3'], onlyB: [] });
});

test('a 3.x run against a 4.x run: the shapes of /connections and /clients show the renamed fields', () => {
  const conn: Shape = { '': ['object'], '/data': ['array'], '/data/*': ['object'], '/data/*/client_id': ['string'], '/data/*/ipaddress': ['string'], '/data/*/port': ['integer'] };
  const client: Shape = { '': ['object'], '/data': ['array'], '/data/*': ['object'], '/data/*/clientid': ['string'], '/data/*/ip_address': ['string'], '/data/*/port': ['integer'] };
  const a = run('a', [f('v3.list_connections', 'schema', 'pass')], { apiVersion: 'v3', emqxVersion: '3.2.0', shapes: { v3: { 'v3.list_connections': { ...conn }, 'v3.list_sessions': { '': ['object'] } } } });
  const b = run('b', [f('v4.list_clients', 'schema', 'pass')], { shapes: { v4: { 'v4.list_clients': { ...client } } } });
  const { comparison, notes } = compareContractRuns(a, b);
  assert.deepEqual(comparison.changes, [], 'the paired checks passed in both');
  assert.equal(comparison.shapes.length, 1);
  const d = comparison.shapes[0]!;
  assert.deepEqual([d.targetA, d.target, d.endpointA, d.endpoint, d.requestA, d.request], ['v3', 'v4', 'v3.list_connections', 'v4.list_clients', 'GET /connections', 'GET /clients']);
  assert.deepEqual(
    d.changes.map((c) => `${c.kind} ${c.from} ${c.pointer}`),
    ['renamed /data/*/client_id /data/*/clientid', 'renamed /data/*/ipaddress /data/*/ip_address'],
  );
  assert.ok(notes.some((n) => /Target v3 of A is compared with target v4 of B/.test(n)));
  assert.ok(comparison.shapeNotes.some((n) => /only in A[^:]*: v3 GET \/sessions/.test(n)));
  const md = compareMarkdown(compareRuns({ kind: 'contract', report: a, source: 'a' }, { kind: 'contract', report: b, source: 'b' }));
  assert.match(md, /#### v3 `GET \/connections` → v4 `GET \/clients`/);
  assert.match(md, /→ renamed\s*\|\s*`data\[\*\]\.client_id` → `data\[\*\]\.clientid`/);
  assert.match(md, /→ renamed\s*\|\s*`data\[\*\]\.ipaddress` → `data\[\*\]\.ip_address`/);
});

test('behaviour a release changed: held in both runs, not confirmed when a case failed or did not all run', () => {
  const kick = (verdicts: Finding['verdict'][]): Finding[] => verdicts.map((v) => f('v4.kickout_client', 'negative', v, v === 'fail' ? { pointer: '/code' } : {}));
  const a = run('a', kick(['pass', 'pass', 'pass']), { emqxVersion: '4.3.8' });
  const b = run('b', kick(['pass', 'pass', 'pass']));
  const changes = compareContractRuns(a, b).comparison.behaviour;
  const kickUnknown = changes.find((c) => c.expectation === 'v4.kickout_client.unknown-client');
  assert.ok(kickUnknown, JSON.stringify(changes));
  assert.deepEqual([kickUnknown.a, kickUnknown.b, kickUnknown.held], [
    { release: '4.3.8', answer: 'HTTP 200 {"code":112,"message":"not_found"}' },
    { release: '4.4.19', answer: 'HTTP 200 {"code":0}' },
    true,
  ]);
  assert.equal(changes.length, 1, 'only endpoints whose negative checks ran in both runs');

  const failed = compareContractRuns(a, run('b', kick(['pass', 'pass', 'fail']))).comparison.behaviour[0]!;
  assert.equal(failed.held, false);
  assert.match(failed.note!, /B: a negative check of this endpoint failed/);
  const partial = compareContractRuns(a, run('b', kick(['pass']))).comparison.behaviour[0]!;
  assert.match(partial.note!, /not every negative case of this endpoint ran/);
  const skippedCase = run('b', [...kick(['pass', 'pass']), f('v4.kickout_client', 'negative', 'skipped', { reason: 'v4.kickout_client.unknown-client: the release is unknown' })]);
  assert.deepEqual(compareContractRuns(a, skippedCase).comparison.behaviour, [], 'a case skipped by name did not run');
  assert.deepEqual(compareContractRuns(b, run('b2', kick(['pass', 'pass', 'pass']))).comparison.behaviour, [], 'one release: nothing to say');
});

test('runs without shapes say so instead of comparing nothing', () => {
  const { comparison } = compareContractRuns(run('a', []), run('b', [], { shapes: { v4: {} } }));
  assert.deepEqual(comparison.shapes, []);
  assert.match(comparison.shapeNotes.join(' '), /^A recorded no response shapes/);
});
