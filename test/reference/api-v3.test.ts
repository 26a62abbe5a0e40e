// The 3.x API: 3.x field names and shapes over the same live broker, sessions that outlive
// their connection, slashed metrics, plugins gating routes and auth, apps, users, banned, rules.
// The broker emulates its default 3.x release (3.2.0) on /api/v3.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Api, connectClient, eventually, inbox, publish, startHarness, subscribe, type Harness } from './helpers.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

test('GET /api/v3/ lists the index; brokers and nodes in 3.x shape', async () => {
  const index = await h.v3.get('/');
  assert.equal(index.json.code, 0);
  const first = index.json.data[0];
  assert.deepEqual(first, { name: 'list_clientid', method: 'GET', path: '/auth_clientid', descr: 'List available clientid in the cluster' });
  assert.ok(index.json.data.some((r: { path: string }) => r.path === 'nodes/:node/connections/'));
  const brokers = await h.v3.get('/brokers/');
  assert.equal(brokers.json.data[0].version, 'v3.2.0', 'the 3.x API reports its own 3.x release');
  assert.equal((await h.v3.get('/nodes/')).json.data[0].version, 'v3.2.0');
  assert.equal((await h.api.get('/brokers')).json.data[0].version, '4.4.19');
  assert.equal((await h.v3.post('/')).status, 400, 'minirest 3.x answers 400 to any method but GET on its root');
  const one = await h.v3.get('/brokers/emqx@127.0.0.1');
  assert.equal(one.json.data.node, undefined);
  const node = await h.v3.get('/nodes/emqx@127.0.0.1');
  assert.equal(node.json.data.name, 'emqx@127.0.0.1');
  assert.equal(typeof node.json.data.memory_used, 'number');
  assert.equal((await h.v3.get('/nodes/other@host')).status, 404);
});

test('connections use 3.x field names; kick via DELETE /connections/{id}', async () => {
  const c = await h.connect('v3-conn', { username: 'bob' });
  const list = await h.v3.get('/connections/?_page=1&_limit=10000');
  assert.deepEqual(Object.keys(list.json.meta).sort(), ['count', 'limit', 'page']);
  const conn = list.json.data.find((x: { client_id: string }) => x.client_id === 'v3-conn');
  assert.equal(conn.ipaddress, '127.0.0.1');
  assert.equal(conn.conn_mod, 'emqx_connection');
  assert.equal(conn.username, 'bob');
  assert.equal(conn.clientid, undefined);
  assert.equal((await h.v3.get('/connection/username/bob')).json.data[0].client_id, 'v3-conn');
  assert.equal((await h.v3.get('/nodes/emqx@127.0.0.1/connections/v3-conn')).json.data.length, 1);
  const closed = new Promise<void>((r) => c.once('close', () => r()));
  assert.deepEqual((await h.v3.delete('/connections/v3-conn')).json, { code: 0 });
  await closed;
  assert.deepEqual((await h.v3.delete('/connections/v3-conn')).json, { code: 112, message: 'not_found' });
});

test('a persistent session outlives its connection, queues QoS 1 messages, and can be cleaned', async () => {
  let c = await h.connect('v3-persistent', { clean: false });
  await subscribe(c, 'offline/q', 1);
  await c.endAsync();
  await eventually(async () => (await h.v3.get('/connections/v3-persistent')).json.data.length === 0);
  const sessions = (await h.v3.get('/sessions/v3-persistent')).json.data;
  assert.equal(sessions[0].subscriptions_count, 1);
  assert.equal(sessions[0].expiry_interval, 7200);
  const v4 = (await h.api.get('/clients/v3-persistent')).json.data[0];
  assert.equal(v4.connected, false);
  assert.match(v4.disconnected_at, /^\d{4}-/);
  assert.equal((await h.api.get('/clients?conn_state=disconnected')).json.data.length, 1);

  await h.api.post('/mqtt/publish', { topic: 'offline/q', payload: 'while away', qos: 1 });
  c = await connectClient(h.broker, 'v3-persistent', { clean: false });
  const box = inbox(c);
  assert.equal((await box.next()).payload.toString(), 'while away');
  assert.equal((await h.api.get('/clients/v3-persistent')).json.data[0].connected, true);
  const stats = (await h.v3.get('/nodes/emqx@127.0.0.1/stats/')).json.data;
  assert.ok(stats['sessions/persistent/count'] >= 1);
  await c.endAsync();

  await eventually(async () => (await h.api.get('/clients/v3-persistent')).json.data[0]?.connected === false);
  assert.deepEqual((await h.v3.delete('/sessions/persistent/v3-persistent')).json, { code: 0 });
  assert.deepEqual((await h.v3.get('/sessions/v3-persistent')).json.data, []);
});

