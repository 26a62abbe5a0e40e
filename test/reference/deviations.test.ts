// Every deviation breaks the contract in its one named way, and only under its path prefix.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connectClient, eventually, inbox, sleep, startHarness, subscribe, type Harness } from './helpers.ts';
import { DEVIATIONS, parseDeviation } from '../../reference/deviations.ts';
import { startReferenceBroker } from '../../reference/index.ts';

let h: Harness;
before(async () => {
  h = await startHarness({
    deviations: [
      'drop-field:port@/clients',
      'type-change:recv_oct@/clients',
      'extra-field:surprise@/subscriptions',
      'no-hasnext@/subscriptions',
      'duplicate-across-pages@/routes',
      'omit-meta@/banned',
      'wrong-count:5@/auth_user',
      'nonzero-code:7@/brokers',
      'wrong-status:201@/nodes',
      'missing-endpoint@/stats',
      'flaky-500:3@/metrics',
      'slow:300@/listeners',
      'json-framework-errors@/alarms',
      'drop-publish',
      'ignore-kick',
      'ignore-ban',
    ],
  });
  const c = await h.connect('dev-client');
  for (let i = 0; i < 5; i++) await subscribe(c, `dev/${i}`, 0);
});
after(async () => {
  await h.close();
});

test('drop-field, type-change and extra-field reshape data objects under their prefix only', async () => {
  const c = (await h.api.get('/clients')).json.data[0];
  assert.equal('port' in c, false);
  assert.equal(typeof c.recv_oct, 'string');
  const one = (await h.api.get('/clients/dev-client')).json.data[0];
  assert.equal('port' in one, false, 'the prefix covers /clients/...');
  const s = (await h.api.get('/subscriptions')).json.data[0];
  assert.equal(s.surprise, 'deviation');
  assert.equal('port' in (await h.v3.get('/connections')).json.data[0], true, 'other paths keep the field');
});

test('no-hasnext, omit-meta, wrong-count', async () => {
  const subs = await h.api.get('/subscriptions?_limit=2');
  assert.equal('hasnext' in subs.json.meta, false);
  assert.equal(subs.json.meta.count, 5);
  assert.equal('meta' in (await h.api.get('/banned')).json, false);
  const users = await h.cloud.get('/auth_user');
  assert.equal(users.json.meta.count, 5);
  assert.equal((await h.api.get('/clients')).json.meta.count, 1, 'unaffected elsewhere');
});

test('duplicate-across-pages repeats the last item of page n first on page n+1', async () => {
  const p1 = (await h.api.get('/routes?_page=1&_limit=2')).json.data;
  const p2 = (await h.api.get('/routes?_page=2&_limit=2')).json.data;
  assert.deepEqual(p2[0], p1[1]);
});

test('nonzero-code keeps HTTP 200; wrong-status changes the status', async () => {
  const b = await h.api.get('/brokers');
  assert.equal(b.status, 200);
  assert.equal(b.json.code, 7);
  const n = await h.api.get('/nodes');
  assert.equal(n.status, 201);
  assert.equal(n.json.code, 0);
});

test('missing-endpoint answers 404 Not found. and is not listed; flaky-500 fails every Nth request', async () => {
  const s = await h.api.get('/stats');
  assert.equal(s.status, 404);
  assert.equal(s.text, 'Not found.');
  const listed = (await h.api.get('/')).json.data.map((r: { path: string }) => r.path);
  assert.ok(!listed.includes('/stats/'), 'a missing endpoint is not in the route list');
  assert.ok(listed.includes('/nodes/:node/stats/'), 'other paths stay listed');
  const statuses: number[] = [];
  for (let i = 0; i < 6; i++) statuses.push((await h.api.get('/metrics')).status);
  assert.deepEqual(statuses, [200, 200, 500, 200, 200, 500]);
});

test('slow delays the answer', async () => {
  const t0 = Date.now();
  const r = await h.api.get('/listeners');
  assert.equal(r.status, 200);
  assert.ok(Date.now() - t0 >= 250, 'delayed by the slow deviation');
});

test('json-framework-errors turns 401 and 404 into JSON', async () => {
  const unauth = await h.api.request('GET', '/alarms', undefined, { auth: null });
  assert.equal(unauth.status, 401);
  assert.deepEqual(unauth.json, { code: 401, message: 'UNAUTHORIZED' });
  const nf = await h.api.get('/alarms/nothing/here');
  assert.equal(nf.status, 404);
  assert.deepEqual(nf.json, { code: 404, message: 'Not found.' });
  const plain = await h.api.request('GET', '/clients', undefined, { auth: null });
  assert.equal(plain.text, 'UNAUTHORIZED', 'outside the prefix the 401 stays text');
  assert.equal(plain.json, undefined);
});

test('drop-publish acknowledges but delivers nothing', async () => {
  const c = await h.connect('dev-sink');
  await subscribe(c, 'dropped/#', 0);
  const box = inbox(c);
  assert.deepEqual((await h.api.post('/mqtt/publish', { topic: 'dropped/a', payload: 'x' })).json, { code: 0 });
  assert.deepEqual((await h.api.post('/mqtt/publish_batch', [{ topic: 'dropped/b', payload: 'y' }])).json.data, [{ topic: 'dropped/b', code: 0 }]);
  await box.none(300);
});

