// The 4.x API against live MQTT traffic: framework errors, route listing, clients, kick,
// subscriptions and routes, publish / subscribe over REST, listeners, metrics and stats.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, inbox, publish, rawHttp, startHarness, subscribe, type Harness } from './helpers.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

test('framework errors are text/plain: 401 with WWW-Authenticate, 404, 400', async () => {
  const noAuth = await h.api.request('GET', '/clients', undefined, { auth: null });
  assert.equal(noAuth.status, 401);
  assert.equal(noAuth.headers.get('content-type'), null, "minirest's 401 names no Content-Type");
  assert.equal(noAuth.text, 'UNAUTHORIZED');
  assert.equal(noAuth.headers.get('www-authenticate'), 'Basic Realm="minirest-server"');
  const wrong = await h.api.request('GET', '/clients', undefined, { auth: 'admin:nope' });
  assert.equal(wrong.status, 401);

  const unknownRoute = await h.api.get('/no/such/route');
  assert.equal(unknownRoute.status, 404);
  assert.match(unknownRoute.contentType, /^text\/plain/);
  assert.equal(unknownRoute.text, 'Not found.');

  const unknownNode = await h.api.get('/nodes/emqx@10.0.0.1/clients');
  assert.equal(unknownNode.status, 404);
  assert.equal(unknownNode.text, 'Not found.');
  assert.equal((await h.api.get('/brokers/nobody@nowhere')).status, 404);

  const notJson = await h.api.request('POST', '/mqtt/publish', undefined, { rawBody: '{"topic": ' });
  assert.equal(notJson.status, 400);
  assert.match(notJson.contentType, /^text\/plain/);
  assert.equal(notJson.text, 'Bad Request');

  // a JSON scalar is valid JSON: minirest hands it to the handler (observed on 4.4.19)
  for (const scalar of ['"{not json"', '123', 'null', 'true']) {
    const pub = await h.api.request('POST', '/mqtt/publish', undefined, { rawBody: scalar });
    assert.deepEqual([pub.status, pub.json], [200, { code: 108, message: 'bad_params' }], `publish ${scalar}`);
    for (const path of ['/mqtt/publish_batch', '/mqtt/subscribe', '/mqtt/unsubscribe', '/mqtt/subscribe_batch', '/mqtt/unsubscribe_batch', '/rules', '/resources', '/banned', '/alarms/deactivated']) {
      const r = await h.api.request('POST', path, undefined, { rawBody: scalar });
      assert.deepEqual([r.status, r.contentType, r.text], [500, 'text/plain', 'Internal Error'], `${path} ${scalar}`);
    }
  }
  // a GET with a body that is not JSON is a 400 as well (parse_params reads any body)
  assert.equal((await rawHttp(`${h.api.base}/clients`, 'GET', '{not json')).status, 400);
  // any method but GET on the API root is minirest's 400
  for (const m of ['POST', 'PUT', 'DELETE']) assert.deepEqual([(await h.api.request(m, '/')).status, (await h.api.request(m, '/')).text], [400, 'Bad Request']);

  const badPage = await h.api.get('/clients?_page=abc');
  assert.equal(badPage.status, 500);
  assert.equal(badPage.text, 'Internal Error');
});

test('GET /status needs no auth and /api/v4 lists routes from the route table', async () => {
  const status = await fetch(`http://127.0.0.1:${h.broker.httpPort}/status`);
  assert.equal(status.status, 200);
  assert.match(await status.text(), /is running/);
  const index = await h.api.get('');
  assert.equal(index.json.code, 0);
  const names = new Set(index.json.data.map((r: { name: string }) => r.name));
  for (const n of ['list_clients', 'kickout_client', 'mqtt_publish_batch', 'list_routes', 'create_rule']) assert.ok(names.has(n), n);
  for (const r of index.json.data) assert.deepEqual(Object.keys(r), ['path', 'name', 'method', 'descr']);
  // the list as a real 4.4.19 prints it: binding types removed by minirest's format_path (which
  // also turns /banned/:as/:who into /banned/:who), some paths without a leading slash
  const paths = new Map(index.json.data.map((r: { method: string; name: string; path: string }) => [`${r.method} ${r.name}`, r.path]));
  assert.equal(paths.get('GET list_node_clients'), 'nodes/:node/clients/');
  assert.equal(paths.get('GET lookup_client'), '/clients/:clientid');
  assert.equal(paths.get('GET list_all_metrics'), '/metrics');
  assert.equal(paths.get('GET list_node_metrics'), '/nodes/:node/metrics');
  assert.equal(paths.get('GET list_stats'), '/stats/');
  assert.equal(paths.get('DELETE delete_banned'), '/banned/:who');
  assert.equal(paths.get('GET list_node_alarms'), 'nodes/:node/alarms');
  assert.ok(index.json.data.every((r: { path: string }) => !/:(atom|bin|int):/.test(r.path)));
  assert.equal(paths.get('GET list_auth_user'), undefined, 'a Cloud API');
});

