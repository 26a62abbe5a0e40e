// Pagination conformance on every paginated 4.x endpoint, with enough objects for several pages.
import { test } from '../fixtures.ts';
import { FILL, checkListing } from '../lib/pagination-suite.ts';

test.describe('pagination', () => {
  test('clients: walking every page yields each client once, for several limits', async ({ api, target, check, policy, mqttConnect, prefix }) => {
    const eps = ['v4.list_clients', 'v4.list_node_clients'];
    policy.requireMqtt(eps);
    policy.requireNode(eps);
    const ids: string[] = [];
    for (let i = 0; i < FILL; i++) ids.push((await mqttConnect()).clientId);
    await checkListing(api, target, check, { endpoint: 'v4.list_clients', area: 'clients', opts: () => ({}) }, ids);
    await checkListing(api, target, check, { endpoint: 'v4.list_clients', area: 'clients', opts: () => ({ query: { _like_clientid: prefix } }), filtered: true }, ids);
    await checkListing(api, target, check, { endpoint: 'v4.list_node_clients', area: 'clients', opts: ({ target: t }) => ({ params: { node: t.node! } }) }, ids);
  });

  test('subscriptions and routes: each subscription and route once', async ({ api, target, check, policy, mqttConnect, prefix }) => {
    const eps = ['v4.list_subscriptions', 'v4.list_node_subscriptions', 'v4.list_routes'];
    policy.requireMqtt(eps);
    policy.requireNode(eps);
    const client = await mqttConnect();
    const topics = Array.from({ length: FILL }, (_, i) => `${prefix}/page/${i}`);
    await client.subscribe(topics, 0);
    const keys = topics.map((t) => t);
    await checkListing(api, target, check, { endpoint: 'v4.list_subscriptions', area: 'subscriptions', opts: () => ({}) }, keys);
    await checkListing(api, target, check, { endpoint: 'v4.list_subscriptions', area: 'subscriptions', opts: () => ({ query: { clientid: client.clientId } }), filtered: true }, keys);
    await checkListing(api, target, check, { endpoint: 'v4.list_node_subscriptions', area: 'subscriptions', opts: ({ target: t }) => ({ params: { node: t.node! } }) }, keys);
    await checkListing(api, target, check, { endpoint: 'v4.list_routes', area: 'routes', opts: () => ({}) }, keys);
  });

  test('auth users and ACL rules: each once', async ({ api, target, check, policy, prefix, cleanup }) => {
    policy.requirePresent(['v4.list_auth_users', 'v4.list_acl_rules', 'v4.add_auth_users', 'v4.add_acl_rules', 'v4.delete_auth_user', 'v4.delete_acl_rule']);
    policy.requireMutations(['v4.list_auth_users', 'v4.list_acl_rules']);
    const logins = Array.from({ length: FILL }, (_, i) => `${prefix}-p${i}`);
    for (const login of logins) cleanup(`auth user ${login}`, () => api.call('v4.delete_auth_user', { params: { login } }));
    if (!check.answered(await api.call('v4.add_auth_users', { body: logins.map((login) => ({ login, password: 'pw', is_superuser: false })) }))) return;
    const rules = logins.map((login) => ({ login, topic: `${prefix}/t`, allow: true, action: 'sub' }));
    for (const r of rules) cleanup(`acl ${r.login}`, () => api.call('v4.delete_acl_rule', { params: { login: r.login, topic: r.topic } }));
    if (!check.answered(await api.call('v4.add_acl_rules', { body: rules }))) return;
    await checkListing(api, target, check, { endpoint: 'v4.list_auth_users', area: 'auth_user', opts: () => ({}) }, logins);
    await checkListing(api, target, check, { endpoint: 'v4.list_acl_rules', area: 'emqx_acl', opts: () => ({}) }, logins);
  });
});
