// 3.x semantics with real MQTT clients: connections and sessions, subscriptions and
// routes, publish/subscribe through the API, kick, banned, plugins, rules, resources,
// and counters that move with traffic.
import type { ApiCall } from '../../src/api-client.ts';
import { ConnectRefused } from '../../src/mqtt.ts';
import { HARMLESS_PLUGINS, discardSession } from '../recipes/v3.ts';
import { test } from '../fixtures.ts';
import { codeOf, data, pick } from '../../src/answers.ts';
import { arrivedBefore } from '../lib/delivery.ts';

const topicsOf = (call: ApiCall): string[] => data(call).map((s) => String(s.topic)).sort();

test.describe('connections and sessions', () => {
  test('a connected client is reported by every connection and session lookup', async ({ api, target, check, policy, mqttConnect, prefix }) => {
    const eps = ['v3.lookup_connections', 'v3.lookup_node_connections', 'v3.lookup_connection_via_username', 'v3.lookup_node_connection_via_username', 'v3.lookup_session', 'v3.lookup_node_session', 'v3.list_connections', 'v3.list_sessions'];
    policy.requireMqtt(eps);
    policy.requireNode(eps);
    policy.requireOwnUsernames(eps);
    const username = `${prefix}-user`;
    const client = await mqttConnect({ username, keepalive: 33, protocolVersion: 4 });
    const node = target.node!;
    const connCalls = [
      await api.call('v3.lookup_connections', { params: { clientid: client.clientId } }),
      await api.call('v3.lookup_node_connections', { params: { node, clientid: client.clientId } }),
      await api.call('v3.lookup_connection_via_username', { params: { username } }),
      await api.call('v3.lookup_node_connection_via_username', { params: { node, username } }),
      await api.call('v3.list_connections', { query: { _limit: 100000 } }),
    ];
    for (const call of connCalls) {
      if (check.isAbsent(call.entry.id) || !check.answered(call)) continue;
      const mine = data(call).filter((c) => c.client_id === client.clientId);
      if (check.expectEqual(call.entry.id, 'semantics', 'lists the connection exactly once', 1, mine.length, call)) {
        check.expectEqual(call.entry.id, 'semantics', 'reports the CONNECT fields', { client_id: client.clientId, username, proto_ver: 4, keepalive: 33, clean_start: true, node }, pick(mine[0], ['client_id', 'username', 'proto_ver', 'keepalive', 'clean_start', 'node']), call, '/data/0');
      }
    }
    const sessCalls = [
      await api.call('v3.lookup_session', { params: { clientid: client.clientId } }),
      await api.call('v3.lookup_node_session', { params: { node, clientid: client.clientId } }),
      await api.call('v3.list_sessions', { query: { _limit: 100000 } }),
    ];
    for (const call of sessCalls) {
      if (check.isAbsent(call.entry.id) || !check.answered(call)) continue;
      const mine = data(call).filter((c) => c.client_id === client.clientId);
      check.expectEqual(call.entry.id, 'semantics', 'lists the session exactly once', 1, mine.length, call);
    }
  });

  test('kicking a connection disconnects it', async ({ api, check, policy, mqttConnect }) => {
    policy.requireMqtt(['v3.kickout_connection']);
    policy.requireDisruptive(['v3.kickout_connection']);
    const client = await mqttConnect();
    const call = await api.call('v3.kickout_connection', { params: { clientid: client.clientId } });
    check.expectEqual('v3.kickout_connection', 'semantics', 'code', 0, codeOf(call), call, '/code');
    check.expectTrue('v3.kickout_connection', 'mqtt-effect', 'closes the MQTT connection', await client.waitForClose(5000), 'the connection closed', 'still connected after 5 s', call);
  });

  test('a persistent session can be cleaned', async ({ api, target, check, policy, mqttConnect, cleanup }) => {
    policy.requirePresent(['v3.clean_presisent_session', 'v3.lookup_session']);
    policy.requireMqtt(['v3.clean_presisent_session']);
    policy.requireDisruptive(['v3.clean_presisent_session']);
    const client = await mqttConnect({ clean: false });
    await client.end();
    cleanup(`session ${client.clientId}`, () => discardSession(target, client.clientId));
    const call = await api.call('v3.clean_presisent_session', { params: { clientid: client.clientId } });
    check.expectEqual('v3.clean_presisent_session', 'semantics', 'code', 0, codeOf(call), call, '/code');
    await check.eventually('v3.clean_presisent_session', 'semantics', 'the session is gone', async () => {
      const after = await api.call('v3.lookup_session', { params: { clientid: client.clientId } });
      return { value: data(after), call: after };
    }, (d) => d.length === 0, '[]');
  });
});