test('answers are printed as EMQX prints them: envelope key order, server header, 404 bytes', async () => {
  const page = await h.api.get('/clients?_limit=1');
  assert.deepEqual(Object.keys(page.json), ['meta', 'data', 'code']);
  assert.deepEqual(Object.keys((await h.api.post('/mqtt/publish', {})).json), ['message', 'code']);
  const nf = await h.api.get('/no/such/route');
  assert.equal(nf.headers.get('server'), 'Cowboy');
  assert.equal(nf.headers.get('content-type'), 'text/plain');
  assert.equal(nf.headers.get('content-length'), '10');
  assert.equal(nf.text, 'Not found.');
  // an :atom: binding is looked up as written: a percent-encoded node name is no node
  assert.equal((await h.api.get('/nodes/emqx%40127.0.0.1')).status, 404);
  assert.equal((await h.api.get('/nodes/emqx@127.0.0.1')).status, 200);
});

test('4.4.19 items: clients, nodes, brokers, listeners, stats and metrics carry the keys a real 4.4.19 shows', async () => {
  const c = await h.connect('shape-probe', { username: 'shape-user' });
  await subscribe(c, 'shape/t', 1);
  const client = (await h.api.get('/clients/shape-probe')).json.data[0];
  assert.equal(client.mountpoint, 'undefined');
  for (const k of ['recv_msg.qos0', 'recv_msg.qos1', 'recv_msg.qos2', 'recv_msg.dropped', 'send_msg.qos0', 'send_msg.qos1', 'send_msg.qos2', 'send_msg.dropped', 'send_msg.dropped.expired', 'send_msg.dropped.queue_full', 'send_msg.dropped.too_large']) {
    assert.equal(typeof client[k], 'number', k);
  }
  assert.ok(!('recv_msg.dropped.expired' in client), 'listed by the API, never set by the channel');
  const node = (await h.api.get('/nodes/emqx@127.0.0.1')).json.data;
  assert.equal(typeof node.live_connections, 'number');
  assert.equal(typeof node.connections, 'number');
  assert.equal((await h.api.get('/brokers')).json.data[0].sysdescr, 'EMQX Broker');
  const listeners = (await h.api.get('/listeners')).json.data[0].listeners;
  const mqttL = listeners.find((l: { protocol: string }) => l.protocol === 'mqtt:tcp');
  assert.equal(mqttL.identifier, 'mqtt:tcp:external');
  const mgmt = listeners.find((l: { protocol: string }) => l.protocol === 'http:management');
  assert.equal(mgmt.listen_on, `127.0.0.1:${h.broker.httpPort}`);
  assert.ok(!('identifier' in mgmt));
  const stats = await eventually(async () => {
    const s = (await h.api.get('/stats')).json.data[0].stats;
    return s['live_connections.count'] >= 1 ? s : undefined;
  });
  for (const k of ['live_connections.count', 'live_connections.max', 'connections.count', 'channels.count']) assert.equal(typeof stats[k], 'number', k);
  for (const k of ['rules.count', 'actions.count', 'resources.count']) assert.ok(!(k in stats), `${k} left the stats in 4.3.4`);
  const metrics = (await h.api.get('/metrics')).json.data[0].metrics;
  for (const k of ['actions.failure', 'actions.success', 'client.auth.anonymous', 'messages.dropped.expired', 'rules.matched']) assert.ok(!(k in metrics), `${k} is not in 4.4.19's /metrics`);
  for (const k of ['client.acl.allow', 'client.acl.deny', 'client.acl.cache_hit', 'client.auth.success', 'client.auth.success.anonymous', 'client.auth.failure', 'messages.dropped.await_pubrel_timeout']) assert.equal(typeof metrics[k], 'number', k);
  assert.ok(metrics['client.auth.success.anonymous'] >= 1);
  assert.ok(metrics['client.acl.allow'] >= 1);
  assert.deepEqual(Object.keys((await h.api.get('/nodes/emqx@127.0.0.1/metrics')).json.data).sort(), Object.keys(metrics).sort());
  await c.endAsync();
});

