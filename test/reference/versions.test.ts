// --emqx-version (4.x, /api/v4) and --emqx-v3-version (3.x, /api/v3) switch the behaviours that
// changed between EMQX releases.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from './helpers.ts';
import { behaviourOf, parseEmqxVersion, v3BehaviourOf } from '../../reference/versions.ts';
import { startReferenceBroker } from '../../reference/index.ts';

async function withBroker(version: string, fn: (h: Harness) => Promise<void>, v3Version?: string): Promise<void> {
  const h = await startHarness({ emqxVersion: version, ...(v3Version ? { emqxV3Version: v3Version } : {}) });
  try {
    await fn(h);
  } finally {
    await h.close();
  }
}

test('the version predicates', () => {
  const b = (v: string) => behaviourOf(parseEmqxVersion(v)!);
  assert.equal(b('4.0.0').hasnext, false);
  assert.equal(b('4.1.0').hasnext, true);
  assert.equal(b('4.3.8').kickUnknownIsNotFound, true);
  assert.equal(b('4.3.9').kickUnknownIsNotFound, false);
  assert.equal(b('4.4.1').subscribeRejectsBadQos, false);
  assert.equal(b('4.4.2').subscribeRejectsBadQos, true);
  assert.equal(b('4.3.12').subscribeRejectsBadQos, false);
  assert.equal(b('4.3.13').subscribeRejectsBadQos, true);
  assert.equal(b('4.4.18').throwStatus, 500);
  assert.equal(b('4.4.19').throwStatus, 400);
  assert.equal(b('4.3.8').rejectsNonStringClientid, false);
  assert.equal(b('4.3.9').rejectsNonStringClientid, true);
  assert.equal(b('4.3.2').clientFilterFence, false);
  assert.equal(b('4.3.3').clientFilterFence, true);
  assert.equal(b('4.0.6').updateRuleRoute, false);
  assert.equal(b('4.0.7').updateRuleRoute, true);
  assert.equal(b('4.4.3').publishCatchesBadParams, false);
  assert.equal(b('4.4.4').publishCatchesBadParams, true);
  assert.deepEqual(['4.4.3', '4.4.4', '4.4.8', '4.4.9'].map((v) => b(v).publishBatchItemCodesLost), [false, true, true, false]);
  // the release switches that came from comparing with a real 4.4.19 (see reference/README.md)
  assert.deepEqual(['4.0.0', '4.1.0', '4.1.5', '4.2.0', '4.4.19'].map((v) => b(v).authUserRoutes), [false, true, true, false, false]);
  assert.deepEqual(['4.2.9', '4.3.0', '4.3.11', '4.3.12', '4.4.0', '4.4.19'].map((v) => b(v).ruleEngineGlobalMetrics), ['document', 'v43', 'v43', 'none', 'none', 'none']);
  assert.deepEqual(['4.3.11', '4.3.12', '4.4.0'].map((v) => b(v).aclMetrics), [false, true, true]);
  assert.deepEqual(['4.3.14', '4.3.15', '4.4.3', '4.4.4'].map((v) => b(v).authResultMetrics), [false, true, false, true]);
  assert.deepEqual(['4.3.3', '4.3.4'].map((v) => b(v).ruleEngineStats), [true, false]);
  assert.deepEqual(['4.3.22', '4.4.0'].map((v) => b(v).liveConnectionStats), [false, true]);
  assert.deepEqual(['4.4.18', '4.4.19'].map((v) => b(v).nodeLiveConnections), [false, true]);
  assert.deepEqual(['4.4.15', '4.4.16'].map((v) => b(v).sysdescrEmqx), [false, true]);
  assert.deepEqual(['4.3.15', '4.3.16', '4.4.4', '4.4.5'].map((v) => b(v).republishTypeArrays), [false, true, false, true]);
  assert.deepEqual(['4.3.16', '4.3.17', '4.4.5', '4.4.6'].map((v) => b(v).ruleCreatedAt), [false, true, false, true]);
  assert.deepEqual(['4.4.1', '4.4.2'].map((v) => b(v).ruleEvents), ['v43-delivery-dropped', 'v44']);
  assert.deepEqual(['4.4.11', '4.4.12'].map((v) => b(v).ruleDisabledWithoutResource), [false, true]);
  assert.deepEqual(['4.2.0', '4.3.0'].map((v) => b(v).bannedPipeline), [false, true]);
  assert.equal(parseEmqxVersion('5.0.0'), undefined);
  assert.deepEqual(parseEmqxVersion('v4.2'), { major: 4, minor: 2, patch: 0, text: '4.2.0' });
});

