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
    // 4.4.19 requires target_qos (emqx_rule_actions: required, reported before target_topic)
    actions: [{ name: 'republish', params: { target_topic: 'dst/${topic}', target_qos: 0, payload_tmpl: 'got ${payload} from ${clientid}' } }],
    description: 'test-rule',
  });
  assert.equal(created.json.code, 0);
  const rule = created.json.data;
  assert.match(rule.id, /^rule:[0-9a-f]{8}$/);
  assert.deepEqual(rule.for, ['src/#', 'other/+']);
  assert.equal(rule.enabled, true);
  assert.match(rule.actions[0].id, /^republish_\d+$/);
  // as a real 4.4.19 answers (observed): defaults filled into the params, on_action_failed,
  // created_at, fallbacks, and the detailed metrics
  assert.deepEqual(rule.actions[0].params, { target_topic: 'dst/${topic}', target_retain: false, target_qos: 0, payload_tmpl: 'got ${payload} from ${clientid}' });
  assert.deepEqual(Object.keys(rule), ['rawsql', 'on_action_failed', 'metrics', 'id', 'for', 'enabled', 'description', 'created_at', 'actions']);
  assert.equal(rule.on_action_failed, 'continue');
  assert.ok(Math.abs(rule.created_at - Date.now()) < 10_000);
  assert.deepEqual(rule.actions[0].fallbacks, []);
  assert.deepEqual(rule.actions[0].metrics[0], { taken: 0, success: 0, node: 'emqx@127.0.0.1', failed: 0 });
  assert.deepEqual(rule.metrics[0], { speed_max: 0, speed_last5m: 0, speed: 0, passed: 0, node: 'emqx@127.0.0.1', no_result: 0, matched: 0, failed: 0, exception: 0 });

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
  // 4.4 has no global rule counters in /metrics (emqx_rule_metrics overall_metrics went in 4.3.12)
  assert.equal('rules.matched' in metrics, false);
  assert.equal('actions.success' in metrics, false);

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

