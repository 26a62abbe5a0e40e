// Clients as real MQTT connections: what the broker reports about them, lookups by id,
// username and node, filters, ACL cache, and a kick that really disconnects.
import { test } from '../fixtures.ts';
import { codeOf, data, metaOf, pick } from '../../src/answers.ts';

const FIELDS = ['clientid', 'username', 'proto_ver', 'clean_start', 'keepalive', 'connected'];

test.describe('clients', () => {
  test('a connected client is reported with what it sent in CONNECT, by every lookup', async ({ api, target, check, policy, mqttConnect, prefix }) => {
    const lookups = ['v4.lookup_client', 'v4.lookup_node_client', 'v4.lookup_client_via_username', 'v4.lookup_node_client_via_username', 'v4.list_clients', 'v4.list_node_clients'];
    policy.requireMqtt(lookups);
    policy.requireNode(lookups);
    policy.requireOwnUsernames(lookups);
    const username = `${prefix}-user`;
    const client = await mqttConnect({ username, keepalive: 42, clean: true, protocolVersion: 4 });
    const expected = { clientid: client.clientId, username, proto_ver: 4, clean_start: true, keepalive: 42, connected: true };
    const node = target.node!;
    const calls = [
      await api.call('v4.lookup_client', { params: { clientid: client.clientId } }),
      await api.call('v4.lookup_node_client', { params: { node, clientid: client.clientId } }),
      await api.call('v4.lookup_client_via_username', { params: { username } }),
      await api.call('v4.lookup_node_client_via_username', { params: { node, username } }),
      await api.call('v4.list_clients', { query: { clientid: client.clientId } }),
      await api.call('v4.list_node_clients', { params: { node }, query: { _limit: 10000 } }),
    ];
    for (const call of calls) {
      if (!check.answered(call)) continue;
      const mine = data(call).filter((c) => c.clientid === client.clientId);
      if (check.expectEqual(call.entry.id, 'semantics', 'lists the connected client exactly once', 1, mine.length, call)) {
        check.expectEqual(call.entry.id, 'semantics', 'reports the CONNECT fields', expected, pick(mine[0], FIELDS), call, '/data/0');
        check.expectEqual(call.entry.id, 'semantics', 'reports the node the client is on', node, mine[0]!.node, call, '/data/0/node');
      }
    }
  });

  test('a client id or username nobody uses finds nothing', async ({ api, check, prefix }) => {
    const byId = await api.call('v4.lookup_client', { params: { clientid: `${prefix}-nobody` } });
    if (check.answered(byId)) check.expectEqual('v4.lookup_client', 'semantics', 'data for an unknown client', [], data(byId), byId);
    const byName = await api.call('v4.lookup_client_via_username', { params: { username: `${prefix}-nobody` } });
    if (check.answered(byName)) check.expectEqual('v4.lookup_client_via_username', 'semantics', 'data for an unknown username', [], data(byName), byName);
  });

  test('kicking a client disconnects it', async ({ api, check, policy, mqttConnect }) => {
    policy.requireMqtt(['v4.kickout_client']);
    policy.requireDisruptive(['v4.kickout_client']);
    const client = await mqttConnect();
    const call = await api.call('v4.kickout_client', { params: { clientid: client.clientId } });
    check.expectEqual('v4.kickout_client', 'semantics', 'code', 0, codeOf(call), call, '/code');
    check.expectTrue('v4.kickout_client', 'mqtt-effect', 'closes the MQTT connection', await client.waitForClose(5000), 'the connection closed', 'still connected after 5 s', call);
    await check.eventually('v4.lookup_client', 'semantics', 'a kicked client is gone', async () => {
      const after = await api.call('v4.lookup_client', { params: { clientid: client.clientId } });
      return { value: data(after).filter((c) => c.connected === true), call: after };
    }, (connected) => connected.length === 0, '[] (no connected client of that id)');
  });

  test('the 4.1 filters and fuzzy queries return exactly the matching clients', async ({ api, check, policy, mqttConnect, prefix }) => {
    policy.requireMqtt(['v4.list_clients']);
    policy.requireRelease(['v4.list_clients'], '4.1.0', 'the /clients filters');
    policy.requireOwnUsernames(['v4.list_clients']);
    const a = await mqttConnect({ username: `${prefix}-alice`, protocolVersion: 4 });
    const b = await mqttConnect({ username: `${prefix}-bob`, protocolVersion: 3 });
    const c = await mqttConnect({ username: `${prefix}-alice`, protocolVersion: 4, clean: true });
    const ids = (call: Awaited<ReturnType<typeof api.call>>): string[] => data(call).map((x) => String(x.clientid)).filter((id) => id.startsWith(prefix)).sort();
    const cases: [Record<string, string | number>, string[]][] = [
      [{ _like_clientid: prefix }, [a, b, c].map((x) => x.clientId).sort()],
      [{ clientid: b.clientId }, [b.clientId]],
      [{ username: `${prefix}-alice` }, [a.clientId, c.clientId].sort()],
      [{ _like_username: `${prefix}-bo` }, [b.clientId]],
      [{ _like_clientid: prefix, proto_ver: 3 }, [b.clientId]],
      [{ _like_clientid: prefix, conn_state: 'connected' }, [a, b, c].map((x) => x.clientId).sort()],
    ];
    for (const [query, expected] of cases) {
      const call = await api.call('v4.list_clients', { query: { ...query, _limit: 10000 } });
      if (!check.answered(call)) continue;
      check.expectEqual('v4.list_clients', 'semantics', `clients matching ${JSON.stringify(query)}`, expected, ids(call), call);
      const meta = metaOf<{ count?: unknown }>(call);
      check.expectEqual('v4.list_clients', 'pagination', 'meta.count on a filtered query (4.1+: -1)', -1, meta?.count, call, '/meta/count');
    }
  });

  test('the ACL cache of a client can be read and cleaned', async ({ api, check, policy, mqttConnect, prefix }) => {
    policy.requireMqtt(['v4.list_acl_cache', 'v4.clean_acl_cache']);
    const client = await mqttConnect();
    await client.publish(`${prefix}/acl`, 'x', { qos: 1 });
    const read = await api.call('v4.list_acl_cache', { params: { clientid: client.clientId } });
    check.expectEqual('v4.list_acl_cache', 'semantics', 'code', 0, codeOf(read), read, '/code');
    const clean = await api.call('v4.clean_acl_cache', { params: { clientid: client.clientId } });
    check.expectEqual('v4.clean_acl_cache', 'semantics', 'code', 0, codeOf(clean), clean, '/code');
    const after = await api.call('v4.list_acl_cache', { params: { clientid: client.clientId } });
    if (check.answered(after)) check.expectEqual('v4.list_acl_cache', 'semantics', 'entries after cleaning', [], data(after), after);
  });
});
