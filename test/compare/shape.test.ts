// Response shapes: what a contract run records about its successful answers (pointer patterns
// and JSON types, never values or ids), how runs merge them, where they land (findings.jsonl →
// collectRun → findings.json `shapes`), and how two shapes are compared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient } from '../../src/api-client.ts';
import { ShapeRecorder } from '../../src/compare/record.ts';
import { ANY_KEY, MAX_POINTERS, isDataKey, mergeRunShapes, mergeShapes, pointerPattern, shapeOf, type Shape } from '../../src/compare/shape.ts';
import { diffShapes } from '../../src/compare/shapes-diff.ts';
import type { RunReport } from '../../src/report/model.ts';
import { findingsJson, writeReport } from '../../src/report/write.ts';
import { collectRun } from '../../src/run-report.ts';
import { resolveTarget } from '../../src/target.ts';
import type { RawResponse, Transport } from '../../src/transport.ts';

const PREFIX = 'hx63abcdxyz';

test('a shape is pointer patterns and JSON types: items collapse to *, data keys to {key}, no value is kept', () => {
  const body = {
    code: 0,
    data: [
      { clientid: `${PREFIX}-c0`, port: 50432, connected: true, load: 0.5, node: 'emqx@127.0.0.1', will: null, tags: [] },
      { clientid: 'other', port: 50433, connected: false, load: 1, node: 'emqx@127.0.0.1', will: { topic: 't' }, tags: ['a'] },
    ],
    meta: { page: 1, limit: 100, count: 2 },
    byNode: { 'emqx@127.0.0.1': { uptime: 3 } },
    added: { [`${PREFIX}-user`]: 'ok' },
  };
  const shape = shapeOf(body, { runPrefix: PREFIX });
  assert.deepEqual(shape, {
    '': ['object'],
    '/code': ['integer'],
    '/data': ['array'],
    '/data/*': ['object'],
    '/data/*/clientid': ['string'],
    '/data/*/port': ['integer'],
    '/data/*/connected': ['boolean'],
    '/data/*/load': ['integer', 'number'],
    '/data/*/node': ['string'],
    '/data/*/will': ['object', 'null'],
    '/data/*/will/topic': ['string'],
    '/data/*/tags': ['array'],
    '/data/*/tags/*': ['string'],
    '/meta': ['object'],
    '/meta/page': ['integer'],
    '/meta/limit': ['integer'],
    '/meta/count': ['integer'],
    '/byNode': ['object'],
    [`/byNode/${ANY_KEY}`]: ['object'],
    [`/byNode/${ANY_KEY}/uptime`]: ['integer'],
    '/added': ['object'],
    [`/added/${ANY_KEY}`]: ['string'],
  });
  const text = JSON.stringify(shape);
  for (const value of [PREFIX, 'emqx@', '50432', 'other']) assert.ok(!text.includes(value), `the shape keeps no value: ${value}`);
});

test('data keys: node names, run prefixes, ids and numbers are data; 3.x metric names with "/" are field names', () => {
  for (const key of ['emqx@127.0.0.1', `${PREFIX}-login`, 'hx9zzzzzz-x', 'rule:0b7f', '127.0.0.1:1883', '42', 'a/#', 'x'.repeat(65)]) assert.ok(isDataKey(key), key);
  for (const key of ['clientid', 'packets/received', 'send_msg.dropped', 'client.auth.anonymous', 'hxfield', '$SYS']) assert.ok(!isDataKey(key), key);
});

test('merging unions the pointers and the types; a free-form answer stays bounded', () => {
  const merged = mergeShapes({ '': ['object'], '/a': ['integer'] }, { '': ['object'], '/a': ['string'], '/b': ['null'] });
  assert.deepEqual(merged, { '': ['object'], '/a': ['string', 'integer'], '/b': ['null'] });
  const runs = mergeRunShapes({ v4: { 'v4.list_clients': { '/a': ['integer'] } } }, { v4: { 'v4.list_clients': { '/b': ['string'] }, 'v4.list_routes': { '': ['object'] } }, v3: {} });
  assert.deepEqual(runs, { v4: { 'v4.list_clients': { '/a': ['integer'], '/b': ['string'] }, 'v4.list_routes': { '': ['object'] } }, v3: {} });
  const huge = Object.fromEntries(Array.from({ length: MAX_POINTERS * 2 }, (_, i) => [`field${i}`, i]));
  assert.equal(Object.keys(shapeOf(huge)).length, MAX_POINTERS);
});

test("a finding's pointer as a pattern: indices are *, data keys {key}", () => {
  assert.equal(pointerPattern('/data/3/port'), '/data/*/port');
  assert.equal(pointerPattern(`/data/${PREFIX}-u1`), `/data/${ANY_KEY}`);
  assert.equal(pointerPattern('/data/0/metrics/packets~1received'), '/data/*/metrics/packets~1received');
  assert.equal(pointerPattern(''), '');
});

