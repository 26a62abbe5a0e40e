// Objects the API manages: auth users, ACL rules, rules, resources. Each is created,
// read back, changed and removed, and a republish rule really republishes.
import { test } from '../fixtures.ts';
import type { ApiCall } from '../../src/api-client.ts';
import { codeOf, data, dataOf, pick } from '../../src/answers.ts';

test.describe('auth data and ACL rules round-trip', () => {
  test('an auth user is added, listed, updated and deleted', async ({ api, check, policy, prefix, cleanup }) => {
    const eps = ['v4.add_auth_users', 'v4.list_auth_users', 'v4.update_auth_user', 'v4.delete_auth_user'];
    policy.requirePresent(eps);
    policy.requireMutations(eps);
    const login = `${prefix}-user`;
    cleanup(`auth user ${login}`, () => api.call('v4.delete_auth_user', { params: { login } }));
    const add = await api.call('v4.add_auth_users', { body: [{ login, password: 'pw-1', is_superuser: false }] });
    check.expectEqual('v4.add_auth_users', 'semantics', 'per-login result', { [login]: 'ok' }, dataOf(add), add, '/data');
    const listing = () => api.call('v4.list_auth_users', { query: { _limit: 100000 } });
    const mine = (call: ApiCall) => data(call).find((u) => u.login === login);
    const l1 = await listing();
    if (check.answered(l1)) check.expectEqual('v4.list_auth_users', 'semantics', 'the added user with its flags', { login, is_superuser: false }, pick(mine(l1), ['login', 'is_superuser']), l1);
    const upd = await api.call('v4.update_auth_user', { params: { login }, body: { password: 'pw-2', is_superuser: true } });
    check.expectEqual('v4.update_auth_user', 'semantics', 'code', 0, codeOf(upd), upd, '/code');
    const l2 = await listing();
    if (check.answered(l2)) check.expectEqual('v4.update_auth_user', 'semantics', 'is_superuser after the update', true, mine(l2)?.is_superuser, l2);
    const del = await api.call('v4.delete_auth_user', { params: { login } });
    check.expectEqual('v4.delete_auth_user', 'semantics', 'code', 0, codeOf(del), del, '/code');
    const l3 = await listing();
    if (check.answered(l3)) check.expectEqual('v4.delete_auth_user', 'semantics', 'the user is gone from the listing', undefined, mine(l3), l3);
  });

  test('an ACL rule is added, listed and deleted', async ({ api, check, policy, prefix, cleanup }) => {
    const eps = ['v4.add_acl_rules', 'v4.list_acl_rules', 'v4.delete_acl_rule'];
    policy.requirePresent(eps);
    policy.requireMutations(eps);
    const rule = { login: `${prefix}-user`, topic: `${prefix}/acl/#`, allow: false, action: 'pubsub' };
    cleanup('acl rule', () => api.call('v4.delete_acl_rule', { params: { login: rule.login, topic: rule.topic } }));
    const add = await api.call('v4.add_acl_rules', { body: [rule] });
    check.expectEqual('v4.add_acl_rules', 'semantics', 'code', 0, codeOf(add), add, '/code');
    const listing = () => api.call('v4.list_acl_rules', { query: { _limit: 100000 } });
    const mine = (call: ApiCall) => data(call).find((r) => r.login === rule.login && r.topic === rule.topic);
    const l1 = await listing();
    if (check.answered(l1)) check.expectEqual('v4.list_acl_rules', 'semantics', 'the added rule', rule, pick(mine(l1), ['login', 'topic', 'allow', 'action']), l1);
    const del = await api.call('v4.delete_acl_rule', { params: { login: rule.login, topic: rule.topic } });
    check.expectEqual('v4.delete_acl_rule', 'semantics', 'code', 0, codeOf(del), del, '/code');
    const l2 = await listing();
    if (check.answered(l2)) check.expectEqual('v4.delete_acl_rule', 'semantics', 'the rule is gone (topic URL-encoded in the path)', undefined, mine(l2), l2);
  });
});

