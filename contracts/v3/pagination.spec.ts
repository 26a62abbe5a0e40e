// Pagination conformance on every paginated 3.x endpoint (no hasnext in 3.x).
import { test } from '../fixtures.ts';
import { FILL, checkListing } from '../lib/pagination-suite.ts';

test.describe('pagination', () => {
  test('connections and sessions: each once, for several limits', async ({ api, target, check, policy, mqttConnect }) => {
    const eps = ['v3.list_connections', 'v3.list_node_connections', 'v3.list_sessions', 'v3.list_node_sessions'];
    policy.requireMqtt(eps);
    policy.requireNode(eps);
    const ids: string[] = [];
    for (let i = 0; i < FILL; i++) ids.push((await mqttConnect()).clientId);
    const node = (): { params: { node: string } } => ({ params: { node: target.node! } });
    await checkListing(api, target, check, { endpoint: 'v3.list_connections', area: 'connections', opts: () => ({}) }, ids);
    await checkListing(api, target, check, { endpoint: 'v3.list_node_connections', area: 'connections', opts: node }, ids);
    await checkListing(api, target, check, { endpoint: 'v3.list_sessions', area: 'sessions', opts: () => ({}) }, ids);
    await checkListing(api, target, check, { endpoint: 'v3.list_node_sessions', area: 'sessions', opts: node }, ids);
  });

  test('subscriptions and routes: each once', async ({ api, target, check, policy, mqttConnect, prefix }) => {
    const eps = ['v3.list_subscriptions', 'v3.list_node_subscriptions', 'v3.list_routes'];
    policy.requireMqtt(eps);
    policy.requireNode(eps);
    const client = await mqttConnect();
    const topics = Array.from({ length: FILL }, (_, i) => `${prefix}/page/${i}`);
    await client.subscribe(topics, 0);
    await checkListing(api, target, check, { endpoint: 'v3.list_subscriptions', area: 'subscriptions', opts: () => ({}) }, topics);
    await checkListing(api, target, check, { endpoint: 'v3.list_node_subscriptions', area: 'subscriptions', opts: () => ({ params: { node: target.node! } }) }, topics);
    await checkListing(api, target, check, { endpoint: 'v3.list_routes', area: 'routes', opts: () => ({}) }, topics);
  });

  test('banned: each record once', async ({ api, target, check, policy, prefix, cleanup }) => {
    policy.requireMutations(['v3.list_banned']);
    const who = Array.from({ length: FILL }, (_, i) => `${prefix}-b${i}`);
    for (const w of who) {
      cleanup(`banned ${w}`, () => api.call('v3.delete_banned', { params: { who: w }, query: { as: 'client_id' } }));
      await api.call('v3.create_banned', { body: { who: w, as: 'client_id', reason: 'harness', desc: 'harness', until: Math.floor(Date.now() / 1000) + 600 } });
    }
    await checkListing(api, target, check, { endpoint: 'v3.list_banned', area: 'banned', opts: () => ({}) }, who);
  });
});
