// The rule engine: CRUD with generated ids, `for` from the SQL, republish that really
// republishes, WHERE, metrics, resources (a web_hook resource posting to a local server).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually, inbox, publish, startHarness, subscribe, type Harness } from './helpers.ts';

let h: Harness;
let hook: Server;
const hookBodies: string[] = [];

before(async () => {
  h = await startHarness();
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      hookBodies.push(body);
      res.end('ok');
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
});
after(async () => {
  await h.close();
  await new Promise((r) => hook.close(r));
});

test('a republish rule republishes matching messages, with metrics', async () => {
  const created = await h.api.post('/rules', {
    rawsql: 'SELECT * FROM "src/#", "other/+"',
    actions: [{ name: 'republish', params: { target_topic: 'dst/${topic}', payload_tmpl: 'got ${payload} from ${clientid}' } }],
    description: 'test-rule',
  });
  assert.equal(created.json.code, 0);
  const rule = created.json.data;
  assert.match(rule.id, /^rule:[0-9a-f]{8}$/);
  assert.deepEqual(rule.for, ['src/#', 'other/+']);
  assert.equal(rule.enabled, true);
  assert.match(rule.actions[0].id, /^republish_\d+$/);
  assert.deepEqual(rule.metrics[0], { speed_max: 0, speed_last5m: 0, speed: 0, node: 'emqx@127.0.0.1', matched: 0 });

  const sub = await h.connect('rule-sink');
  await subscribe(sub, 'dst/#', 0);
  const box = inbox(sub);
  const pub = await h.connect('rule-source');
  await publish(pub, 'src/a', 'hello', { qos: 1 });
  const m = await box.next();
  assert.equal(m.topic, 'dst/src/a');
  assert.equal(m.payload.toString(), 'got hello from rule-source');
  await publish(pub, 'unrelated', 'x');
  await box.none(200);

  const shown = await eventually(async () => {
    const r = await h.api.get(`/rules/${rule.id}`);
    return r.json.data.metrics[0].matched === 1 ? r.json.data : undefined;
  });
  assert.equal(shown.actions[0].metrics[0].success, 1);
  const metrics = (await h.api.get('/metrics')).json.data[0].metrics;
  assert.equal(metrics['rules.matched'], 1);
  assert.equal(metrics['actions.success'], 1);

  const list = await h.api.get('/rules');
  assert.equal(list.json.meta.count, 1);
  assert.equal(list.json.meta.hasnext, false);

  const disabled = await h.api.put(`/rules/${rule.id}`, { enabled: false });
  assert.equal(disabled.json.data.enabled, false);
  await publish(pub, 'src/b', 'ignored');
  await box.none(200);

  const updated = await h.api.put(`/rules/${rule.id}`, { rawsql: 'SELECT payload FROM "other2/#" WHERE payload.level > 3', enabled: true });
  assert.deepEqual(updated.json.data.for, ['other2/#']);
  await publish(pub, 'other2/x', '{"level": 1}');
  await publish(pub, 'other2/x', '{"level": 5}');
  const filtered = await box.next();
  assert.equal(filtered.payload.toString(), 'got {"level": 5} from ');
  await box.none(200);

  assert.deepEqual((await h.api.delete(`/rules/${rule.id}`)).json, { code: 0 });
  assert.deepEqual((await h.api.get(`/rules/${rule.id}`)).json, { code: 404, message: 'Not Found' });
  await publish(pub, 'other2/x', '{"level": 9}');
  await box.none(200);
});

test('rule errors follow emqx_rule_engine_api', async () => {
  assert.deepEqual((await h.api.post('/rules', { rawsql: 'SELECT * FROM "t/a"', actions: [{ name: 'no_such_action', params: {} }] })).json, {
    code: 400,
    message: 'Action no_such_action Not Found',
  });
  const bad = await h.api.post('/rules', { rawsql: 'SELEC nothing', actions: [] });
  assert.equal(bad.json.code, 400);
  assert.match(bad.json.message, /^Bad Arguments: /);
  assert.deepEqual((await h.api.put('/rules/rule:00000000', { enabled: false })).json, { code: 400, message: 'Rule rule:00000000 Not Found' });
  const test1 = await h.api.post('/rules', { rawsql: 'SELECT topic FROM "t/#"', actions: [], test: true, ctx: { topic: 't/x' } });
  assert.deepEqual(test1.json, { code: 0, data: { topic: 't/x' } });
});

