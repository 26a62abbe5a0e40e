// MQTT-side behaviour the API reflects: protocol versions, session takeover, retained message
// deletion, shutdown counts, and the conn_congestion alarm raised by a client that stops reading.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { connectClient, eventually, inbox, publish, startHarness, subscribe, type Harness } from './helpers.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

test('MQTT 3.1 and 3.1.1 connect; MQTT 5 is refused with CONNACK 1 (aedes 1.2 speaks 3.1/3.1.1 only)', async () => {
  await h.connect('v31', { protocolVersion: 3, protocolId: 'MQIsdp' });
  const c = (await h.api.get('/clients/v31')).json.data[0];
  assert.equal(c.proto_name, 'MQIsdp');
  assert.equal(c.proto_ver, 3);
  await assert.rejects(connectClient(h.broker, 'v5', { protocolVersion: 5 }), /Unsupported Protocol Version|Unacceptable protocol version/i);
});

test('the protocol name must match the level, as EMQX checks it: level 3 + MQTT and level 4 + MQIsdp get CONNACK 1', async () => {
  const refused = async (opts: { protocolVersion: 3 | 4; protocolId?: 'MQTT' | 'MQIsdp' }) => {
    const err = await connectClient(h.broker, `pv-${opts.protocolVersion}-${opts.protocolId ?? 'default'}`, opts).then(
      (c) => {
        c.end(true);
        return undefined;
      },
      (e: Error & { code?: number }) => e,
    );
    return err?.code;
  };
  assert.equal(await refused({ protocolVersion: 3 }), 1, 'mqtt.js sends level 3 with the name MQTT: EMQX refuses it');
  assert.equal(await refused({ protocolVersion: 3, protocolId: 'MQTT' }), 1);
  assert.equal(await refused({ protocolVersion: 4, protocolId: 'MQIsdp' }), 1);
  assert.equal(await refused({ protocolVersion: 3, protocolId: 'MQIsdp' }), undefined);
  assert.equal(await refused({ protocolVersion: 4, protocolId: 'MQTT' }), undefined);
  const listener = await eventually(async () => {
    const l = (await h.api.get('/listeners')).json.data[0].listeners.find((x: { protocol: string }) => x.protocol === 'mqtt:tcp');
    return l.shutdown_count.unsupported_protocol_version >= 3 ? l : undefined;
  });
  assert.ok(listener.shutdown_count.unsupported_protocol_version >= 3, 'counted as EMQX names the reason');
  assert.equal((await h.api.get('/clients?_like_clientid=pv-')).json.data.length, 0, 'a refused client is never listed');
});

test('a second connection with the same client id takes over; the first is closed', async () => {
  const first = await h.connect('dup-id');
  const firstClosed = new Promise<void>((r) => first.once('close', () => r()));
  const before = (await h.api.get('/metrics')).json.data[0].metrics;
  const second = await connectClient(h.broker, 'dup-id');
  await firstClosed;
  const list = await h.api.get('/clients?clientid=dup-id');
  assert.equal(list.json.data.length, 1);
  const after = await eventually(async () => {
    const m = (await h.api.get('/metrics')).json.data[0].metrics;
    return m['session.discarded'] > before['session.discarded'] ? m : undefined;
  });
  assert.equal(after['session.created'], before['session.created'] + 1);
  const listener = (await h.api.get('/listeners')).json.data[0].listeners.find((l: { protocol: string }) => l.protocol === 'mqtt:tcp');
  assert.ok(listener.shutdown_count.discarded >= 1);
  await second.endAsync();
});

test('retained messages are counted and deleted by an empty retained publish', async () => {
  const c = await h.connect('retainer');
  await publish(c, 'keep/1', 'a', { retain: true, qos: 1 });
  await publish(c, 'keep/2', 'b', { retain: true, qos: 1 });
  const count = async () => (await h.api.get('/stats')).json.data[0].stats['retained.count'];
  await eventually(async () => (await count()) === 2);
  await publish(c, 'keep/1', '', { retain: true, qos: 1 });
  await eventually(async () => (await count()) === 1);
  const sub = await h.connect('retained-reader');
  const box = inbox(sub);
  await subscribe(sub, 'keep/#', 0);
  const m = await box.next();
  assert.equal(m.topic, 'keep/2');
  await box.none(200);
});

test('a client that stops reading raises conn_congestion; closing it deactivates the alarm', async () => {
  const slow = await h.connect('slowpoke', { username: 'sleepy' });
  await subscribe(slow, 'flood', 0);
  (slow.stream as Socket).pause();
  const pub = await h.connect('flooder');
  const chunk = Buffer.alloc(1024 * 1024, 7);
  const activated = await eventually(
    async () => {
      await publish(pub, 'flood', chunk);
      const r = await h.api.get('/alarms/activated');
      return r.json.data[0].alarms.find((a: { name: string }) => a.name === 'conn_congestion/slowpoke/sleepy');
    },
    20_000,
  );
  assert.equal(activated.activated, true);
  assert.equal(activated.details.clientid, 'slowpoke');
  // as 4.4.19 prints an alarm: no node, an active one's deactivate_at is "infinity"
  assert.equal(activated.deactivate_at, 'infinity');
  assert.deepEqual(Object.keys(activated), ['name', 'message', 'duration', 'details', 'deactivate_at', 'activated', 'activate_at']);
  assert.equal((await h.v3.get('/alarms/present')).json.data[0].alarms[0].id, 'conn_congestion/slowpoke/sleepy');
  slow.end(true);
  (slow.stream as Socket).destroy();
  const deactivated = await eventually(async () => {
    const r = await h.api.get('/nodes/emqx@127.0.0.1/alarms/deactivated');
    return r.json.data.find((a: { name: string }) => a.name === 'conn_congestion/slowpoke/sleepy');
  }, 10_000);
  assert.equal(deactivated.activated, false);
  assert.equal(typeof deactivated.deactivate_at, 'number');
  // emqx_mgmt_api_alarms: binary_to_atom of a missing name crashes; only "undefined" is missing_param
  assert.equal((await h.api.post('/alarms/deactivated', { node: 'emqx@127.0.0.1' })).status, 500);
  assert.deepEqual((await h.api.post('/alarms/deactivated', { node: 'emqx@127.0.0.1', name: 'undefined' })).json, { message: 'missing_param' });
  assert.deepEqual((await h.api.post('/alarms/deactivated', { node: 'emqx@127.0.0.1', name: 'nothing/active' })).json, { message: 'not_found' });
  assert.deepEqual((await h.api.delete('/alarms/deactivated')).json, { code: 0 });
  assert.deepEqual((await h.api.get('/alarms/deactivated')).json.data[0].alarms, []);
});