test('brokers and nodes report the configured node and version', async () => {
  const brokers = await h.api.get('/brokers');
  assert.equal(brokers.json.data[0].node, 'emqx@127.0.0.1');
  assert.equal(brokers.json.data[0].version, '4.4.19');
  const one = await h.api.get('/brokers/emqx@127.0.0.1');
  assert.equal(one.json.data.node_status, 'Running');
  const nodes = await h.api.get('/nodes');
  assert.match(nodes.json.data[0].memory_total, /[KMG]$/);
  const node = await h.api.get('/nodes/emqx@127.0.0.1');
  assert.equal(typeof node.json.data.memory_total, 'number');
});

test('clients are listed from real connections with real counters; lookups and kick', async () => {
  const c = await h.connect('v4-client-a', { username: 'alice', keepalive: 42 });
  await subscribe(c, 'counters/#', 1);
  await publish(c, 'counters/x', 'hello', { qos: 1 });
  const found = await eventually(async () => {
    const r = await h.api.get('/clients/v4-client-a');
    return r.json.data[0]?.recv_msg === 1 ? r.json.data[0] : undefined;
  });
  assert.equal(found.clientid, 'v4-client-a');
  assert.equal(found.username, 'alice');
  assert.equal(found.keepalive, 42);
  assert.equal(found.proto_name, 'MQTT');
  assert.equal(found.proto_ver, 4);
  assert.equal(found.ip_address, '127.0.0.1');
  assert.equal(found.zone, 'external');
  assert.equal(found.node, 'emqx@127.0.0.1');
  assert.equal(found.clean_start, true);
  assert.equal(found.connected, true);
  assert.equal(found.subscriptions_cnt, 1);
  assert.ok(found.recv_oct > 0 && found.send_oct > 0);
  assert.ok(found.recv_pkt >= 3, 'CONNECT, SUBSCRIBE, PUBLISH');
  assert.ok(found.send_pkt >= 3, 'CONNACK, SUBACK, PUBACK (+ the PUBLISH back)');
  assert.match(found.connected_at, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);

  const byUser = await h.api.get('/clients/username/alice');
  assert.deepEqual(byUser.json.data.map((x: { clientid: string }) => x.clientid), ['v4-client-a']);
  const byNodeUser = await h.api.get('/nodes/emqx@127.0.0.1/clients/username/alice');
  assert.equal(byNodeUser.json.data.length, 1);
  const nodeLookup = await h.api.get('/nodes/emqx@127.0.0.1/clients/v4-client-a');
  assert.equal(nodeLookup.json.data[0].clientid, 'v4-client-a');
  assert.deepEqual((await h.api.get('/clients/nobody')).json, { code: 0, data: [] });

  const closed = new Promise<void>((resolve) => c.once('close', () => resolve()));
  const kick = await h.api.delete('/clients/v4-client-a');
  assert.deepEqual(kick.json, { code: 0 });
  await closed;
  await eventually(async () => (await h.api.get('/clients/v4-client-a')).json.data.length === 0);
});

test('client ids with reserved characters are percent-decoded once in the path', async () => {
  await h.connect('a/b c+d%e');
  const r = await h.api.get(`/clients/${encodeURIComponent('a/b c+d%e')}`);
  assert.equal(r.json.data[0]?.clientid, 'a/b c+d%e');
});