test('subscriptions, routes, publish and subscribe with client_id', async () => {
  const c = await h.connect('v3-sub');
  const box = inbox(c);
  assert.deepEqual((await h.v3.post('/mqtt/subscribe', { topic: 'v3/t', qos: 1, client_id: 'v3-sub' })).json, { code: 0 });
  const subs = await h.v3.get('/subscriptions/v3-sub');
  assert.deepEqual(subs.json.data, [{ topic: 'v3/t', qos: 1, node: 'emqx@127.0.0.1', client_id: 'v3-sub' }]);
  assert.equal((await h.v3.get('/routes/v3%2Ft')).json.data.length, 1);
  assert.deepEqual((await h.v3.post('/mqtt/publish', { topic: 'v3/t', payload: 'hello', qos: 1, retain: false, client_id: 'x' })).json, { code: 0 });
  assert.equal((await box.next()).payload.toString(), 'hello');
  assert.deepEqual((await h.v3.post('/mqtt/unsubscribe', { topic: 'v3/t', client_id: 'v3-sub' })).json, { code: 0 });
  await h.v3.post('/mqtt/publish', { topic: 'v3/t', payload: 'gone', client_id: 'x' });
  await box.none(200);
  const bad = await h.v3.post('/mqtt/publish', { topic: '', payload: 'x', client_id: 'x' });
  assert.equal(bad.status, 500, '3.x crashes on a topic emqx_topic:validate raises for');
  assert.deepEqual((await h.v3.post('/mqtt/publish', { topic: 'v3/#', payload: 'x', client_id: 'x' })).json, { code: 115, message: 'bad_topic' }, 'a wildcard name is dropped before 3.2.3');
  assert.equal((await h.v3.post('/mqtt/publish', { topic: 'v3/t', payload: 'x', qos: 3 })).status, 500, 'emqx_message:make guards the QoS (3.1+)');
  assert.deepEqual((await h.v3.post('/mqtt/subscribe', { topic: 'v3/t', qos: 0, client_id: 'nobody' })).json, { code: 112, message: 'session_not_found' });
});

test('metrics use slashed names and move; stats are flat per node', async () => {
  const before = (await h.v3.get('/metrics/')).json.data[0].metrics;
  assert.ok('messages/received' in before && 'packets/connect' in before && 'bytes/received' in before);
  const c = await h.connect('v3-metrics');
  await publish(c, 'm/x', 'y', { qos: 1 });
  const after = await eventually(async () => {
    const m = (await h.v3.get('/nodes/emqx@127.0.0.1/metrics/')).json.data;
    return m['messages/received'] > before['messages/received'] ? m : undefined;
  });
  assert.equal(after['packets/connect'], before['packets/connect'] + 1);
  assert.equal(after['messages/qos1/received'], before['messages/qos1/received'] + 1);
  const stats = (await h.v3.get('/stats/')).json.data[0];
  assert.equal(stats.node, 'emqx@127.0.0.1');
  assert.ok(stats['connections/count'] >= 1);
});

test('plugins: load an active plugin → already_started (no code from 3.1); unloading a plugin removes its routes', async () => {
  const plugins = (await h.v3.get('/plugins/')).json.data[0].plugins;
  const re = plugins.find((p: { name: string }) => p.name === 'emqx_rule_engine');
  assert.equal(re.active, true);
  assert.deepEqual((await h.v3.put('/nodes/emqx@127.0.0.1/plugins/emqx_recon/load')).json, { message: 'already_started' });
  assert.deepEqual((await h.v3.put('/nodes/emqx@127.0.0.1/plugins/emqx_auth_clientid/unload')).json, { code: 0 });
  const gone = await h.v3.get('/auth_clientid');
  assert.equal(gone.status, 404);
  assert.equal(gone.text, 'Not found.');
  assert.deepEqual((await h.v3.put('/nodes/emqx@127.0.0.1/plugins/emqx_auth_clientid/unload')).json, { message: 'not_started' });
  assert.deepEqual((await h.v3.put('/nodes/emqx@127.0.0.1/plugins/emqx_auth_clientid/load')).json, { code: 0 });
  assert.equal((await h.v3.get('/auth_clientid')).json.code, 0);
  assert.deepEqual((await h.v3.put('/nodes/emqx@127.0.0.1/plugins/emqx_web_hook/reload')).json, { message: 'not_started' });
  const nodePlugins = (await h.v3.get('/nodes/emqx@127.0.0.1/plugins/')).json.data;
  assert.equal(nodePlugins.find((p: { name: string }) => p.name === 'emqx_auth_clientid').active, true);
});