test.describe('rule engine', () => {
  test('a rule is created, shown, listed, updated and deleted', async ({ api, check, policy, prefix, cleanup }) => {
    const eps = ['v4.create_rule', 'v4.show_rule', 'v4.list_rules', 'v4.update_rule', 'v4.delete_rule'];
    policy.requirePresent(eps);
    policy.requireMutations(eps);
    const body = { rawsql: `SELECT * FROM "${prefix}/rule/#"`, actions: [{ name: 'do_nothing', params: {} }], description: `${prefix} crud` };
    const created = await api.call('v4.create_rule', { body });
    const rule = data(created)[0];
    const id = String(rule?.id ?? '');
    if (!check.expectTrue('v4.create_rule', 'semantics', 'answers the new rule with an id', id.length > 0, 'data.id', JSON.stringify(rule), created)) return;
    cleanup(`rule ${id}`, () => api.call('v4.delete_rule', { params: { rule_id: id } }));
    check.expectEqual('v4.create_rule', 'semantics', 'echoes the SQL, the description and the FROM topics as `for`', { rawsql: body.rawsql, description: body.description, for: [`${prefix}/rule/#`] }, pick(rule, ['rawsql', 'description', 'for']), created);
    const shown = await api.call('v4.show_rule', { params: { rule_id: id } });
    if (check.answered(shown)) check.expectEqual('v4.show_rule', 'semantics', 'shows what was created', pick(rule, ['id', 'rawsql', 'description']), pick(data(shown)[0], ['id', 'rawsql', 'description']), shown);
    const list = await api.call('v4.list_rules', { query: { _limit: 10000 } });
    if (check.answered(list)) check.expectEqual('v4.list_rules', 'semantics', 'lists the rule once', 1, data(list).filter((r) => r.id === id).length, list);
    const upd = await api.call('v4.update_rule', { params: { rule_id: id }, body: { rawsql: `SELECT * FROM "${prefix}/other"`, description: `${prefix} changed` } });
    if (check.answered(upd)) {
      check.expectEqual('v4.update_rule', 'semantics', 'the updated SQL and description', { rawsql: `SELECT * FROM "${prefix}/other"`, description: `${prefix} changed` }, pick(data(upd)[0], ['rawsql', 'description']), upd);
    }
    const del = await api.call('v4.delete_rule', { params: { rule_id: id } });
    check.expectEqual('v4.delete_rule', 'semantics', 'code', 0, codeOf(del), del, '/code');
    const list2 = await api.call('v4.list_rules', { query: { _limit: 10000 } });
    if (check.answered(list2)) check.expectEqual('v4.delete_rule', 'semantics', 'the rule is gone from the listing', 0, data(list2).filter((r) => r.id === id).length, list2);
  });

  test('a republish rule republishes matching messages', async ({ api, check, policy, prefix, cleanup, mqttConnect }) => {
    policy.requirePresent(['v4.create_rule', 'v4.delete_rule']);
    policy.requireMutations(['v4.create_rule']);
    policy.requireMqtt(['v4.create_rule']);
    const body = {
      rawsql: `SELECT * FROM "${prefix}/in"`,
      actions: [{ name: 'republish', params: { target_topic: `${prefix}/out`, target_qos: 1, payload_tmpl: '${payload}' } }],
      description: `${prefix} republish`,
    };
    const created = await api.call('v4.create_rule', { body });
    const id = String(data(created)[0]?.id ?? '');
    if (!check.expectTrue('v4.create_rule', 'semantics', 'creates a republish rule', codeOf(created) === 0 && id !== '', 'code 0 and an id', created.response.text.slice(0, 200), created)) return;
    cleanup(`rule ${id}`, () => api.call('v4.delete_rule', { params: { rule_id: id } }));
    const sub = await mqttConnect();
    await sub.subscribe(`${prefix}/out`, 1);
    const pub = await mqttConnect();
    await pub.publish(`${prefix}/in`, 'via rule', { qos: 1 });
    const m = await sub.waitFor((x) => x.topic === `${prefix}/out`, 5000);
    check.expectEqual('v4.create_rule', 'mqtt-effect', 'the republished payload on the target topic', 'via rule', m?.payload.toString() ?? null, created);
  });

  test('a resource is created, shown, listed and deleted', async ({ api, check, policy, prefix, cleanup }) => {
    const eps = ['v4.create_resource', 'v4.show_resource', 'v4.list_resources', 'v4.delete_resource'];
    policy.requirePresent(eps);
    policy.requireMutations(eps);
    const body = { type: 'web_hook', config: { url: 'http://127.0.0.1:9910', method: 'POST', headers: {} }, description: `${prefix} resource` };
    const created = await api.call('v4.create_resource', { body });
    const res = data(created)[0];
    const id = String(res?.id ?? '');
    if (!check.expectTrue('v4.create_resource', 'semantics', 'answers the new resource with an id', id.length > 0, 'data.id', JSON.stringify(res), created)) return;
    cleanup(`resource ${id}`, () => api.call('v4.delete_resource', { params: { resource_id: id } }));
    // EMQX fills defaults into config: what was sent must come back, more is allowed
    check.expectEcho('v4.create_resource', 'semantics', 'echoes type, config and description', pick(body, ['type', 'config', 'description']), pick(res, ['type', 'config', 'description']), created);
    const shown = await api.call('v4.show_resource', { params: { resource_id: id } });
    if (check.answered(shown)) check.expectEqual('v4.show_resource', 'semantics', 'shows what was created', { id, type: 'web_hook' }, pick(data(shown)[0], ['id', 'type']), shown);
    const list = await api.call('v4.list_resources');
    if (check.answered(list)) check.expectEqual('v4.list_resources', 'semantics', 'lists the resource once', 1, data(list).filter((r) => r.id === id).length, list);
    const del = await api.call('v4.delete_resource', { params: { resource_id: id } });
    check.expectEqual('v4.delete_resource', 'semantics', 'code', 0, codeOf(del), del, '/code');
    const list2 = await api.call('v4.list_resources');
    if (check.answered(list2)) check.expectEqual('v4.delete_resource', 'semantics', 'the resource is gone', 0, data(list2).filter((r) => r.id === id).length, list2);
  });
});