test('the 3.x version predicates', () => {
  const b = (v: string) => v3BehaviourOf(parseEmqxVersion(v)!);
  assert.deepEqual(['3.0.1', '3.1.0'].map((v) => b(v).pluginApis), [false, true]);
  assert.deepEqual(['3.0.1', '3.1.0'].map((v) => b(v).connectionViaUsername), [false, true]);
  assert.deepEqual(['3.1.2', '3.2.0'].map((v) => b(v).cleanPersistentSession), [false, true]);
  assert.deepEqual(['3.1.2', '3.2.0'].map((v) => b(v).ruleEvents), [false, true]);
  assert.deepEqual(['3.0.1', '3.1.0'].map((v) => b(v).pluginErrorsHaveCode), [true, false]);
  assert.deepEqual(['3.0.1', '3.1.0'].map((v) => b(v).kickUnknownCrashes), [true, false]);
  assert.deepEqual(['3.0.1', '3.1.0'].map((v) => b(v).publishGuardsQos), [false, true]);
  assert.deepEqual(['3.2.2', '3.2.3', '3.4.0'].map((v) => b(v).wildcardPublishCrashes), [false, true, true]);
});

test('kick of an unknown client: 112 not_found up to 4.3.8, code 0 from 4.3.9', async () => {
  await withBroker('4.3.8', async (h) => {
    assert.deepEqual((await h.api.delete('/clients/ghost')).json, { code: 112, message: 'not_found' });
    assert.equal((await h.api.get('/brokers')).json.data[0].version, '4.3.8');
  });
  await withBroker('4.4.19', async (h) => {
    assert.deepEqual((await h.api.delete('/clients/ghost')).json, { code: 0 });
  });
});

test('subscribe QoS outside 0..2: accepted before 4.4.2, 116 from 4.4.2', async () => {
  await withBroker('4.4.1', async (h) => {
    await h.connect('q');
    assert.deepEqual((await h.api.post('/mqtt/subscribe', { topic: 't', qos: 7, clientid: 'q' })).json, { code: 0 });
  });
  await withBroker('4.4.2', async (h) => {
    await h.connect('q');
    assert.deepEqual((await h.api.post('/mqtt/subscribe', { topic: 't', qos: 7, clientid: 'q' })).json, { code: 116, message: 'bad_qos' });
  });
});

test('non-string clientid: 500 before 4.3.9, 108 from 4.3.9; hasnext absent before 4.1; throw status 500 before 4.4.19', async () => {
  await withBroker('4.3.8', async (h) => {
    const r = await h.api.post('/mqtt/publish', { topic: 't', payload: 'x', clientid: 123 });
    assert.equal(r.status, 500, 'emqx_tracer has no clause for a numeric sender');
    assert.equal(r.text, 'Internal Error');
  });
  await withBroker('4.3.9', async (h) => {
    assert.deepEqual((await h.api.post('/mqtt/publish', { topic: 't', payload: 'x', clientid: 123 })).json, { code: 108, message: 'bad clientid: must be string' });
  });
  await withBroker('4.0.5', async (h) => {
    const r = await h.api.get('/clients');
    assert.deepEqual(Object.keys(r.json.meta).sort(), ['count', 'limit', 'page']);
    assert.equal((await h.api.get('/clients?username=nobody')).json.meta.count, 0, '4.0 has no filters: username is ignored');
    assert.equal((await h.api.get('/subscriptions')).json.meta.hasnext, undefined);
  });
  await withBroker('4.4.18', async (h) => {
    const r = await h.api.get('/subscriptions?qos=x');
    assert.equal(r.status, 500);
    assert.equal(r.text, 'Internal Error');
  });
});

test('an unsupported version is a configuration error', async () => {
  await assert.rejects(startReferenceBroker({ httpPort: 0, mqttPort: 0, emqxVersion: '5.1.0' }), /unsupported EMQX version/);
  await assert.rejects(startReferenceBroker({ httpPort: 0, mqttPort: 0, emqxVersion: '3.2.0' }), /expected 4\.x\.y; the 3\.x release of \/api\/v3 is set with emqxV3Version/);
  await assert.rejects(startReferenceBroker({ httpPort: 0, mqttPort: 0, emqxV3Version: '4.4.0' }), /unsupported EMQX 3\.x version "4\.4\.0"/);
});

