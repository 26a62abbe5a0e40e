// --emqx-version switches the behaviours that changed between EMQX releases.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from './helpers.ts';
import { behaviourOf, parseEmqxVersion } from '../../reference/versions.ts';
import { startReferenceBroker } from '../../reference/index.ts';

async function withBroker(version: string, fn: (h: Harness) => Promise<void>): Promise<void> {
  const h = await startHarness({ emqxVersion: version });
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
  assert.equal(parseEmqxVersion('5.0.0'), undefined);
  assert.deepEqual(parseEmqxVersion('v4.2'), { major: 4, minor: 2, patch: 0, text: '4.2.0' });
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

test('non-string clientid: 108 from 4.3.9; hasnext absent before 4.1; throw status 500 before 4.4.19', async () => {
  await withBroker('4.3.8', async (h) => {
    assert.deepEqual((await h.api.post('/mqtt/publish', { topic: 't', payload: 'x', clientid: 123 })).json, { code: 0 });
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
});