test('subscriptions and routes come from real subscriptions, including wildcards and $share', async () => {
  const c = await h.connect('v4-subscriber');
  await subscribe(c, 'a/b/c', 1);
  await subscribe(c, 'a/+/c', 0);
  await subscribe(c, '$share/g1/shared/t', 1);
  const subs = await eventually(async () => {
    const r = await h.api.get('/subscriptions/v4-subscriber');
    return r.json.data.length === 3 ? r.json.data : undefined;
  });
  assert.deepEqual(
    subs.map((s: { topic: string; qos: number }) => `${s.topic}@${s.qos}`).sort(),
    ['$share/g1/shared/t@1', 'a/+/c@0', 'a/b/c@1'],
  );
  const route = await h.api.get('/routes/a%2Fb%2Fc');
  assert.deepEqual(route.json.data, [{ topic: 'a/b/c', node: 'emqx@127.0.0.1' }]);
  const sharedRoute = await h.api.get(`/routes/${encodeURIComponent('shared/t')}`);
  assert.equal(sharedRoute.json.data.length, 1, 'a shared subscription routes its real topic');
  const routes = await h.api.get('/routes');
  assert.ok(routes.json.data.some((r: { topic: string }) => r.topic === 'a/+/c'));
  assert.equal(routes.json.meta.hasnext, undefined, '/routes never has hasnext');
  const shareOnly = await h.api.get('/subscriptions?share=g1');
  assert.equal(shareOnly.json.meta.count, -1);
  assert.deepEqual(shareOnly.json.data.map((s: { topic: string }) => s.topic), ['$share/g1/shared/t']);
  const nodeSubs = await h.api.get('/nodes/emqx@127.0.0.1/subscriptions/v4-subscriber');
  assert.equal(nodeSubs.json.data.length, 3);
});

test('shared subscriptions deliver each message to one member of the group', async () => {
  const m1 = await h.connect('share-m1');
  const m2 = await h.connect('share-m2');
  await subscribe(m1, '$share/grp/jobs/+', 1);
  await subscribe(m2, '$share/grp/jobs/+', 1);
  const in1 = inbox(m1);
  const in2 = inbox(m2);
  for (let i = 0; i < 6; i++) await h.api.post('/mqtt/publish', { topic: `jobs/${i}`, payload: String(i), qos: 1 });
  await eventually(() => in1.messages.length + in2.messages.length === 6);
  assert.ok(in1.messages.length > 0 && in2.messages.length > 0, 'round-robin reaches both members');
  assert.equal(in1.messages[0]!.topic.startsWith('jobs/'), true);
});