test('each API reports and emulates its own release: /api/v4 the 4.x one, /api/v3 the 3.x one', async () => {
  await withBroker(
    '4.3.8',
    async (h) => {
      assert.equal(h.broker.emqxVersion, '4.3.8');
      assert.equal(h.broker.emqxV3Version, '3.0.1');
      assert.equal((await h.api.get('/brokers')).json.data[0].version, '4.3.8');
      assert.equal((await h.v3.get('/brokers/')).json.data[0].version, 'v3.0.1');
      assert.equal((await h.v3.get(`/nodes/${h.broker.node}`)).json.data.version, 'v3.0.1');
      // 3.0.x: plugin errors keep code 102, kicking nobody crashes, no rule engine or
      // /connection/username routes on the management listener, publish QoS unchecked
      assert.deepEqual((await h.v3.put(`/nodes/${h.broker.node}/plugins/emqx_management/load`)).json, { code: 102, message: 'already_started' });
      assert.equal((await h.v3.delete('/connections/ghost')).status, 500);
      assert.equal((await h.v3.get('/rules/')).status, 404);
      assert.equal((await h.v3.get('/connection/username/u')).status, 404);
      assert.equal((await h.v3.get('/')).json.data.some((r: { name: string }) => r.name === 'list_rules'), false, 'an absent route is not listed');
      assert.deepEqual((await h.v3.post('/mqtt/publish', { topic: 't', payload: 'x', qos: 3 })).json, { code: 0 });
    },
    '3.0.1',
  );
  await withBroker(
    '4.0.0',
    async (h) => {
      // 3.1.x: no persistent-session route yet, plugin errors without code; 4.0.0: no PUT /rules/{id}
      assert.equal((await h.v3.delete('/sessions/persistent/ghost')).status, 404);
      assert.deepEqual((await h.v3.put(`/nodes/${h.broker.node}/plugins/emqx_management/load`)).json, { message: 'already_started' });
      assert.equal((await h.api.put('/rules/x', { rawsql: 'SELECT * FROM "t"' })).status, 404);
      assert.equal((await h.v3.post('/mqtt/publish', { topic: 't', payload: 'x', qos: 3 })).status, 500);
    },
    '3.1.2',
  );
  await withBroker(
    '4.4.4',
    async (h) => {
      // 3.2.3+: a wildcard topic name raises; 4.4.4–4.4.8: publish_batch item codes all 0
      assert.equal((await h.v3.post('/mqtt/publish', { topic: 'a/#', payload: 'x' })).status, 500);
      assert.deepEqual((await h.v3.delete('/sessions/persistent/ghost')).json, { message: 'not_found' });
      assert.deepEqual((await h.api.post('/mqtt/publish_batch', [{ topic: 'a/#', payload: 'x' }])).json.data, [{ topic: 'a/#', code: 0 }]);
      assert.deepEqual((await h.api.post('/mqtt/publish', { topic: 1, payload: 'x' })).json, { code: 108, message: 'bad_params' });
    },
    '3.2.3',
  );
});

test('/metrics, /stats, /nodes, /brokers follow the release: 4.3.8 still has the document\'s counters, 4.4.19 its own', async () => {
  await withBroker('4.3.8', async (h) => {
    const m = (await h.api.get('/metrics')).json.data[0].metrics;
    for (const k of ['rules.matched', 'actions.success', 'actions.error', 'client.auth.anonymous', 'messages.dropped.expired']) assert.ok(k in m, k);
    for (const k of ['client.acl.allow', 'client.auth.success', 'messages.dropped.await_pubrel_timeout', 'actions.failure']) assert.ok(!(k in m), k);
    const stats = (await h.api.get('/stats')).json.data[0].stats;
    assert.ok(!('live_connections.count' in stats));
    assert.ok(!('rules.count' in stats), 'gone from 4.3.4');
    assert.ok(!('live_connections' in (await h.api.get('/nodes')).json.data[0]));
    assert.equal((await h.api.get('/brokers')).json.data[0].sysdescr, 'EMQ X Broker');
    const republish = (await h.api.get('/actions/republish')).json.data;
    assert.equal(republish.params.target_qos.type, 'number', 'no type arrays before 4.3.16');
    const rule = (await h.api.post('/rules', { rawsql: 'SELECT * FROM "t"', actions: [] })).json.data;
    assert.ok(!('created_at' in rule), 'created_at from 4.3.17');
    assert.equal(rule.on_action_failed, 'continue');
  });
  await withBroker('4.0.0', async (h) => {
    const m = (await h.api.get('/metrics')).json.data[0].metrics;
    for (const k of ['rules.matched', 'actions.success', 'actions.failure', 'client.auth.anonymous']) assert.ok(k in m, k);
    assert.ok('rules.count' in (await h.api.get('/stats')).json.data[0].stats, 'the rule engine\'s stats up to 4.3.3');
    const c = await h.connect('old-client');
    const client = (await h.api.get('/clients/old-client')).json.data[0];
    assert.ok(!('mountpoint' in client) && !('recv_msg.qos0' in client));
    c.end(true);
    assert.deepEqual(Object.keys((await h.api.get('/resource_types/web_hook')).json.data.params).sort(), ['headers', 'method', 'url'], 'the document\'s web_hook');
    assert.equal((await h.api.get('/rule_events')).json.data[0].event, 'message.publish');
  });
});