test('actions and resource types are listed; web_hook resources are created and really called', async () => {
  const actions = await h.api.get('/actions');
  const names = actions.json.data.map((a: { name: string }) => a.name);
  for (const n of ['inspect', 'do_nothing', 'republish']) assert.ok(names.includes(n), n);
  const inspect = await h.api.get('/actions/inspect');
  assert.deepEqual(inspect.json.data.title, { zh: '检查 (调试)', en: 'Inspect (debug)' });
  assert.equal(inspect.json.data.for, '$any');
  const unknownAction = await h.api.get('/actions/nope');
  assert.equal(unknownAction.status, 404, 'an :atom: binding that cannot be converted is a minirest 404');
  assert.equal(unknownAction.text, 'Not found.');
  assert.equal((await h.api.get('/resource_types/nope')).text, 'Not found.');

  const types = await h.api.get('/resource_types');
  assert.ok(types.json.data.some((t: { name: string }) => t.name === 'web_hook'));
  const wh = await h.api.get('/resource_types/web_hook');
  assert.equal(wh.json.data.provider, 'emqx_web_hook');

  const port = (hook.address() as AddressInfo).port;
  const res = await h.api.post('/resources', { type: 'web_hook', config: { url: `http://127.0.0.1:${port}/hook`, method: 'POST', headers: {} }, description: 'hook' });
  assert.equal(res.json.code, 0);
  assert.match(res.json.data.id, /^resource:[0-9a-f]{8}$/);
  const id = res.json.data.id;
  const shown = await h.api.get(`/resources/${id}`);
  assert.deepEqual(shown.json.data.status, [{ node: 'emqx@127.0.0.1', is_alive: true }]);
  assert.equal((await h.api.get('/resources')).json.data.length, 1);
  assert.deepEqual((await h.api.post('/resources', { type: 'nope', config: {} })).json, { code: 400, message: 'Resource Type nope Not Found' });

  const rule = await h.api.post('/rules', { rawsql: 'SELECT clientid, payload FROM "hook/#"', actions: [{ name: 'data_to_webserver', params: { $resource: id } }] });
  assert.equal(rule.json.code, 0);
  const dep = await h.api.delete(`/resources/${id}`);
  assert.equal(dep.json.code, 400, 'a resource used by a rule cannot be deleted');
  await h.api.post('/mqtt/publish', { topic: 'hook/1', payload: 'to the web', clientid: 'api-client' });
  await eventually(() => hookBodies.length === 1);
  assert.deepEqual(JSON.parse(hookBodies[0]!), { clientid: 'api-client', payload: 'to the web' });

  await h.api.delete(`/rules/${rule.json.data.id}`);
  assert.deepEqual((await h.api.delete(`/resources/${id}`)).json, { code: 0 });
  assert.deepEqual((await h.api.get(`/resources/${id}`)).json, { code: 404, message: 'Not Found' });
  const events = await h.api.get('/rule_events');
  assert.ok(events.json.data.some((e: { event: string }) => e.event === 'message.publish'));
});

test('rule listing filters give count -1 and pages are newest first', async () => {
  const a = await h.api.post('/rules', { rawsql: 'SELECT * FROM "f/a"', actions: [{ name: 'do_nothing', params: {} }], description: 'alpha' });
  const b = await h.api.post('/rules', { rawsql: 'SELECT * FROM "f/b"', actions: [{ name: 'inspect', params: {} }], description: 'beta', enabled: false });
  const all = await h.api.get('/rules');
  assert.deepEqual(all.json.data.slice(0, 2).map((r: { id: string }) => r.id), [b.json.data.id, a.json.data.id]);
  const disabled = await h.api.get('/rules?enabled=false');
  assert.equal(disabled.json.meta.count, -1);
  assert.deepEqual(disabled.json.data.map((r: { id: string }) => r.id), [b.json.data.id]);
  const like = await h.api.get('/rules?_like_description=alp');
  assert.deepEqual(like.json.data.map((r: { id: string }) => r.id), [a.json.data.id]);
  const match = await h.api.get(`/rules?_match_for=${encodeURIComponent('f/#')}`);
  assert.equal(match.json.data.length, 2);
});
