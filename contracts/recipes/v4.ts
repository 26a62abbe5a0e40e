// How to call each endpoint of the 4.x/Cloud document validly (see types.ts).
import type { Recipe, RecipeContext } from './types.ts';
import { dataOf } from '../../src/answers.ts';
import { SetupFailed, removeCreated, removeLater, residentOf, setup } from './types.ts';

const none: Recipe = { make: async () => ({}) };
const node: Recipe = { make: async (c) => ({ params: { node: c.node } }) };
const resident = (extra: (c: RecipeContext) => Record<string, string> = () => ({})): Recipe => ({
  mqtt: true,
  make: async (c) => ({ params: { clientid: residentOf(c).clientId, node: c.node, username: residentOf(c).username ?? '', ...extra(c) } }),
});

async function authUser(c: RecipeContext): Promise<string> {
  const login = `${c.prefix}-u`;
  await setup(c, 'v4.add_auth_users', { body: [{ login, password: 'harness-pw', is_superuser: false }] });
  removeLater(c, `auth user ${login}`, 'v4.delete_auth_user', { params: { login } });
  return login;
}

async function aclRule(c: RecipeContext): Promise<{ login: string; topic: string }> {
  const rule = { login: `${c.prefix}-u`, topic: `${c.prefix}/acl`, allow: true, action: 'pubsub' };
  await setup(c, 'v4.add_acl_rules', { body: [rule] });
  removeLater(c, `acl rule ${rule.login}`, 'v4.delete_acl_rule', { params: { login: rule.login, topic: rule.topic } });
  return rule;
}

export function ruleBody(c: RecipeContext): { rawsql: string; actions: { name: string; params: object }[]; description: string } {
  return { rawsql: `SELECT * FROM "${c.prefix}/rule"`, actions: [{ name: 'do_nothing', params: {} }], description: `${c.prefix} rule` };
}

async function rule(c: RecipeContext): Promise<string> {
  const id = dataOf<{ id: string }>(await setup(c, 'v4.create_rule', { body: ruleBody(c) })).id;
  removeLater(c, `rule ${id}`, 'v4.delete_rule', { params: { rule_id: id } });
  return id;
}

export function resourceBody(c: RecipeContext): { type: string; config: object; description: string } {
  return { type: 'web_hook', config: { url: 'http://127.0.0.1:9910', method: 'POST', headers: {} }, description: `${c.prefix} resource` };
}

async function resource(c: RecipeContext): Promise<string> {
  const id = dataOf<{ id: string }>(await setup(c, 'v4.create_resource', { body: resourceBody(c) })).id;
  removeLater(c, `resource ${id}`, 'v4.delete_resource', { params: { resource_id: id } });
  return id;
}

async function firstName(c: RecipeContext, endpoint: string): Promise<string> {
  const list = dataOf<{ name?: string }[]>(await setup(c, endpoint, {}));
  const name = list[0]?.name;
  if (!name) throw new SetupFailed(`${endpoint} lists nothing to look up`);
  return name;
}

