// auth_user, emqx_acl (served under the Cloud base path /api: EMQX 4.4.19 does not route them
// on /api/v4), the ACL cache and banned entries are enforced on real connections.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connectClient, inbox, publish, startHarness, subscribe, type Harness } from './helpers.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

test('banned client ids and usernames are refused at CONNECT; deleting the ban lets them in', async () => {
  const created = await h.api.post('/banned', { who: 'villain', as: 'clientid', reason: 'test' });
  assert.equal(created.json.code, 0);
  assert.equal(created.json.data.who, 'villain');
  await assert.rejects(connectClient(h.broker, 'villain'), /Not authorized/i);
  await h.api.post('/banned', { who: 'mallory', as: 'username', reason: 'test' });
  await assert.rejects(connectClient(h.broker, 'someone', { username: 'mallory' }), /Not authorized/i);

  const list = await h.api.get('/banned');
  assert.equal(list.json.meta.count, 2);
  assert.equal(list.json.meta.hasnext, undefined, '/banned never has hasnext');
  // emqx_mgmt_api_banned's pipeline (4.3+), as a real 4.4.19 answers
  assert.deepEqual((await h.api.post('/banned', { who: 'x' })).json, { code: 107, message: "missing mandatory params: ['who', 'as']" });
  assert.deepEqual((await h.api.post('/banned', { who: 'x', as: 'shoe_size' })).json, {
    code: 108,
    message: "value of 'as' must be one of: ['clientid', 'username', 'peerhost']",
  });
  const noReason = await h.api.post('/banned', { who: 'x', as: 'clientid' });
  assert.equal(noReason.status, 500, 'pack_banned needs a reason');

  assert.deepEqual((await h.api.delete('/banned/clientid/villain')).json, { code: 0 });
  const c = await connectClient(h.broker, 'villain');
  await c.endAsync();
  await h.api.delete('/banned/username/mallory');
});

test('/auth_user and /emqx_acl are the Cloud APIs: 404 on /api/v4 of 4.4.19 (not listed), served on /api', async () => {
  for (const [method, path] of [['GET', '/auth_user'], ['POST', '/auth_user'], ['PUT', '/auth_user/x'], ['DELETE', '/auth_user/x'], ['GET', '/emqx_acl'], ['POST', '/emqx_acl'], ['DELETE', '/emqx_acl/x/t']] as const) {
    const r = await h.api.request(method, path, method === 'POST' || method === 'PUT' ? {} : undefined);
    assert.equal(r.status, 404, `${method} ${path}`);
    assert.equal(r.text, 'Not found.');
    assert.equal(r.contentType, 'text/plain');
  }
  const listed = (await h.api.get('/')).json.data.map((r: { path: string }) => r.path);
  assert.ok(!listed.some((p: string) => p.startsWith('/auth_user') || p.startsWith('/emqx_acl')), 'not in the /api/v4 route list');
  const cloudListed = (await h.cloud.get('/')).json.data.map((r: { path: string }) => r.path);
  assert.ok(cloudListed.includes('/auth_user') && cloudListed.includes('/emqx_acl/:login/:topic'), 'listed under /api');
  assert.equal((await h.cloud.get('/auth_user')).json.code, 0);
  // emqx_auth_mnesia of 4.1.x served them on the management listener
  const b41 = await startHarness({ emqxVersion: '4.1.0' });
  try {
    assert.equal((await b41.api.get('/auth_user')).json.code, 0);
  } finally {
    await b41.close();
  }
});

test('auth_user: a listed login must present its password; unknown logins stay anonymous (allow_anonymous)', async () => {
  const add = await h.cloud.post('/auth_user', [
    { login: 'test5', password: 'public', is_superuser: false },
    { login: 'root', password: 'toor', is_superuser: true },
  ]);
  assert.deepEqual(add.json, { code: 0, data: { test5: 'ok', root: 'ok' } });
  assert.deepEqual((await h.cloud.post('/auth_user', [{ login: 'test5', password: 'x', is_superuser: false }])).json.data, { test5: '{error,existed}' });
  assert.deepEqual((await h.cloud.post('/auth_user', [{ login: 'nopw', is_superuser: false }])).json.data, { nopw: '{error,password}' });

  const list = await h.cloud.get('/auth_user');
  assert.equal(list.json.meta.count, 2);
  assert.equal(list.json.meta.hasnext, false);
  const t5 = list.json.data.find((u: { login: string }) => u.login === 'test5');
  assert.equal(t5.password, 'efa1f375d76194fa51a3556a97e641e61685f914d446979da50a551a4333ffd7', 'sha256("public"), as the document shows');

  await assert.rejects(connectClient(h.broker, 'wrong-pw', { username: 'test5', password: 'nope' }), /Bad username or password/i);
  await assert.rejects(connectClient(h.broker, 'no-pw', { username: 'test5' }), /Bad username or password/i);
  (await connectClient(h.broker, 'good-pw', { username: 'test5', password: 'public' })).end(true);
  (await connectClient(h.broker, 'anon')).end(true);
  (await connectClient(h.broker, 'stranger', { username: 'not-in-table', password: 'x' })).end(true);

  assert.deepEqual((await h.cloud.put('/auth_user/test5', { password: 'public1', is_superuser: false })).json, { code: 0 });
  await assert.rejects(connectClient(h.broker, 'old-pw', { username: 'test5', password: 'public' }), /Bad username or password/i);
  (await connectClient(h.broker, 'new-pw', { username: 'test5', password: 'public1' })).end(true);
  assert.deepEqual((await h.cloud.put('/auth_user/ghost', { password: 'x' })).json, { message: 'noexisted' });

  assert.deepEqual((await h.cloud.delete('/auth_user/test5')).json, { code: 0 });
  (await connectClient(h.broker, 'after-delete', { username: 'test5', password: 'whatever' })).end(true);
});