test.describe('subscriptions, routes, publish and subscribe', () => {
  test('subscriptions appear per client and node, and make routes', async ({ api, target, check, policy, mqttConnect, prefix }) => {
    const eps = ['v3.lookup_client_subscriptions', 'v3.lookup_client_subscriptions_with_node', 'v3.list_subscriptions', 'v3.list_routes', 'v3.lookup_routes'];
    policy.requireMqtt(eps);
    policy.requireNode(eps);
    const client = await mqttConnect();
    const topics = [`${prefix}/a/+`, `${prefix}/b/#`];
    await client.subscribe(topics, 1);
    const node = target.node!;
    const byClient = await api.call('v3.lookup_client_subscriptions', { params: { clientid: client.clientId } });
    check.expectEqual('v3.lookup_client_subscriptions', 'semantics', 'topics of the client', [...topics].sort(), topicsOf(byClient), byClient);
    const onNode = await api.call('v3.lookup_client_subscriptions_with_node', { params: { node, clientid: client.clientId } });
    check.expectEqual('v3.lookup_client_subscriptions_with_node', 'semantics', 'topics of the client on its node', [...topics].sort(), topicsOf(onNode), onNode);
    const all = await api.call('v3.list_subscriptions', { query: { _limit: 100000 } });
    check.expectEqual('v3.list_subscriptions', 'semantics', 'the listing has them', [...topics].sort(), data(all).filter((s) => s.client_id === client.clientId).map((s) => String(s.topic)).sort(), all);
    const routes = await api.call('v3.list_routes', { query: { _limit: 100000 } });
    check.expectEqual('v3.list_routes', 'semantics', 'a route per filter', [...topics].sort(), topicsOf(routes).filter((t) => t.startsWith(prefix)), routes);
    const one = await api.call('v3.lookup_routes', { params: { topic: topics[0]! } });
    check.expectEqual('v3.lookup_routes', 'semantics', 'the route of a wildcard filter (URL-encoded)', [{ topic: topics[0], node }], data(one).map((r) => ({ topic: r.topic, node: r.node })), one);
  });

  test('publish reaches a subscriber; subscribe and unsubscribe act on the client', async ({ api, check, policy, mqttConnect, prefix }) => {
    const eps = ['v3.mqtt_publish', 'v3.mqtt_subscribe', 'v3.mqtt_unsubscribe'];
    policy.requireMqtt(eps);
    policy.requireDisruptive(eps);
    const client = await mqttConnect();
    const control = `${prefix}/control`;
    await client.subscribe(control, 1);
    const sub = await api.call('v3.mqtt_subscribe', { body: { topic: `${prefix}/t`, qos: 1, client_id: client.clientId } });
    check.expectEqual('v3.mqtt_subscribe', 'semantics', 'code', 0, codeOf(sub), sub, '/code');
    // the REST subscribe is handed to the client's process and lands a moment after the
    // answer (docs/emqx-behaviour.md §20): publish until it arrives, to a deadline
    let n = 0;
    const publishAndSee = async (): Promise<{ value: string | null; call: ApiCall }> => {
      const payload = `hello v3 ${n++}`;
      const call = await api.call('v3.mqtt_publish', { body: { topic: `${prefix}/t`, payload, qos: 1, retain: false, client_id: `${prefix}-api` } });
      const m = await client.waitFor((x) => x.topic === `${prefix}/t` && x.payload.toString() === payload, 300);
      return { value: m ? payload : null, call };
    };
    const seen = await check.eventually('v3.mqtt_publish', 'mqtt-effect', 'payload received by the client subscribed through the API', publishAndSee, (v) => v !== null, 'the published payload');
    check.expectTrue('v3.mqtt_subscribe', 'mqtt-effect', 'the client receives on the subscribed topic', seen, 'a message', 'nothing', sub);
    const unsub = await api.call('v3.mqtt_unsubscribe', { body: { topic: `${prefix}/t`, client_id: client.clientId } });
    check.expectEqual('v3.mqtt_unsubscribe', 'semantics', 'code', 0, codeOf(unsub), unsub, '/code');
    let k = 0;
    const stillDelivered = async (): Promise<{ value: boolean }> => {
      const late = `late ${k}`;
      const ctl = `c ${k++}`;
      await api.call('v3.mqtt_publish', { body: { topic: `${prefix}/t`, payload: late, qos: 1, retain: false, client_id: `${prefix}-api` } });
      const r = await arrivedBefore(client, (x) => x.topic === `${prefix}/t` && x.payload.toString() === late, () => api.call('v3.mqtt_publish', { body: { topic: control, payload: ctl, qos: 1, retain: false, client_id: `${prefix}-api` } }), (x) => x.topic === control && x.payload.toString() === ctl);
      if (!r.controlSeen) throw new Error('the control message did not arrive: the subscriber is not receiving at all');
      return { value: r.unwantedSeen };
    };
    await check.eventually('v3.mqtt_unsubscribe', 'mqtt-effect', 'nothing arrives after unsubscribing (a control message published after it does)', stillDelivered, (x) => !x, 'the control message only');
  });
});