export const v4Recipes: Record<string, Recipe> = {
  'v4.list_brokers': none,
  'v4.get_broker': node,
  'v4.list_nodes': none,
  'v4.get_node': node,
  'v4.list_auth_users': { make: async () => ({ query: { _page: 1, _limit: 100 } }) },
  'v4.add_auth_users': {
    make: async (c) => {
      const login = `${c.prefix}-u`;
      removeLater(c, `auth user ${login}`, 'v4.delete_auth_user', { params: { login } });
      return { body: [{ login, password: 'harness-pw', is_superuser: false }] };
    },
  },
  'v4.update_auth_user': { make: async (c) => ({ params: { login: await authUser(c) }, body: { password: 'harness-pw2', is_superuser: false } }) },
  'v4.delete_auth_user': { make: async (c) => ({ params: { login: await authUser(c) } }) },
  'v4.list_clients': { make: async () => ({ query: { _page: 1, _limit: 100 } }) },
  'v4.lookup_client': resident(),
  'v4.kickout_client': { mqtt: true, make: async (c) => ({ params: { clientid: (await c.mqttConnect()).clientId } }) },
  'v4.list_node_clients': { make: async (c) => ({ params: { node: c.node }, query: { _page: 1, _limit: 100 } }) },
  'v4.lookup_node_client': resident(),
  'v4.lookup_client_via_username': resident(),
  'v4.lookup_node_client_via_username': resident(),
  'v4.list_acl_cache': resident(),
  'v4.clean_acl_cache': resident(),
  'v4.list_subscriptions': { make: async () => ({ query: { _page: 1, _limit: 100 } }) },
  'v4.lookup_client_subscriptions': resident(),
  'v4.list_node_subscriptions': { make: async (c) => ({ params: { node: c.node }, query: { _page: 1, _limit: 100 } }) },
  'v4.lookup_node_client_subscriptions': resident(),
  'v4.list_routes': { make: async () => ({ query: { _page: 1, _limit: 100 } }) },
  'v4.lookup_routes': resident((c) => ({ topic: `${c.runPrefix}/res/#` })),
  'v4.list_acl_rules': { make: async () => ({ query: { _page: 1, _limit: 100 } }) },
  'v4.add_acl_rules': {
    make: async (c) => {
      const rule = { login: `${c.prefix}-u`, topic: `${c.prefix}/acl`, allow: true, action: 'pubsub' };
      removeLater(c, `acl rule ${rule.login}`, 'v4.delete_acl_rule', { params: { login: rule.login, topic: rule.topic } });
      return { body: [rule] };
    },
  },
  'v4.delete_acl_rule': { make: async (c) => ({ params: await aclRule(c) }) },
  'v4.mqtt_publish': { make: async (c) => ({ body: { topic: `${c.prefix}/pub`, payload: 'hello', qos: 0, retain: false, clientid: `${c.prefix}-api` } }) },
  'v4.mqtt_publish_batch': {
    make: async (c) => ({
      body: [
        { topic: `${c.prefix}/pub`, payload: 'one', qos: 0, retain: false, clientid: `${c.prefix}-api` },
        { topic: `${c.prefix}/pub`, payload: 'two', qos: 1, retain: false, clientid: `${c.prefix}-api` },
      ],
    }),
  },
  'v4.mqtt_subscribe': { mqtt: true, make: async (c) => ({ body: { topic: `${c.prefix}/sub`, qos: 1, clientid: (await c.mqttConnect()).clientId } }) },
  'v4.mqtt_unsubscribe': {
    mqtt: true,
    make: async (c) => {
      const client = await c.mqttConnect();
      await client.subscribe(`${c.prefix}/sub`, 1);
      return { body: { topic: `${c.prefix}/sub`, clientid: client.clientId } };
    },
  },
  'v4.mqtt_subscribe_batch': {
    mqtt: true,
    make: async (c) => {
      const id = (await c.mqttConnect()).clientId;
      return { body: [{ topic: `${c.prefix}/a`, qos: 1, clientid: id }, { topic: `${c.prefix}/b`, qos: 0, clientid: id }] };
    },
  },
  'v4.mqtt_unsubscribe_batch': {
    mqtt: true,
    make: async (c) => {
      const client = await c.mqttConnect();
      await client.subscribe([`${c.prefix}/a`, `${c.prefix}/b`], 1);
      return { body: [{ topic: `${c.prefix}/a`, clientid: client.clientId }, { topic: `${c.prefix}/b`, clientid: client.clientId }] };
    },
  },
  'v4.list_listeners': none,
  'v4.list_node_listeners': node,
  'v4.list_all_metrics': none,
  'v4.list_node_metrics': node,
  'v4.list_stats': none,
  'v4.lookup_node_stats': node,
  'v4.list_rules': none,
  'v4.show_rule': { make: async (c) => ({ params: { rule_id: await rule(c) } }) },
  'v4.create_rule': {
    make: async (c) => ({ body: ruleBody(c) }),
    after: (c, call) => removeCreated(c, call, 'v4.delete_rule', 'rule_id'),
  },
  'v4.update_rule': { make: async (c) => ({ params: { rule_id: await rule(c) }, body: { rawsql: `SELECT * FROM "${c.prefix}/rule2"`, description: `${c.prefix} rule updated` } }) },
  'v4.delete_rule': { make: async (c) => ({ params: { rule_id: await rule(c) } }) },
  'v4.list_actions': none,
  'v4.show_action': { make: async () => ({ params: { action_name: 'inspect' } }) },
  'v4.list_resource_types': none,
  'v4.show_resource_type': { make: async (c) => ({ params: { resource_type_name: await firstName(c, 'v4.list_resource_types') } }) },
  'v4.list_resources': none,
  'v4.show_resource': { make: async (c) => ({ params: { resource_id: await resource(c) } }) },
  'v4.create_resource': { make: async (c) => ({ body: resourceBody(c) }), after: (c, call) => removeCreated(c, call, 'v4.delete_resource', 'resource_id') },
  'v4.delete_resource': { make: async (c) => ({ params: { resource_id: await resource(c) } }) },
};