test('auth_clientid / auth_username: known ids must match their password, others stay anonymous', async () => {
  assert.deepEqual((await h.v3.post('/auth_clientid', { clientid: 'locked-id', password: 'pw1' })).json, { code: 0 });
  assert.deepEqual((await h.v3.get('/auth_clientid')).json.data, ['locked-id']);
  assert.equal((await h.v3.get('/auth_clientid/locked-id')).json.data.clientid, 'locked-id');
  await assert.rejects(connectClient(h.broker, 'locked-id', { username: 'u', password: 'wrong' }), /Bad username or password/i);
  (await connectClient(h.broker, 'locked-id', { username: 'u', password: 'pw1' })).end(true);
  (await connectClient(h.broker, 'free-id')).end(true);

  await h.v3.post('/auth_username', { username: 'carol', password: 'pw2' });
  await assert.rejects(connectClient(h.broker, 'carol-client', { username: 'carol', password: 'x' }), /Bad username or password/i);
  (await connectClient(h.broker, 'carol-client', { username: 'carol', password: 'pw2' })).end(true);
  await h.v3.put('/auth_username/carol', { password: 'pw3' });
  (await connectClient(h.broker, 'carol-client', { username: 'carol', password: 'pw3' })).end(true);
  await h.v3.delete('/auth_username/carol');
  await h.v3.delete('/auth_clientid/locked-id');
  (await connectClient(h.broker, 'locked-id')).end(true);
});

test('apps: CRUD as the dashboard listener serves it; an enabled app can call both APIs, a disabled one cannot', async () => {
  const listing = (await h.v3.get('/')).json.data as Array<{ name: string; method: string; path: string }>;
  for (const name of ['add_app', 'del_app', 'list_apps', 'lookup_app', 'update_app']) assert.ok(listing.some((r) => r.name === name), `${name} listed`);

  // the configured credentials are the default app
  const initial = (await h.v3.get('/apps/')).json;
  assert.equal(initial.code, 0);
  assert.ok(initial.data.some((a: { app_id: string; status: boolean }) => a.app_id === h.broker.appId && a.status === true));

  const add = await h.v3.post('/apps/', { app_id: 'tester', name: 'Tester', secret: 's3cret', desc: 'test app', status: true });
  assert.deepEqual(add.json, { code: 0, data: { secret: 's3cret' } });
  assert.deepEqual((await h.v3.post('/apps/', { app_id: 'tester', secret: 'other' })).json, { message: 'alread_existed' });
  assert.deepEqual((await h.v3.post('/apps/', { name: 'no id' })).json, { message: 'app_id' });
  assert.deepEqual((await h.v3.get('/apps/tester')).json, {
    code: 0,
    data: { app_id: 'tester', secret: 's3cret', name: 'Tester', desc: 'test app', status: true, expired: 'undefined' },
  });
  assert.deepEqual((await h.v3.get('/apps/nobody')).json, { code: 0, data: {} }, 'return({ok, #{}}) for an unknown id');
  assert.ok((await h.v3.get('/apps/')).json.data.some((a: { app_id: string }) => a.app_id === 'tester'));

  // the app's credentials are accepted on both API versions
  const asApp = new Api(h.broker.apiUrl('v4'), 'tester:s3cret');
  const asAppV3 = new Api(h.broker.apiUrl('v3'), 'tester:s3cret');
  assert.equal((await asApp.get('/brokers')).status, 200);
  assert.equal((await asAppV3.get('/brokers/')).status, 200);
  assert.equal((await new Api(h.broker.apiUrl('v4'), 'tester:wrong').get('/brokers')).status, 401);

  // update: name/desc/status/expired; a disabled or expired app is locked out
  assert.deepEqual((await h.v3.put('/apps/tester', { name: 'Renamed', desc: 'changed' })).json, { code: 0 });
  assert.equal((await h.v3.get('/apps/tester')).json.data.name, 'Renamed');
  assert.deepEqual((await h.v3.put('/apps/nobody', { name: 'x' })).json, { message: 'not_found' });
  assert.deepEqual((await h.v3.put('/apps/tester', { status: false })).json, { code: 0 });
  assert.equal((await asApp.get('/brokers')).status, 401);
  assert.equal((await asAppV3.get('/brokers/')).status, 401);
  await h.v3.put('/apps/tester', { status: true });
  assert.equal((await asApp.get('/brokers')).status, 200);
  await h.v3.put('/apps/tester', { expired: Math.floor(Date.now() / 1000) - 60 });
  assert.equal((await asApp.get('/brokers')).status, 401, 'an expired app is refused');
  await h.v3.put('/apps/tester', { expired: Math.floor(Date.now() / 1000) + 3600 });
  assert.equal((await asApp.get('/brokers')).status, 200);

  // a secret is generated when none is given
  const gen = await h.v3.post('/apps/', { app_id: 'generated' });
  assert.equal(gen.json.code, 0);
  assert.match(gen.json.data.secret, /^\S{8,}$/);
  assert.equal((await new Api(h.broker.apiUrl('v4'), `generated:${gen.json.data.secret}`).get('/brokers')).status, 200);

  // delete
  for (const id of ['tester', 'generated']) assert.deepEqual((await h.v3.delete(`/apps/${id}`)).json, { code: 0 });
  assert.deepEqual((await h.v3.get('/apps/tester')).json, { code: 0, data: {} });
  assert.equal((await asApp.get('/brokers')).status, 401);
  assert.equal((await h.api.get('/apps')).status, 404, 'the 4.x API does not route /apps');
});

