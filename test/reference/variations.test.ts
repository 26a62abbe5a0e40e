// Benign variations (reference/variations.ts): each one happens, and none of them breaks the
// contract (pages stay consistent, answers keep their shape and codes).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, inbox, publish, sleep, startHarness, subscribe, type Harness } from './helpers.ts';
import { VARIATIONS, Variations, hashOrderKey, parseVariation } from '../../reference/variations.ts';
import { ReferenceConfigError, startReferenceBroker } from '../../reference/index.ts';

async function withHarness(variations: string[], fn: (h: Harness) => Promise<void>): Promise<void> {
  const h = await startHarness({ variations });
  try {
    await fn(h);
  } finally {
    await h.close();
  }
}

/** Every page of a listing, in order. */
async function allPages(h: Harness, path: string, limit: number): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  for (let page = 1; page < 100; page++) {
    const r = await h.api.get(`${path}${path.includes('?') ? '&' : '?'}_page=${page}&_limit=${limit}`);
    assert.equal(r.json.code, 0);
    if (r.json.data.length === 0) break;
    out.push(...r.json.data);
  }
  return out;
}

test('an unknown variation is refused in one line naming the valid ones', async () => {
  assert.throws(() => parseVariation('shuffle'), (e: Error) => !e.message.includes('\n') && /unknown variation "shuffle"; valid: order, lag-counters, late-subscribe, extra-fields, echo-defaults/.test(e.message));
  await assert.rejects(startReferenceBroker({ httpPort: 0, mqttPort: 0, variations: ['nope'] }), ReferenceConfigError);
  assert.deepEqual(Variations.parse(['order', ' late-subscribe ']).list, ['order', 'late-subscribe']);
  assert.deepEqual(Object.keys(VARIATIONS), ['order', 'lag-counters', 'late-subscribe', 'extra-fields', 'echo-defaults']);
});

test('order: listings and lookups come in hash order, and every item is on exactly one page', async () => {
  await withHarness(['order'], async (h) => {
    const ids = Array.from({ length: 9 }, (_, i) => `ord-${i}`);
    for (const id of ids) {
      const c = await h.connect(id, { username: 'same-user' });
      await subscribe(c, `ord/${id}/a`, 0);
      await subscribe(c, `ord/${id}/b`, 1);
    }
    const byHash = [...ids].sort((a, b) => hashOrderKey(a) - hashOrderKey(b));
    assert.notDeepEqual(byHash, ids, 'the hash order of these ids is not their creation order');

    const clients = await allPages(h, '/clients', 2);
    assert.deepEqual(clients.map((c) => c.clientid), byHash, 'each client once, in hash order, across pages');
    const filtered = await allPages(h, '/clients?_like_clientid=ord-', 4);
    assert.deepEqual(filtered.map((c) => c.clientid), byHash);
    const byUser = (await h.api.get('/clients/username/same-user')).json.data.map((c: { clientid: string }) => c.clientid);
    assert.deepEqual(byUser, byHash);

    const subs = await allPages(h, '/subscriptions', 5);
    assert.equal(subs.length, 18);
    assert.equal(new Set(subs.map((s) => `${s.clientid as string} ${s.topic as string}`)).size, 18, 'no subscription twice');
    const routes = await allPages(h, '/routes', 4);
    assert.equal(new Set(routes.map((r) => r.topic)).size, 18);
    const created = ids.flatMap((id) => [`ord/${id}/a`, `ord/${id}/b`]);
    assert.notDeepEqual(routes.map((r) => r.topic), created, 'routes are not in creation order');

    const metricKeys = Object.keys((await h.api.get('/metrics')).json.data[0].metrics);
    assert.notDeepEqual(metricKeys, [...metricKeys].sort(), 'metrics keys are not sorted');
    const statsKeys = Object.keys((await h.api.get('/stats')).json.data[0].stats);
    assert.notDeepEqual(statsKeys, [...statsKeys].sort().reverse());

    const ruleIds: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await h.api.post('/rules', { rawsql: `SELECT * FROM "ord/${i}"`, actions: [{ name: 'do_nothing', params: {} }] });
      ruleIds.push(r.json.data.id);
    }
    const rules = await allPages(h, '/rules', 4);
    assert.deepEqual(
      rules.map((r) => r.id),
      [...ruleIds].sort((a, b) => hashOrderKey(a) - hashOrderKey(b)),
    );
  });
});

test('lag-counters: /metrics and /stats are snapshots refreshed every 1.5 s', async () => {
  await withHarness(['lag-counters'], async (h) => {
    const before = (await h.api.get('/metrics')).json.data[0].metrics['packets.connect.received'];
    const statsBefore = (await h.api.get('/stats')).json.data[0].stats['live_connections.count'];
    const t0 = Date.now();
    await h.connect('lag-1');
    const soon = (await h.api.get('/metrics')).json.data[0].metrics['packets.connect.received'];
    if (Date.now() - t0 < 1000) assert.equal(soon, before, 'the counter lags behind');
    const caught = await eventually(async () => {
      const m = (await h.api.get('/metrics')).json.data[0].metrics['packets.connect.received'];
      return m === before + 1 ? Date.now() : undefined;
    }, 4000);
    assert.ok(caught - t0 <= 2500, `caught up after ${caught - t0} ms`);
    await eventually(async () => (await h.api.get('/stats')).json.data[0].stats['live_connections.count'] === statsBefore + 1, 4000);
    // the live views are not lagging
    assert.equal((await h.api.get('/nodes/emqx@127.0.0.1')).json.data.live_connections, statsBefore + 1);
  });
});