test.describe('metrics and stats move with traffic', () => {
  test('counters grow by at least the traffic this test made', async ({ api, target, check, policy, mqttConnect, prefix }) => {
    const eps = ['v4.list_all_metrics', 'v4.list_node_metrics', 'v4.list_stats', 'v4.lookup_node_stats'];
    policy.requireMqtt(eps);
    policy.requireNode(eps);
    const node = target.node!;
    const metrics = async (): Promise<{ value: Record<string, number>; call: ApiCall }> => {
      const call = await api.call('v4.list_node_metrics', { params: { node } });
      return { value: (data(call)[0] ?? {}) as Record<string, number>, call };
    };
    const first = await metrics();
    if (!check.answered(first.call)) return;
    const before = first.value;
    const clients = [await mqttConnect(), await mqttConnect()];
    await clients[0]!.subscribe(`${prefix}/count/#`, 1);
    for (let i = 0; i < 5; i++) await clients[1]!.publish(`${prefix}/count/${i}`, 'x', { qos: 1 });
    await clients[0]!.waitFor((m) => m.topic === `${prefix}/count/4`);
    const grew = (key: string, by: number) => (m: Record<string, number>) => (m[key] ?? NaN) - (before[key] ?? NaN) >= by;
    await check.eventually('v4.list_node_metrics', 'semantics', 'messages.received grows by at least the 5 messages published', metrics, grew('messages.received', 5), `>= ${(before['messages.received'] ?? 0) + 5}`);
    await check.eventually('v4.list_node_metrics', 'semantics', 'packets.connect.received grows by at least the 2 connections', metrics, grew('packets.connect.received', 2), `>= ${(before['packets.connect.received'] ?? 0) + 2}`);
    await check.eventually(
      'v4.list_all_metrics',
      'semantics',
      'the cluster listing carries the node and its grown counters',
      async () => {
        const call = await api.call('v4.list_all_metrics');
        return { value: (data(call).find((n) => n.node === node)?.metrics ?? {}) as Record<string, number>, call };
      },
      grew('messages.received', 5),
      `messages.received >= ${(before['messages.received'] ?? 0) + 5} for ${node}`,
    );
    // stats are refreshed on a timer, not at each connect (docs/emqx-behaviour.md §21)
    const stats = async (): Promise<{ value: Record<string, number>; call: ApiCall }> => {
      const call = await api.call('v4.lookup_node_stats', { params: { node } });
      return { value: (data(call)[0] ?? {}) as Record<string, number>, call };
    };
    await check.eventually('v4.lookup_node_stats', 'semantics', 'connections.count counts at least the clients this test holds', stats, (x) => (x['connections.count'] ?? 0) >= 2, '>= 2');
    await check.eventually('v4.lookup_node_stats', 'semantics', 'subscriptions.count counts at least the subscription this test holds', stats, (x) => (x['subscriptions.count'] ?? 0) >= 1, '>= 1');
    const cluster = await api.call('v4.list_stats');
    if (check.answered(cluster)) check.expectTrue('v4.list_stats', 'semantics', 'the cluster listing has the node', data(cluster).some((n) => n.node === node), `an entry for ${node}`, JSON.stringify(data(cluster).map((n) => n.node)), cluster);
  });
});