test('dashboard users, /auth and change_pwd', async () => {
  assert.deepEqual((await h.v3.post('/auth', { username: 'admin', password: 'public' })).json, { code: 0 });
  assert.equal((await h.v3.post('/auth', { username: 'admin', password: 'nope' })).json.code, 103);
  assert.deepEqual((await h.v3.post('/users/', { username: 'ops', password: 'pw', tags: 'viewer' })).json, { code: 0 });
  assert.equal((await h.v3.post('/users/', { username: 'ops', password: 'pw', tags: 'viewer' })).json.code, 113);
  assert.ok((await h.v3.get('/users/')).json.data.some((u: { username: string }) => u.username === 'ops'));
  assert.equal((await h.v3.put('/change_pwd/ops', { old_pwd: 'bad', new_pwd: 'x' })).json.code, 114);
  assert.deepEqual((await h.v3.put('/change_pwd/ops', { old_pwd: 'pw', new_pwd: 'pw2' })).json, { code: 0 });
  assert.deepEqual((await h.v3.post('/auth', { username: 'ops', password: 'pw2' })).json, { code: 0 });
  assert.equal((await h.v3.delete('/users/admin')).json.code, 106);
  assert.deepEqual((await h.v3.delete('/users/ops')).json, { code: 0 });
});

test('configs, plugin configs, alarms', async () => {
  const configs = (await h.v3.get('/configs/')).json.data[0];
  assert.equal(configs.node, 'emqx@127.0.0.1');
  const entry = configs.config.find((c: { key: string }) => c.key === 'acl_nomatch');
  assert.deepEqual(Object.keys(entry).sort(), ['app', 'datatpye', 'key', 'value']);
  assert.deepEqual((await h.v3.put('/configs/emqx', { key: 'acl_nomatch', value: 'deny' })).json, { code: 0 });
  const nodeCfg = (await h.v3.get('/nodes/emqx@127.0.0.1/configs/')).json.data;
  assert.equal(nodeCfg.find((c: { key: string }) => c.key === 'acl_nomatch').value, 'deny');
  const pc = (await h.v3.get('/nodes/emqx@127.0.0.1/plugin_configs/emqx_management')).json.data;
  assert.ok(pc.some((c: { key: string }) => c.key === 'management.max_row_limit'));
  assert.deepEqual((await h.v3.put('/nodes/emqx@127.0.0.1/plugin_configs/emqx_management', { 'management.max_row_limit': '500' })).json, { code: 0 });
  assert.deepEqual((await h.v3.get('/alarms/present')).json.data, [{ alarms: [], node: 'emqx@127.0.0.1' }]);
  assert.deepEqual((await h.v3.get('/alarms/history/emqx@127.0.0.1')).json.data, []);
});