test.describe('banned, plugins, rules and resources', () => {
  test('a banned client id is refused at CONNECT until the ban is removed', async ({ api, check, policy, mqttConnect, prefix, cleanup }) => {
    const eps = ['v3.create_banned', 'v3.list_banned', 'v3.delete_banned'];
    policy.requireMutations(eps);
    policy.requireMqtt(eps);
    const who = `${prefix}-banned`;
    cleanup(`banned ${who}`, () => api.call('v3.delete_banned', { params: { who }, query: { as: 'client_id' } }));
    const ban = await api.call('v3.create_banned', { body: { who, as: 'client_id', reason: 'harness', desc: 'harness', until: Math.floor(Date.now() / 1000) + 600 } });
    check.expectEqual('v3.create_banned', 'semantics', 'echoes the record', { who, as: 'client_id' }, pick(data(ban)[0], ['who', 'as']), ban);
    const refused = await mqttConnect({ clientId: who }).then((c) => (c.end(), false), (e: unknown) => e instanceof ConnectRefused);
    check.expectTrue('v3.create_banned', 'mqtt-effect', 'a banned client id is refused at CONNECT', refused, 'CONNECT refused', 'connected', ban);
    const list = await api.call('v3.list_banned', { query: { _limit: 100000 } });
    check.expectEqual('v3.list_banned', 'semantics', 'lists the ban once', 1, data(list).filter((b) => b.who === who).length, list);
    const del = await api.call('v3.delete_banned', { params: { who }, query: { as: 'client_id' } });
    check.expectEqual('v3.delete_banned', 'semantics', 'code', 0, codeOf(del), del, '/code');
    const back = await mqttConnect({ clientId: who }).then((c) => (c.end(), true), () => false);
    check.expectTrue('v3.delete_banned', 'mqtt-effect', 'the client connects again once unbanned', back, 'connected', 'refused', del);
  });

  test('loading and unloading a plugin changes its active flag', async ({ api, target, check, policy, cleanup }) => {
    const eps = ['v3.load_plugin', 'v3.unload_plugin', 'v3.list_node_plugins'];
    policy.requireMutations(eps);
    policy.requireNode(eps);
    const node = target.node!;
    const plugins = async (): Promise<Record<string, unknown>[]> => data(await api.call('v3.list_node_plugins', { params: { node } }));
    const plugin = HARMLESS_PLUGINS.semantics;
    if ((await plugins()).find((p) => p.name === plugin)?.active !== false) {
      check.skip(eps, 'semantics', `${plugin} is not an inactive plugin on this target`);
      test.skip(true, `${plugin} is not inactive`);
      return;
    }
    cleanup(`unload ${plugin}`, () => api.call('v3.unload_plugin', { params: { node, plugin } }));
    const load = await api.call('v3.load_plugin', { params: { node, plugin } });
    check.expectEqual('v3.load_plugin', 'semantics', 'code', 0, codeOf(load), load, '/code');
    check.expectEqual('v3.load_plugin', 'semantics', `${plugin} is active after load`, true, (await plugins()).find((p) => p.name === plugin)?.active, load);
    const unload = await api.call('v3.unload_plugin', { params: { node, plugin } });
    check.expectEqual('v3.unload_plugin', 'semantics', 'code', 0, codeOf(unload), unload, '/code');
    check.expectEqual('v3.unload_plugin', 'semantics', `${plugin} is inactive after unload`, false, (await plugins()).find((p) => p.name === plugin)?.active, unload);
  });

  test('a rule and a resource are created, shown, listed and deleted', async ({ api, check, policy, prefix, cleanup }) => {
    const eps = ['v3.create_rule', 'v3.show_rule', 'v3.list_rules', 'v3.delete_rule', 'v3.create_resource', 'v3.show_resource', 'v3.list_resources', 'v3.delete_resource'];
    policy.requirePresent(eps);
    policy.requireMutations(eps);
    const rule = { name: `${prefix}-rule`, for: 'message.publish', rawsql: `select * from "${prefix}/r"`, actions: [{ name: 'built_in:inspect_action', params: {} }], description: `${prefix} rule` };
    const created = await api.call('v3.create_rule', { body: rule });
    const id = String(data(created)[0]?.id ?? '');
    if (check.expectTrue('v3.create_rule', 'semantics', 'answers the new rule with an id', id !== '', 'data.id', created.response.text.slice(0, 200), created)) {
      cleanup(`rule ${id}`, () => api.call('v3.delete_rule', { params: { id } }));
      const shown = await api.call('v3.show_rule', { params: { id } });
      check.expectEqual('v3.show_rule', 'semantics', 'shows the rule', { id, rawsql: rule.rawsql }, pick(data(shown)[0], ['id', 'rawsql']), shown);
      const list = await api.call('v3.list_rules');
      if (check.answered(list)) check.expectEqual('v3.list_rules', 'semantics', 'lists it once', 1, data(list).filter((r) => r.id === id).length, list);
      const del = await api.call('v3.delete_rule', { params: { id } });
      check.expectEqual('v3.delete_rule', 'semantics', 'code', 0, codeOf(del), del, '/code');
      const list2 = await api.call('v3.list_rules');
      if (check.answered(list2)) check.expectEqual('v3.delete_rule', 'semantics', 'gone from the listing', 0, data(list2).filter((r) => r.id === id).length, list2);
    }
    const res = { name: `${prefix}-res`, type: 'built_in', config: { a: 1 }, description: `${prefix} resource` };
    const made = await api.call('v3.create_resource', { body: res });
    const rid = String(data(made)[0]?.id ?? '');
    if (check.expectTrue('v3.create_resource', 'semantics', 'answers the new resource with an id', rid !== '', 'data.id', made.response.text.slice(0, 200), made)) {
      cleanup(`resource ${rid}`, () => api.call('v3.delete_resource', { params: { id: rid } }));
      const shown = await api.call('v3.show_resource', { params: { id: rid } });
      check.expectEqual('v3.show_resource', 'semantics', 'shows the resource', { id: rid, type: 'built_in' }, pick(data(shown)[0], ['id', 'type']), shown);
      const list = await api.call('v3.list_resources');
      if (check.answered(list)) check.expectEqual('v3.list_resources', 'semantics', 'lists it once', 1, data(list).filter((r) => r.id === rid).length, list);
      const del = await api.call('v3.delete_resource', { params: { id: rid } });
      check.expectEqual('v3.delete_resource', 'semantics', 'code', 0, codeOf(del), del, '/code');
    }
  });

  test('metrics and stats move with traffic', async ({ api, target, check, policy, mqttConnect, prefix }) => {
    const eps = ['v3.list_node_metrics', 'v3.lookup_node_stats'];
    policy.requireMqtt(eps);
    policy.requireNode(eps);
    const node = target.node!;
    const metric = async (key: string): Promise<number> => Number((data(await api.call('v3.list_node_metrics', { params: { node } }))[0] as Record<string, unknown> | undefined)?.[key] ?? NaN);
    const before = await metric('messages/received');
    const [sub, pub] = [await mqttConnect(), await mqttConnect()];
    await sub.subscribe(`${prefix}/n/#`, 1);
    for (let i = 0; i < 4; i++) await pub.publish(`${prefix}/n/${i}`, 'x', { qos: 1 });
    await sub.waitFor((m) => m.topic === `${prefix}/n/3`);
    const after = await metric('messages/received');
    check.expectTrue('v3.list_node_metrics', 'semantics', 'messages/received grows by at least the 4 messages published', after - before >= 4, '>= +4', `${before} → ${after}`);
    // stats are refreshed on a timer (docs/emqx-behaviour.md §21)
    await check.eventually('v3.lookup_node_stats', 'semantics', 'connections/count counts at least the 2 clients held', async () => {
      const call = await api.call('v3.lookup_node_stats', { params: { node } });
      return { value: (data(call)[0] as Record<string, number> | undefined)?.['connections/count'], call };
    }, (n) => (n ?? 0) >= 2, '>= 2');
  });
});