test('REST publish reaches real subscribers: topic, topics, qos 0/1/2, retain, base64, msgid', async () => {
  const sub = await h.connect('pub-target');
  await subscribe(sub, 'pub/#', 2);
  const box = inbox(sub);

  assert.deepEqual((await h.api.post('/mqtt/publish', { topic: 'pub/a', payload: 'plain', clientid: 'api' })).json, { code: 0 });
  let m = await box.next();
  assert.equal(m.topic, 'pub/a');
  assert.equal(m.payload.toString(), 'plain');
  assert.equal(m.qos, 0);

  for (const qos of [1, 2] as const) {
    await h.api.post('/mqtt/publish', { topic: `pub/q${qos}`, payload: 'x', qos });
    m = await box.next();
    assert.equal(m.topic, `pub/q${qos}`);
    assert.equal(m.qos, qos);
  }

  await h.api.post('/mqtt/publish', { topic: 'pub/b64', payload: Buffer.from('binary\u0000data').toString('base64'), encoding: 'base64' });
  m = await box.next();
  assert.equal(m.payload.toString(), 'binary\u0000data');

  const multi = await h.api.post('/mqtt/publish', { topics: 'pub/t1,pub/t2,bad/#', payload: 'many', return: true });
  assert.equal(multi.json.code, 0);
  assert.equal(multi.json.data.msgids.length, 2, 'the invalid topic is dropped');
  const got = [(await box.next()).topic, (await box.next()).topic].sort();
  assert.deepEqual(got, ['pub/t1', 'pub/t2']);

  const one = await h.api.post('/mqtt/publish', { topic: 'pub/ret', payload: 'kept', retain: true, return: true });
  assert.match(one.json.data.msgid, /^[0-9A-F]{32}$/, 'an emqx_guid as 4.4.19 prints it');
  await box.next();
  const late = await h.connect('pub-late');
  const lateBox = inbox(late);
  await subscribe(late, 'pub/ret', 0);
  m = await lateBox.next();
  assert.equal(m.retain, true);
  assert.equal(m.payload.toString(), 'kept');
  // /stats is emqx_stats' snapshot, refreshed every second
  await eventually(async () => (await h.api.get('/stats')).json.data[0].stats['retained.count'] >= 1);

  assert.deepEqual((await h.api.post('/mqtt/publish', { topic: 'bad/+', payload: 'x' })).json, { code: 115, message: 'bad_topic' });
  for (const qos of [3, -1, '1', 1.5]) {
    const r = await h.api.post('/mqtt/publish', { topic: 'pub/q', payload: 'x', qos });
    assert.equal(r.status, 500, `qos ${JSON.stringify(qos)} fails emqx_message:make's guard`);
    assert.equal(r.text, 'Internal Error');
  }
  assert.equal((await h.api.post('/mqtt/publish_batch', [{ topic: 'pub/a', payload: 'x' }, { topic: 'pub/b', payload: 'x', qos: 3 }])).status, 500);
  await box.next();
  await box.none(100);
  assert.deepEqual((await h.api.post('/mqtt/publish', { topic: 'x', payload: '%%%', encoding: 'base64' })).json, { code: 108, message: 'bad_params' });
});

test('publish_batch answers a per-item data list in input order', async () => {
  const sub = await h.connect('batch-target');
  await subscribe(sub, 'batch/#', 1);
  const box = inbox(sub);
  const r = await h.api.post('/mqtt/publish_batch', [
    { topic: 'batch/1', payload: 'one', qos: 1 },
    { topic: 'batch/#', payload: 'bad' },
    { topic: 5, payload: 'crash' },
    { topics: 'batch/2,batch/3', payload: 'two' },
  ]);
  assert.equal(r.json.code, 0);
  assert.deepEqual(r.json.data, [
    { topic: 'batch/1', code: 0 },
    { topic: 'batch/#', code: 115 },
    { code: 108, message: 'bad_params' },
    { topic: 'batch/2,batch/3', code: 0 },
  ]);
  await eventually(() => box.messages.length === 3);
  assert.deepEqual(box.messages.map((m) => m.topic).sort(), ['batch/1', 'batch/2', 'batch/3']);
});