test('with allowAnonymous: false, only clients an auth source knows get in', async () => {
  const strict = await startHarness({ allowAnonymous: false });
  try {
    await assert.rejects(connectClient(strict.broker, 'anon'), /Not authorized/i);
    await strict.cloud.post('/auth_user', [{ login: 'member', password: 'pw', is_superuser: false }]);
    (await connectClient(strict.broker, 'member-client', { username: 'member', password: 'pw' })).end(true);
    await assert.rejects(connectClient(strict.broker, 'other', { username: 'other', password: 'pw' }), /Not authorized/i);
  } finally {
    await strict.close();
  }
});

test('emqx_acl allow/deny rules apply to publish and subscribe; superusers bypass; the ACL cache shows the checks', async () => {
  // auth_user still holds "root" (superuser); add a normal user for the ACL checks.
  await h.cloud.post('/auth_user', [{ login: 'acl-user', password: 'pw', is_superuser: false }]);
  const add = await h.cloud.post('/emqx_acl', [
    { login: 'acl-user', topic: 'secret/#', action: 'pubsub', allow: false },
    { login: 'acl-user', topic: 'readonly/#', action: 'pub', allow: false },
  ]);
  assert.deepEqual(add.json.data, { 'acl-user': 'ok' });
  const acl = await h.cloud.get('/emqx_acl');
  assert.equal(acl.json.meta.count, 2);

  const user = await connectClient(h.broker, 'acl-client', { username: 'acl-user', password: 'pw' });
  const root = await connectClient(h.broker, 'root-client', { username: 'root', password: 'toor' });
  try {
    assert.equal(await subscribe(user, 'secret/x', 0), 128, 'subscribe denied → SUBACK 0x80');
    assert.equal(await subscribe(user, 'readonly/x', 0), 0);
    assert.equal(await subscribe(root, 'secret/#', 0), 0, 'superuser is not checked');
    const rootBox = inbox(root);
    const userBox = inbox(user);

    await publish(user, 'secret/x', 'leak', { qos: 1 });
    await publish(user, 'readonly/x', 'nope', { qos: 1 });
    await rootBox.none(250);
    await userBox.none(50);
    assert.equal(user.connected, true, 'a denied publish is dropped, the connection stays (acl_deny_action = ignore)');

    await publish(root, 'readonly/x', 'from root', { qos: 1 });
    assert.equal((await userBox.next()).payload.toString(), 'from root');

    const cache = await h.api.get('/clients/acl-client/acl_cache');
    const entries = cache.json.data.map((e: { access: string; topic: string; result: string }) => `${e.access} ${e.topic} ${e.result}`).sort();
    assert.deepEqual(entries, ['publish readonly/x deny', 'publish secret/x deny', 'subscribe readonly/x allow', 'subscribe secret/x deny']);
    assert.ok(cache.json.data.every((e: { updated_time: number }) => typeof e.updated_time === 'number'));
    assert.deepEqual((await h.api.delete('/clients/acl-client/acl_cache')).json, { code: 0 });
    assert.deepEqual((await h.api.get('/clients/acl-client/acl_cache')).json.data, []);
    assert.deepEqual((await h.api.get('/clients/nobody/acl_cache')).json, { code: 112, message: 'not_found' });
    assert.deepEqual((await h.api.delete('/clients/nobody/acl_cache')).json, { code: 112, message: 'not_found' });

    const metrics = (await h.api.get('/metrics')).json.data[0].metrics;
    assert.ok(metrics['packets.publish.auth_error'] >= 2);
    assert.ok(metrics['packets.subscribe.auth_error'] >= 1);

    // Deleting the deny rule: after the cache is cleared, publishing works again.
    await h.cloud.delete(`/emqx_acl/acl-user/${encodeURIComponent('readonly/#')}`);
    await h.api.delete('/clients/acl-client/acl_cache');
    await subscribe(root, 'readonly/#', 0);
    await publish(user, 'readonly/y', 'now allowed', { qos: 1 });
    const m = await rootBox.next();
    assert.equal(m.topic, 'readonly/y');
  } finally {
    await user.endAsync();
    await root.endAsync();
  }
});