test('ignore-kick answers 0 and the client stays connected', async () => {
  const c = await h.connect('dev-unkickable');
  assert.deepEqual((await h.api.delete('/clients/dev-unkickable')).json, { code: 0 });
  await sleep(200);
  assert.equal(c.connected, true);
  assert.equal((await h.api.get('/clients/dev-unkickable')).json.data.length, 1);
});

test('ignore-ban stores the ban but does not refuse CONNECT', async () => {
  assert.equal((await h.api.post('/banned', { who: 'dev-banned', as: 'clientid', reason: 'test' })).json.code, 0);
  assert.equal((await h.api.get('/banned')).json.data.length, 1, 'stored');
  const c = await connectClient(h.broker, 'dev-banned');
  await eventually(() => c.connected);
  c.end(true);
});

test('parsing: unknown names list the valid ones; arguments are checked', async () => {
  assert.throws(() => parseDeviation('no-such-thing'), (e: Error) => {
    for (const name of Object.keys(DEVIATIONS)) assert.ok(e.message.includes(name), name);
    return true;
  });
  assert.throws(() => parseDeviation('drop-field'), /needs an argument/);
  assert.throws(() => parseDeviation('omit-meta:3'), /takes no argument/);
  assert.throws(() => parseDeviation('wrong-status:abc'), /bad argument/);
  assert.throws(() => parseDeviation('slow@clients'), /must start with/);
  assert.deepEqual(parseDeviation('drop-field:port@/clients'), { name: 'drop-field', arg: 'port', prefix: '/clients', hits: 0 });
  await assert.rejects(startReferenceBroker({ httpPort: 0, mqttPort: 0, deviations: ['bogus'] }), /unknown deviation "bogus"; valid: /);
});

test('listed-404: the route stays in the route list but answers 404 Not found.', async () => {
  const b = await startHarness({ deviations: ['listed-404@/routes'] });
  try {
    const listed = (await b.api.get('/')).json.data.map((r: { path: string }) => r.path);
    assert.ok(listed.includes('/routes/') && listed.includes('/routes/:topic'), 'still listed');
    for (const path of ['/routes', '/routes/a%2Fb']) {
      const r = await b.api.get(path);
      assert.deepEqual([r.status, r.contentType, r.text], [404, 'text/plain', 'Not found.'], path);
    }
    assert.equal((await b.api.get('/subscriptions')).status, 200, 'other routes answer');
  } finally {
    await b.close();
  }
});

test('list-500-after-delete: once a DELETE under the prefix succeeded, the listing answers 500', async () => {
  const b = await startHarness({ deviations: ['list-500-after-delete@/rules'] });
  try {
    const mk = async (t: string) => (await b.api.post('/rules', { rawsql: `SELECT * FROM "${t}"`, actions: [] })).json.data.id as string;
    const a = await mk('l/a');
    await mk('l/b');
    assert.equal((await b.api.get('/rules')).json.meta.count, 2, 'fine before any delete');
    assert.deepEqual((await b.api.delete('/rules/rule:ffffffff')).json, { code: 0 }, 'deleting nobody answers 0 too');
    const broken = await b.api.get('/rules');
    assert.deepEqual([broken.status, broken.text], [500, 'Internal Error']);
    assert.equal((await b.api.get('/rules/')).status, 500, 'with a trailing slash too');
    assert.equal((await b.api.get(`/rules/${a}`)).json.code, 0, 'lookups still answer');
    assert.equal((await b.api.get('/resources')).json.code, 0, 'other listings still answer');
  } finally {
    await b.close();
  }
});

test('json-as-text: successful JSON answers are labelled text/plain, the body unchanged', async () => {
  const b = await startHarness({ deviations: ['json-as-text@/brokers'] });
  try {
    const r = await b.api.get('/brokers');
    assert.equal(r.status, 200);
    assert.equal(r.contentType, 'text/plain');
    const body = JSON.parse(r.text);
    assert.equal(body.code, 0);
    assert.equal(body.data[0].node, 'emqx@127.0.0.1');
    assert.equal((await b.api.get('/nodes')).contentType, 'application/json', 'outside the prefix');
    assert.equal((await b.api.get('/brokers/emqx@nowhere')).contentType, 'text/plain', 'framework errors stay text');
  } finally {
    await b.close();
  }
});

test('batch-first-only: publish_batch answers for every item but delivers only the first', async () => {
  const b = await startHarness({ deviations: ['batch-first-only'] });
  try {
    const c = await b.connect('batch-sink');
    await subscribe(c, 'batch/#', 0);
    const box = inbox(c);
    const r = await b.api.post('/mqtt/publish_batch', [
      { topic: 'batch/1', payload: 'one' },
      { topic: 'batch/2', payload: 'two' },
      { topic: 'batch/3', payload: 'three' },
    ]);
    assert.deepEqual(r.json, { code: 0, data: [{ topic: 'batch/1', code: 0 }, { topic: 'batch/2', code: 0 }, { topic: 'batch/3', code: 0 }] });
    assert.equal((await box.next()).payload.toString(), 'one');
    await box.none(300);
    await b.api.post('/mqtt/publish', { topic: 'batch/single', payload: 'single' });
    assert.equal((await box.next()).payload.toString(), 'single', '/mqtt/publish is not affected');
  } finally {
    await b.close();
  }
});