test('late-subscribe: REST subscribe and unsubscribe land ~400 ms after the answer', async () => {
  await withHarness(['late-subscribe'], async (h) => {
    const c = await h.connect('late-1');
    const box = inbox(c);
    const t0 = Date.now();
    assert.deepEqual((await h.api.post('/mqtt/subscribe', { clientid: 'late-1', topic: 'late/t', qos: 1 })).json, { code: 0 });
    const listed = async () => (await h.api.get('/subscriptions/late-1')).json.data.length;
    await sleep(150);
    if (Date.now() - t0 < 350) assert.equal(await listed(), 0, 'not yet subscribed');
    await eventually(async () => (await listed()) === 1, 3000);
    assert.ok(Date.now() - t0 >= 380);
    await h.api.post('/mqtt/publish', { topic: 'late/t', payload: 'x', qos: 1 });
    assert.equal((await box.next()).topic, 'late/t');
    const t1 = Date.now();
    assert.deepEqual((await h.api.post('/mqtt/unsubscribe_batch', [{ clientid: 'late-1', topic: 'late/t' }])).json.data, [{ clientid: 'late-1', topic: 'late/t', code: 0 }]);
    await sleep(150);
    if (Date.now() - t1 < 350) assert.equal(await listed(), 1, 'still subscribed');
    await eventually(async () => (await listed()) === 0, 3000);
  });
});

test('extra-fields: data items carry an undocumented extra_info; codes and shapes stay', async () => {
  await withHarness(['extra-fields'], async (h) => {
    await h.connect('extra-1');
    const clients = await h.api.get('/clients');
    assert.equal(clients.json.code, 0);
    assert.deepEqual(clients.json.data[0].extra_info, {});
    assert.equal(clients.json.data[0].clientid, 'extra-1');
    assert.deepEqual((await h.api.get('/nodes/emqx@127.0.0.1')).json.data.extra_info, {});
    assert.ok((await h.api.get('/brokers')).json.data.every((b: Record<string, unknown>) => 'extra_info' in b));
    // errors are untouched
    assert.deepEqual((await h.api.post('/mqtt/publish', { topic: 'a/+' })).json, { code: 115, message: 'bad_topic' });
  });
});

test('echo-defaults: created resources and rules echo more default keys in nested objects', async () => {
  await withHarness(['echo-defaults'], async (h) => {
    const res = await h.api.post('/resources', { type: 'web_hook', config: { url: 'http://127.0.0.1:9/x' }, description: 'e' });
    assert.equal(res.json.code, 0);
    const cfg = res.json.data.config;
    assert.equal(cfg.url, 'http://127.0.0.1:9/x', 'what was sent comes back');
    assert.equal(cfg.pool_size, 8, "the release's own defaults");
    assert.equal(cfg.pool_type, 'random', 'and more defaults');
    assert.equal(cfg.max_retries, 2);
    const rule = await h.api.post('/rules', { rawsql: 'SELECT * FROM "e/#"', actions: [{ name: 'republish', params: { target_topic: 'e/out', target_qos: 1 } }] });
    const params = rule.json.data.actions[0].params;
    assert.equal(params.target_topic, 'e/out');
    assert.equal(params.target_qos, 1);
    assert.deepEqual(params.mqtt_properties, {});
    assert.equal(typeof params.user_properties, 'string');
    // the listing shows the same echo
    assert.deepEqual((await h.api.get(`/rules/${rule.json.data.id}`)).json.data.actions[0].params, params);
  });
});

test('without variations: a REST subscribe lands a moment (20 ms) after its answer; /stats follows on its 1 s tick', async () => {
  await withHarness([], async (h) => {
    const c = await h.connect('moment-1');
    const t0 = Date.now();
    await h.api.post('/mqtt/subscribe', { clientid: 'moment-1', topic: 'moment/t', qos: 0 });
    const right = await h.api.get('/subscriptions/moment-1');
    if (Date.now() - t0 < 15) assert.equal(right.json.data.length, 0, 'not there at once');
    await eventually(async () => (await h.api.get('/subscriptions/moment-1')).json.data.length === 1, 1000);
    const box = inbox(c);
    await h.api.post('/mqtt/publish', { topic: 'moment/t', payload: 'p' });
    assert.equal((await box.next()).payload.toString(), 'p');

    const live = async () => (await h.api.get('/nodes/emqx@127.0.0.1')).json.data.live_connections;
    const s0 = await eventually(async () => {
      const s = (await h.api.get('/stats')).json.data[0].stats['live_connections.count'];
      return s === (await live()) ? s : undefined;
    }, 2500);
    const t1 = Date.now();
    await h.connect('moment-2');
    const s1 = (await h.api.get('/stats')).json.data[0].stats['live_connections.count'];
    if (Date.now() - t1 < 50) assert.equal(s1, s0, '/stats has not seen the new connection yet');
    assert.equal(await live(), s0 + 1, '/nodes is read live');
    await eventually(async () => (await h.api.get('/stats')).json.data[0].stats['live_connections.count'] === s0 + 1, 2500);
    // a direct MQTT subscription is synchronous (the SUBACK comes after it exists)
    await subscribe(c, 'moment/direct', 0);
    assert.ok((await h.api.get('/subscriptions/moment-1')).json.data.some((s: { topic: string }) => s.topic === 'moment/direct'));
    await publish(c, 'moment/direct', 'd');
  });
});
