// Pagination and filters as emqx_mgmt_api does them, over 57 real connections.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, startHarness, subscribe, type Harness } from './helpers.ts';

let h: Harness;
const N = 57;
let startSeconds = 0;

before(async () => {
  h = await startHarness();
  startSeconds = Math.floor(Date.now() / 1000);
  await Promise.all(
    Array.from({ length: N }, (_, i) =>
      h.connect(`page-${String(i).padStart(2, '0')}`, { username: i % 3 === 0 ? 'fizz' : `user-${i}` }).then((c) => subscribe(c, `page/${i}`, (i % 3) as 0 | 1 | 2)),
    ),
  );
  await eventually(async () => (await h.api.get('/subscriptions?_limit=1')).json.meta.count === N);
});
after(async () => {
  await h.close();
});

test('walking /clients with _limit=10 visits every client once, in a stable order, with exact hasnext', async () => {
  const seen: string[] = [];
  for (let page = 1; ; page++) {
    const r = await h.api.get(`/clients?_page=${page}&_limit=10`);
    assert.equal(r.json.meta.page, page);
    assert.equal(r.json.meta.limit, 10);
    assert.equal(r.json.meta.count, N);
    seen.push(...r.json.data.map((c: { clientid: string }) => c.clientid));
    assert.equal(r.json.meta.hasnext, page * 10 < N, `hasnext on page ${page}`);
    if (!r.json.meta.hasnext) break;
  }
  assert.equal(seen.length, N);
  assert.equal(new Set(seen).size, N, 'no duplicates');
  const again = await h.api.get('/clients?_limit=100');
  assert.deepEqual(again.json.data.map((c: { clientid: string }) => c.clientid), seen, 'same order in one page');
});

test('defaults, _limit=0, pages past the end, node-scoped listing', async () => {
  const all = await h.api.get('/clients');
  assert.equal(all.json.meta.limit, 10000);
  assert.equal(all.json.meta.page, 1);
  assert.equal(all.json.data.length, N);
  const zero = await h.api.get('/clients?_limit=0');
  assert.deepEqual(zero.json.data, []);
  assert.equal(zero.json.meta.count, N);
  const past = await h.api.get('/clients?_page=99&_limit=10');
  assert.deepEqual(past.json.data, []);
  assert.equal(past.json.meta.hasnext, false);
  const node = await h.api.get('/nodes/emqx@127.0.0.1/clients?_limit=5');
  assert.equal(node.json.data.length, 5);
  const huge = await h.api.get('/clients?_limit=99999999999999999999');
  assert.equal(huge.json.data.length, N);
});

test('non-integer or negative _page/_limit crash like binary_to_integer (500 text)', async () => {
  for (const q of ['_page=1.5', '_limit=ten', '_limit=-1', '_page=']) {
    const r = await h.api.get(`/clients?${q}`);
    assert.equal(r.status, 500, q);
    assert.equal(r.text, 'Internal Error');
  }
});

test('filters and fuzzy filters answer count -1 and the right rows', async () => {
  const byUser = await h.api.get('/clients?username=fizz&_limit=100');
  assert.equal(byUser.json.meta.count, -1);
  assert.equal(byUser.json.data.length, Math.ceil(N / 3));
  assert.ok(byUser.json.data.every((c: { username: string }) => c.username === 'fizz'));

  const like = await h.api.get('/clients?_like_clientid=page-1');
  assert.equal(like.json.meta.count, -1);
  assert.deepEqual(like.json.data.map((c: { clientid: string }) => c.clientid).sort(), Array.from({ length: 10 }, (_, i) => `page-1${i}`));

  const likeUser = await h.api.get('/clients?_like_username=user-5');
  assert.deepEqual(likeUser.json.data.map((c: { username: string }) => c.username).sort(), ['user-5', 'user-50', 'user-52', 'user-53', 'user-55', 'user-56']);

  const paged = await h.api.get('/clients?username=fizz&_limit=5&_page=4');
  assert.equal(paged.json.data.length, 4);
  assert.equal(paged.json.meta.hasnext, false);
  const pagedMid = await h.api.get('/clients?username=fizz&_limit=5&_page=2');
  assert.equal(pagedMid.json.meta.hasnext, true);

  const combined = await h.api.get('/clients?conn_state=connected&clean_start=true&proto_name=MQTT&proto_ver=4&ip_address=127.0.0.1&zone=external');
  assert.equal(combined.json.data.length, N);
  assert.equal((await h.api.get('/clients?conn_state=disconnected')).json.data.length, 0);
  assert.equal((await h.api.get('/clients?proto_ver=3')).json.data.length, 0);

  const since = await h.api.get(`/clients?_gte_connected_at=${startSeconds - 5}&_lte_connected_at=${startSeconds + 3600}`);
  assert.equal(since.json.data.length, N);
  assert.equal((await h.api.get(`/clients?_gte_created_at=${startSeconds + 3600}`)).json.data.length, 0);

  assert.deepEqual((await h.api.get('/clients?proto_ver=abc')).json, { code: 108, message: 'Can\'t convert <<"abc">> to integer type' });
  assert.equal((await h.api.get('/clients?ip_address=nope')).json.code, 108);
  assert.equal((await h.api.get('/clients?_gte_created_at=soon')).json.code, 108);
  assert.equal((await h.api.get('/clients?unrelated=1')).json.meta.count, N, 'unknown parameters are not filters');
});

test('/subscriptions pages and filters; a bad qos throws (400 on 4.4.19)', async () => {
  const seen = new Set<string>();
  for (let page = 1; page <= 6; page++) {
    const r = await h.api.get(`/subscriptions?_page=${page}&_limit=10`);
    for (const s of r.json.data) seen.add(`${s.clientid} ${s.topic}`);
    assert.equal(r.json.meta.hasnext, page < 6);
  }
  assert.equal(seen.size, N);
  const q1 = await h.api.get('/subscriptions?qos=1&_limit=100');
  assert.equal(q1.json.meta.count, -1);
  assert.equal(q1.json.data.length, 19);
  const match = await h.api.get(`/subscriptions?_match_topic=${encodeURIComponent('page/#')}`);
  assert.equal(match.json.data.length, N);
  const topic = await h.api.get('/subscriptions?topic=page%2F7');
  assert.deepEqual(topic.json.data.map((s: { clientid: string }) => s.clientid), ['page-07']);
  const bad = await h.api.get('/subscriptions?qos=high');
  assert.equal(bad.status, 400);
  assert.match(bad.contentType, /^text\/plain/);
  assert.equal(bad.text, '{bad_value_type,{<<"qos">>,integer,<<"high">>}}', 'minirest 0.3.12 prints the thrown term');
});

test('/routes pages without hasnext', async () => {
  const r = await h.api.get('/routes?_page=2&_limit=20');
  assert.equal(r.json.data.length, 20);
  assert.deepEqual(Object.keys(r.json.meta).sort(), ['count', 'limit', 'page']);
  assert.equal(r.json.meta.count, N);
});

test('a page far down the list is exactly that slice of the full listing', async () => {
  const all = (await h.api.get('/clients')).json.data.map((c: { clientid: string }) => c.clientid);
  const r = await h.api.get('/clients?_page=6&_limit=10');
  assert.deepEqual(r.json.data.map((c: { clientid: string }) => c.clientid), all.slice(50, 57));
});