test('diff: added, removed, retyped; integer and number are one type; renames differ in case, _, - or . only', () => {
  const a: Shape = { '': ['object'], '/data': ['array'], '/data/*': ['object'], '/data/*/client_id': ['string'], '/data/*/ipaddress': ['string'], '/data/*/port': ['integer'], '/data/*/load': ['integer'], '/data/*/peercert': ['string'] };
  const b: Shape = { '': ['object'], '/data': ['array'], '/data/*': ['object'], '/data/*/clientid': ['string'], '/data/*/ip_address': ['string'], '/data/*/port': ['string'], '/data/*/load': ['number'], '/data/*/mountpoint': ['string', 'null'] };
  const { changes } = diffShapes(a, b);
  assert.deepEqual(
    changes.map((c) => [c.kind, c.from ?? '', c.pointer]),
    [
      ['renamed', '/data/*/client_id', '/data/*/clientid'],
      ['renamed', '/data/*/ipaddress', '/data/*/ip_address'],
      ['retyped', '', '/data/*/port'],
      ['removed', '', '/data/*/peercert'],
      ['added', '', '/data/*/mountpoint'],
    ],
  );
});

test('diff: a list one run saw only empty is not compared; an added object carries what is below it', () => {
  const a: Shape = { '': ['object'], '/data': ['array'] };
  const b: Shape = { '': ['object'], '/data': ['array'], '/data/*': ['object'], '/data/*/x': ['string'], '/meta': ['object'], '/meta/count': ['integer'], '/meta/page': ['integer'] };
  const d = diffShapes(a, b);
  assert.deepEqual(d.changes, [{ kind: 'added', pointer: '/meta', b: ['object'], below: 2 }]);
  assert.equal(d.unobserved, 2);
  assert.deepEqual(diffShapes(b, b).changes, []);
});

function fakeTransport(answers: Record<string, { status?: number; json?: unknown; text?: string }>): Transport {
  return {
    async send(req): Promise<RawResponse> {
      const a = answers[`${req.method} ${new URL(req.url).pathname}`] ?? { status: 404, text: 'Not found.' };
      return a.json !== undefined
        ? { status: a.status ?? 200, headers: { 'content-type': 'application/json' }, text: JSON.stringify(a.json) }
        : { status: a.status ?? 404, headers: { 'content-type': 'text/plain' }, text: a.text ?? '' };
    },
  };
}

test('the recorder keeps successful answers of the endpoint\'s own route only, and hands them over once', async () => {
  const target = resolveTarget({ profile: 'emqx-v4', apiUrl: 'http://127.0.0.1:1/api/v4', appId: 'admin', appSecret: 'public' });
  const api = new ApiClient(
    target,
    fakeTransport({
      'GET /api/v4/clients': { json: { code: 0, data: [{ clientid: 'a', port: 1 }] } },
      'DELETE /api/v4/clients/nobody': { json: { code: 112, message: 'not_found' } },
      'GET /api/v4/nodes': { status: 500, text: 'Internal Error' },
      'GET /api/v4/elsewhere': { json: { code: 0, data: { surprise: true } } },
    }),
  );
  const recorder = new ShapeRecorder(target.apiUrl, PREFIX);
  recorder.record(await api.call('v4.list_clients'));
  recorder.record(await api.call('v4.list_clients'));
  recorder.record(await api.call('v4.kickout_client', { params: { clientid: 'nobody' } })); // code 112: not a success
  recorder.record(await api.call('v4.list_nodes')); // 500
  recorder.record(await api.raw(await import('../../src/catalog.ts').then((c) => c.entryById('v4.list_brokers')), 'GET', 'http://127.0.0.1:1/api/v4/elsewhere'));
  const taken = recorder.take('v4');
  assert.deepEqual(Object.keys(taken?.v4 ?? {}), ['v4.list_clients']);
  assert.deepEqual(taken!.v4!['v4.list_clients']!['/data/*/port'], ['integer']);
  assert.equal(recorder.take('v4'), undefined, 'taken once');
});

test('collectRun merges the workers\' shape lines into findings.json `shapes`; without any the key is absent', () => {
  const dir = mkdtempSync(join(tmpdir(), 'compare-shapes-'));
  try {
    const log = join(dir, 'findings.jsonl');
    appendFileSync(log, `${JSON.stringify({ project: 'v4', test: 't', status: 'passed', findings: [{ endpoint: 'v4.list_clients', check: 'status', verdict: 'pass', message: 'ok' }], timings: [{ endpoint: 'v4.list_clients', ms: 3 }] })}\n`);
    appendFileSync(log, `${JSON.stringify({ shapes: { v4: { 'v4.list_clients': { '': ['object'], '/code': ['integer'] } } } })}\n`);
    appendFileSync(log, `${JSON.stringify({ shapes: { v4: { 'v4.list_clients': { '/data': ['array'] } }, cloud: { 'v4.list_nodes': { '': ['object'] } } } })}\n`);
    const run = collectRun(dir);
    assert.equal(run.findings.length, 1);
    assert.equal(run.timings.length, 1);
    assert.deepEqual(run.shapes, { cloud: { 'v4.list_nodes': { '': ['object'] } }, v4: { 'v4.list_clients': { '': ['object'], '/code': ['integer'], '/data': ['array'] } } });

    const report: RunReport = {
      run: { id: 'r1', target: 'http://x/api/v4', apiVersion: 'v4', profile: 'reference', startedAt: '2026-12-02T10:00:00.000Z', harnessVersion: '0', policy: { mutations: true, disruptive: true } },
      findings: run.findings,
      coverage: [],
      latency: [],
    };
    assert.deepEqual(Object.keys(JSON.parse(findingsJson(report)) as object), ['run', 'findings', 'coverage', 'latency']);
    assert.deepEqual(Object.keys(JSON.parse(findingsJson({ ...report, shapes: run.shapes! })) as object), ['run', 'findings', 'coverage', 'latency', 'shapes']);

  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