test('rule errors follow emqx_rule_engine_api (as 4.4.19 answers them)', async () => {
  // binary_to_existing_atom of an unknown action name, a missing rawsql or actions, a
  // non-boolean enabled, an unknown on_action_failed: the API crashes (observed)
  for (const body of [
    { rawsql: 'SELECT * FROM "t/a"', actions: [{ name: 'no_such_action', params: {} }] },
    { actions: [] },
    { rawsql: 'SELECT * FROM "t/a"' },
    { rawsql: 'SELECT * FROM "t/a"', actions: [], enabled: 'yes' },
    { rawsql: 'SELECT * FROM "t/a"', actions: [], on_action_failed: 'nah' },
    { rawsql: 'SELECT * FROM "t/a"', actions: 'x' },
  ]) {
    const r = await h.api.post('/rules', body);
    assert.deepEqual([r.status, r.text], [500, 'Internal Error'], JSON.stringify(body));
  }
  assert.deepEqual((await h.api.post('/rules', { rawsql: 'SELECT * FROM "t/a"', actions: [{ name: 'republish', params: {} }] })).json, {
    code: 400,
    message: 'Bad Arguments: {required_field_missing,<<"target_qos">>}',
  });
  assert.deepEqual((await h.api.post('/rules', { rawsql: 'SELECT * FROM "t/a"', actions: [{ name: 'data_to_webserver', params: {} }] })).json, {
    code: 400,
    message: 'Bad Arguments: {required_field_missing,<<"$resource">>}',
  });
  // a web_hook action whose resource is missing: the rule is made, disabled (4.4.12+)
  const orphan = await h.api.post('/rules', { rawsql: 'SELECT * FROM "t/a"', actions: [{ name: 'data_to_webserver', params: { $resource: 'resource:none' } }] });
  assert.equal(orphan.json.data.enabled, false);
  assert.deepEqual(orphan.json.data.actions[0].params, { path: '', method: 'POST', headers: { 'content-type': 'application/json' }, body: '', $resource: 'resource:none' });
  await h.api.delete(`/rules/${orphan.json.data.id}`);
  const bad = await h.api.post('/rules', { rawsql: 'SELEC nothing', actions: [] });
  assert.equal(bad.json.code, 400);
  assert.match(bad.json.message, /^Bad Arguments: \{parse_error,/);
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
  // 4.4.19's definitions: category, republish's params typed as arrays (observed)
  const republish = actions.json.data.find((a: { name: string }) => a.name === 'republish');
  assert.equal(republish.category, 'data_forward');
  assert.deepEqual(republish.params.target_qos.type, ['number', 'string']);
  assert.deepEqual(republish.params.target_retain.type, ['boolean', 'string']);
  assert.equal(republish.params.payload_tmpl.type, 'string');
  assert.deepEqual(Object.keys(republish), ['types', 'title', 'params', 'name', 'for', 'description', 'category', 'app']);
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
  // the config comes back with the type's defaults filled in (observed on 4.4.19)
  assert.deepEqual(res.json.data.config, {
    verify: false,
    url: `http://127.0.0.1:${port}/hook`,
    request_timeout: '5s',
    pool_size: 8,
    method: 'POST',
    keyfile: '',
    headers: {},
    enable_pipelining: true,
    connect_timeout: '5s',
    certfile: '',
    cacertfile: '',
  });
  assert.deepEqual(Object.keys(res.json.data.config), ['verify', 'url', 'request_timeout', 'pool_size', 'method', 'keyfile', 'headers', 'enable_pipelining', 'connect_timeout', 'certfile', 'cacertfile']);
  assert.deepEqual((await h.api.get(`/resource_status/${res.json.data.id}`)).json, { code: 0, data: { is_alive: true } });
  const id = res.json.data.id;
  const shown = await h.api.get(`/resources/${id}`);
  assert.deepEqual(shown.json.data.status, [{ node: 'emqx@127.0.0.1', is_alive: true }]);
  const listed = (await h.api.get('/resources')).json.data;
  assert.equal(listed.length, 1);
  assert.equal(listed[0].status, true, 'list_resources/2 adds each resource\'s status (4.3+)');
  assert.deepEqual((await h.api.post('/resources', { type: 'nope', config: {} })).json, { code: 400, message: 'Bad Arguments: {resource_type_not_found,<<"nope">>}' });
  for (const body of [{ type: 'web_hook', config: {} }, { config: { url: 'http://127.0.0.1:9' } }]) {
    assert.equal((await h.api.post('/resources', body)).status, 500, JSON.stringify(body));
  }
  // a resource whose URL doesn't answer is made, but never initialised: no status
  const dead = await h.api.post('/resources', { type: 'web_hook', config: { url: 'http://127.0.0.1:9' } });
  assert.equal(dead.json.code, 0);
  assert.deepEqual((await h.api.get(`/resource_status/${dead.json.data.id}`)).json, { code: 400, message: `Resource ${dead.json.data.id} Not Found` });
  // updating or starting it re-initialises it: refused while the URL is down, nothing changes
  const upd = await h.api.put(`/resources/${dead.json.data.id}`, { description: 'changed' });
  assert.match(upd.json.message, /^Bad Arguments: \{error,\{init_resource,\[\{\{emqx_web_hook_actions,on_resource_create\},\{error,\{error,check_http_connectivity_failed\}/);
  assert.equal((await h.api.get(`/resources/${dead.json.data.id}`)).json.data.description, '');
  const start = await h.api.post(`/resources/${dead.json.data.id}`, {});
  assert.match(start.json.message, /^Bad Arguments: \{\{emqx_web_hook_actions,on_resource_create\},\{error,\{error,check_http_connectivity_failed\}/);
  assert.equal((await h.api.put('/resources/resource:none', 'x')).status, 500, 'the body is read before the lookup');
  assert.deepEqual((await h.api.put(`/resources/${id}`, { description: 'moved', config: { url: `http://127.0.0.1:${port}/hook2` } })).json, { code: 0 });
  assert.deepEqual((await h.api.delete(`/resources/${dead.json.data.id}`)).json, { code: 0 });

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
  assert.equal(events.json.data.length, 11, '4.4.19 lists 11 events');
  assert.equal(events.json.data[0].event, '$events/message_publish');
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