test('banned (3.x): as client_id, delete with ?as=', async () => {
  const created = await h.v3.post('/banned/', { who: 'mqttjs_ab9069449e', as: 'client_id', reason: 'banned the clientId', desc: 'normal banned', until: Math.floor(Date.now() / 1000) + 60 });
  assert.equal(created.json.data.as, 'client_id');
  await assert.rejects(connectClient(h.broker, 'mqttjs_ab9069449e'), /Not authorized/i);
  const list = await h.v3.get('/banned/?_page=1&_limit=10000');
  assert.deepEqual(Object.keys(list.json.meta).sort(), ['count', 'limit', 'page']);
  assert.deepEqual((await h.v3.delete('/banned/mqttjs_ab9069449e?as=client_id')).json, { code: 0 });
  (await connectClient(h.broker, 'mqttjs_ab9069449e')).end(true);

  // emqx_mgmt_api_banned 3.x: fixed messages per action, only the 3.x spellings of `as`
  assert.deepEqual((await h.v3.post('/banned/', { who: 'x' })).json, { code: 107, message: "missing mandatory params: ['who', 'as']" });
  assert.deepEqual((await h.v3.post('/banned/', { who: 'x', as: 'clientid' })).json, { code: 108, message: "value of 'as' must be one of: ['client_id', 'username', 'ip_address']" });
  assert.deepEqual((await h.v3.delete('/banned/x')).json, { code: 107, message: "missing mandatory params: ['as']" });
  assert.equal((await h.v3.post('/banned/', { who: 'not-an-ip', as: 'ip_address' })).status, 500, 'inet:parse_address badmatch');
});

test('3.x rules: named rules with built_in actions republish; actions filter by hook', async () => {
  const created = await h.v3.post('/rules', {
    name: 'test-rule',
    for: 'message.publish',
    rawsql: 'select * from "t3/a"',
    actions: [{ name: 'built_in:republish_action', params: { target_topic: 't3/out' } }],
    description: 'test-rule',
  });
  assert.equal(created.json.code, 0);
  assert.match(created.json.data.id, /^test-rule:\d+$/);
  assert.equal(created.json.data.for, 'message.publish');
  const c = await h.connect('v3-rule-sink');
  await subscribe(c, 't3/out', 0);
  const box = inbox(c);
  await h.v3.post('/mqtt/publish', { topic: 't3/a', payload: 'ping', client_id: 'x' });
  assert.equal((await box.next()).payload.toString(), 'ping');
  assert.equal((await h.v3.get('/rules')).json.data.length, 1);
  assert.equal((await h.v3.get(`/rules/${created.json.data.id}`)).json.data.name, 'test-rule');
  const forConnected = await h.v3.get('/actions?for=client.connected');
  assert.deepEqual(forConnected.json.data.map((a: { name: string }) => a.name), ['built_in:inspect_action']);
  assert.equal((await h.v3.get('/actions/built_in:inspect_action')).json.data.type, 'built_in');
  const types = await h.v3.get('/resource_types/built_in/actions');
  assert.ok(types.json.data.length >= 2);
  const res = await h.v3.post('/resources', { name: 'test-resource', type: 'built_in', config: { a: 1 }, description: 'test-resource' });
  assert.deepEqual(res.json.data, { attrs: 'undefined', config: { a: 1 }, description: 'test-resource', id: 'built_in:test-resource', name: 'test-resource', type: 'built_in' });
  assert.equal((await h.v3.get('/resource_types/built_in/resources')).json.data.length, 1);
  assert.deepEqual((await h.v3.get('/resource_status/built_in:test-resource')).json, { code: 0, data: { is_alive: true } });
  assert.deepEqual((await h.v3.delete('/resources/built_in:test-resource')).json, { code: 0 });
  assert.deepEqual((await h.v3.delete(`/rules/${created.json.data.id}`)).json, { code: 0 });
});