test('REST subscribe makes a connected client receive; unsubscribe stops it; batches too', async () => {
  const c = await h.connect('rest-sub');
  const box = inbox(c);
  assert.deepEqual((await h.api.post('/mqtt/subscribe', { topics: 'rs/a,rs/b', qos: 1, clientid: 'rest-sub' })).json, { code: 0 });
  // EMQX answers before the channel has subscribed (emqx_mgmt:do_subscribe sends it a message)
  const topicsOf = async () => (await h.api.get('/subscriptions/rest-sub')).json.data.map((x: { topic: string }) => x.topic).sort().join(',');
  await eventually(async () => (await topicsOf()) === 'rs/a,rs/b');
  await h.api.post('/mqtt/publish', { topic: 'rs/b', payload: 'hi', qos: 1 });
  const m = await box.next();
  assert.equal(m.topic, 'rs/b');
  assert.equal(m.qos, 1);
  const subs = await h.api.get('/subscriptions?clientid=rest-sub');
  assert.equal(subs.json.data.length, 2);
  assert.equal(subs.json.meta.count, -1);

  assert.deepEqual((await h.api.post('/mqtt/unsubscribe', { topic: 'rs/b', clientid: 'rest-sub' })).json, { code: 0 });
  await eventually(async () => (await topicsOf()) === 'rs/a');
  await h.api.post('/mqtt/publish', { topic: 'rs/b', payload: 'gone' });
  await box.none(250);

  const sb = await h.api.post('/mqtt/subscribe_batch', [
    { topic: 'rsb/1', qos: 0, clientid: 'rest-sub' },
    { topic: 'rsb/2', qos: 0, clientid: 'nobody-here' },
  ]);
  assert.deepEqual(sb.json.data, [
    { clientid: 'rest-sub', topic: 'rsb/1', code: 0 },
    { clientid: 'nobody-here', topic: 'rsb/2', code: 112 },
  ]);
  await eventually(async () => (await topicsOf()) === 'rs/a,rsb/1');
  await h.api.post('/mqtt/publish', { topic: 'rsb/1', payload: 'b' });
  assert.equal((await box.next()).topic, 'rsb/1');
  const ub = await h.api.post('/mqtt/unsubscribe_batch', [{ topic: 'rsb/1', clientid: 'rest-sub' }]);
  assert.deepEqual(ub.json.data, [{ clientid: 'rest-sub', topic: 'rsb/1', code: 0 }]);
  await eventually(async () => (await topicsOf()) === 'rs/a');
  await h.api.post('/mqtt/publish', { topic: 'rsb/1', payload: 'c' });
  await box.none(250);

  assert.deepEqual((await h.api.post('/mqtt/subscribe', { topic: 'x', clientid: 'not-connected' })).json, { code: 112, message: 'channel_not_found' });
  assert.deepEqual((await h.api.post('/mqtt/subscribe', { topic: 'x', qos: 3, clientid: 'rest-sub' })).json, { code: 116, message: 'bad_qos' });
  assert.deepEqual((await h.api.post('/mqtt/subscribe', { topic: 'x', clientid: 42 })).json, { code: 108, message: 'bad clientid: must be string' });
});

test('listeners show the real MQTT listener with current connections', async () => {
  const before = (await h.api.get('/listeners')).json.data[0].listeners.find((l: { protocol: string }) => l.protocol === 'mqtt:tcp');
  assert.equal(before.listen_on, `127.0.0.1:${h.broker.mqttPort}`);
  const c = await h.connect('listener-probe');
  const after = (await h.api.get('/nodes/emqx@127.0.0.1/listeners')).json.data.find((l: { protocol: string }) => l.protocol === 'mqtt:tcp');
  assert.equal(after.current_conns, before.current_conns + 1);
  await c.endAsync();
});

test('metrics and stats move with real traffic', async () => {
  const m0 = (await h.api.get('/metrics')).json.data[0].metrics;
  const c = await h.connect('metrics-probe');
  await subscribe(c, 'metrics/probe', 0);
  await publish(c, 'metrics/probe', 'x', { qos: 0 });
  await inbox(c).next();
  const m1 = await eventually(async () => {
    const m = (await h.api.get('/nodes/emqx@127.0.0.1/metrics')).json.data;
    return m['messages.qos0.sent'] > m0['messages.qos0.sent'] ? m : undefined;
  });
  assert.equal(m1['packets.connect.received'], m0['packets.connect.received'] + 1);
  assert.equal(m1['packets.subscribe.received'], m0['packets.subscribe.received'] + 1);
  assert.equal(m1['messages.received'], m0['messages.received'] + 1);
  assert.equal(m1['messages.qos0.received'], m0['messages.qos0.received'] + 1);
  assert.ok(m1['bytes.received'] > m0['bytes.received']);
  assert.equal(m1['client.connected'], m0['client.connected'] + 1);
  // /stats lags up to one emqx_stats tick (1 s): it catches up with the live listings
  const s1 = await eventually(async () => {
    const s = (await h.api.get('/nodes/emqx@127.0.0.1/stats')).json.data;
    const subs = (await h.api.get('/subscriptions')).json.meta.count;
    const node = (await h.api.get('/nodes/emqx@127.0.0.1')).json.data;
    return s['subscriptions.count'] === subs && s['live_connections.count'] === node.live_connections && s['connections.count'] === node.connections ? s : undefined;
  });
  assert.ok(s1['subscriptions.count'] >= 1);
  assert.ok(s1['live_connections.count'] >= 1);
  assert.ok(s1['topics.count'] >= 1);
});
