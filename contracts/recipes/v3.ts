// How to call each endpoint of the 3.x document validly (see types.ts). Bodies of the
// index-only routes follow EMQX 3.x's management plugin, since the document shows none.
import type { Recipe, RecipeContext } from './types.ts';
import { connectClient } from '../../src/mqtt.ts';
import { dataOf } from '../../src/answers.ts';
import { SetupFailed, removeCreated, removeLater, residentOf, setup } from './types.ts';

const none: Recipe = { make: async () => ({}) };
const node: Recipe = { make: async (c) => ({ params: { node: c.node } }) };
const page: Recipe = { make: async () => ({ query: { _page: 1, _limit: 100 } }) };
const nodePage: Recipe = { make: async (c) => ({ params: { node: c.node }, query: { _page: 1, _limit: 100 } }) };
const resident = (extra: (c: RecipeContext) => Record<string, string> = () => ({})): Recipe => ({
  mqtt: true,
  make: async (c) => ({ params: { clientid: residentOf(c).clientId, node: c.node, username: residentOf(c).username ?? '', ...extra(c) } }),
});

async function authClientid(c: RecipeContext): Promise<string> {
  const clientid = `${c.prefix}-ac`;
  await setup(c, 'v3.add_clientid', { body: { clientid, password: 'harness-pw' } });
  removeLater(c, `auth clientid ${clientid}`, 'v3.delete_clientid', { params: { clientid } });
  return clientid;
}

async function authUsername(c: RecipeContext): Promise<string> {
  const username = `${c.prefix}-au`;
  await setup(c, 'v3.add_username', { body: { username, password: 'harness-pw' } });
  removeLater(c, `auth username ${username}`, 'v3.delete_username', { params: { username } });
  return username;
}

async function dashboardUser(c: RecipeContext): Promise<string> {
  const username = `${c.prefix}-du`;
  await setup(c, 'v3.create_user', { body: { username, password: 'harness-pw', tags: 'harness' } });
  removeLater(c, `user ${username}`, 'v3.delete_user', { params: { name: username } });
  return username;
}

async function app(c: RecipeContext): Promise<string> {
  const appid = `${c.prefix}-app`;
  await setup(c, 'v3.add_app', { body: { app_id: appid, name: appid, desc: 'harness', status: true, expired: 'undefined' } });
  removeLater(c, `app ${appid}`, 'v3.del_app', { params: { appid } });
  return appid;
}

async function banned(c: RecipeContext): Promise<string> {
  const who = `${c.prefix}-banned`;
  await setup(c, 'v3.create_banned', { body: bannedBody(who) });
  removeLater(c, `banned ${who}`, 'v3.delete_banned', { params: { who }, query: { as: 'client_id' } });
  return who;
}

function bannedBody(who: string): object {
  return { who, as: 'client_id', reason: 'harness', desc: 'harness', until: Math.floor(Date.now() / 1000) + 3600 };
}

export function ruleBody(c: RecipeContext): object {
  return {
    name: `${c.prefix}-rule`,
    for: 'message.publish',
    rawsql: `select * from "${c.prefix}/rule"`,
    actions: [{ name: 'built_in:inspect_action', params: {} }],
    description: `${c.prefix} rule`,
  };
}

async function rule(c: RecipeContext): Promise<string> {
  const id = dataOf<{ id: string }>(await setup(c, 'v3.create_rule', { body: ruleBody(c) })).id;
  removeLater(c, `rule ${id}`, 'v3.delete_rule', { params: { id } });
  return id;
}

function resourceBody(c: RecipeContext): object {
  return { name: `${c.prefix}-res`, type: 'built_in', config: { a: 1 }, description: `${c.prefix} resource` };
}

async function resource(c: RecipeContext): Promise<string> {
  const id = dataOf<{ id: string }>(await setup(c, 'v3.create_resource', { body: resourceBody(c) })).id;
  removeLater(c, `resource ${id}`, 'v3.delete_resource', { params: { id } });
  return id;
}

/**
 * Plugins the checks may load and unload: ones that change nothing for other clients
 * (loading an auth plugin on a real broker would lock everyone out). Each use has its own,
 * so parallel tests never load the same plugin.
 */
export const HARMLESS_PLUGINS = {
  load: 'emqx_plugin_template',
  unload: 'emqx_delayed_publish',
  reload: 'emqx_reloader',
  semantics: 'emqx_statsd',
} as const;

/** The plugin, if it is present and inactive (the state cleanup restores). */
async function inactivePlugin(c: RecipeContext, use: keyof typeof HARMLESS_PLUGINS): Promise<string> {
  const name = HARMLESS_PLUGINS[use];
  const list = dataOf<{ name: string; active: boolean }[]>(await setup(c, 'v3.list_node_plugins', { params: { node: c.node } }));
  if (list.find((x) => x.name === name)?.active !== false) throw new SetupFailed(`${name} is not an inactive plugin on this target`);
  return name;
}

/** Connecting once with a clean session discards a persistent one (no API needed). */
export async function discardSession(target: RecipeContext['target'], clientId: string): Promise<void> {
  if (!target.mqttUrl) return;
  const client = await connectClient(target.mqttUrl, { clientId, clean: true, password: target.mqttPassword, tls: target.tls });
  await client.end();
}

async function persistentSession(c: RecipeContext): Promise<string> {
  const client = await c.mqttConnect({ clean: false });
  await client.end();
  c.cleanup(`session ${client.clientId}`, () => discardSession(c.target, client.clientId));
  return client.clientId;
}

export const v3Recipes: Record<string, Recipe> = {
  'v3.list_all_api': none,
  'v3.list_clientid': none,
  'v3.lookup_clientid': { make: async (c) => ({ params: { clientid: await authClientid(c) } }) },
  'v3.add_clientid': {
    make: async (c) => {
      const clientid = `${c.prefix}-ac`;
      removeLater(c, `auth clientid ${clientid}`, 'v3.delete_clientid', { params: { clientid } });
      return { body: { clientid, password: 'harness-pw' } };
    },
  },
  'v3.update_clientid': { make: async (c) => ({ params: { clientid: await authClientid(c) }, body: { password: 'harness-pw2' } }) },
  'v3.delete_clientid': { make: async (c) => ({ params: { clientid: await authClientid(c) } }) },
  'v3.list_username': none,
  'v3.lookup_username': { make: async (c) => ({ params: { username: await authUsername(c) } }) },
  'v3.add_username': {
    make: async (c) => {
      const username = `${c.prefix}-au`;
      removeLater(c, `auth username ${username}`, 'v3.delete_username', { params: { username } });
      return { body: { username, password: 'harness-pw' } };
    },
  },
  'v3.update_username': { make: async (c) => ({ params: { username: await authUsername(c) }, body: { password: 'harness-pw2' } }) },
  'v3.delete_username': { make: async (c) => ({ params: { username: await authUsername(c) } }) },
  'v3.auth_user': { make: async (c) => ({ body: { username: await dashboardUser(c), password: 'harness-pw' } }) },
  'v3.create_user': {
    make: async (c) => {
      const username = `${c.prefix}-du`;
      removeLater(c, `user ${username}`, 'v3.delete_user', { params: { name: username } });
      return { body: { username, password: 'harness-pw', tags: 'harness' } };
    },
  },
  'v3.list_users': none,
  'v3.update_user': { make: async (c) => ({ params: { name: await dashboardUser(c) }, body: { tags: 'harness-updated' } }) },
  'v3.delete_user': { make: async (c) => ({ params: { name: await dashboardUser(c) } }) },
  'v3.change_pwd': { make: async (c) => ({ params: { username: await dashboardUser(c) }, body: { old_pwd: 'harness-pw', new_pwd: 'harness-pw2' } }) },
  'v3.list_all_alarms': none,
  'v3.list_node_alarms': node,
  'v3.list_all_alarm_history': none,
  'v3.list_node_alarm_history': node,
  'v3.add_app': {
    make: async (c) => {
      const appid = `${c.prefix}-app`;
      removeLater(c, `app ${appid}`, 'v3.del_app', { params: { appid } });
      return { body: { app_id: appid, name: appid, desc: 'harness', status: true, expired: 'undefined' } };
    },
  },
  'v3.del_app': { make: async (c) => ({ params: { appid: await app(c) } }) },
  'v3.list_apps': none,
  'v3.lookup_app': { make: async (c) => ({ params: { appid: await app(c) } }) },
  'v3.update_app': { make: async (c) => ({ params: { appid: await app(c) }, body: { name: 'harness', desc: 'updated', status: true, expired: 'undefined' } }) },
  'v3.list_banned': page,
  'v3.create_banned': {
    make: async (c) => {
      const who = `${c.prefix}-banned`;
      removeLater(c, `banned ${who}`, 'v3.delete_banned', { params: { who }, query: { as: 'client_id' } });
      return { body: bannedBody(who) };
    },
  },
  'v3.delete_banned': { make: async (c) => ({ params: { who: await banned(c) }, query: { as: 'client_id' } }) },
  'v3.list_brokers': none,
  'v3.get_broker': node,
  'v3.get_all_configs': none,
  'v3.get_node_configs': node,
  'v3.update_config': { make: async () => ({ params: { app: 'emqx_management' }, body: {} }) },
  'v3.update_node_config': { make: async (c) => ({ params: { node: c.node, app: 'emqx_management' }, body: {} }) },
  'v3.get_plugin_configs': { make: async (c) => ({ params: { node: c.node, plugin: 'emqx_retainer' } }) },
  'v3.update_plugin_configs': { make: async (c) => ({ params: { node: c.node, plugin: 'emqx_retainer' }, body: {} }) },
  'v3.list_connections': page,
  'v3.list_node_connections': nodePage,
  'v3.lookup_node_connections': resident(),
  'v3.lookup_connections': resident(),
  'v3.lookup_node_connection_via_username': resident(),
  'v3.lookup_connection_via_username': resident(),
  'v3.kickout_connection': { mqtt: true, make: async (c) => ({ params: { clientid: (await c.mqttConnect()).clientId } }) },
  'v3.list_listeners': none,
  'v3.list_node_listeners': node,
  'v3.list_all_metrics': none,
  'v3.list_node_metrics': node,
  'v3.list_nodes': none,
  'v3.get_node': node,
  'v3.list_all_plugins': none,
  'v3.list_node_plugins': node,
  'v3.load_plugin': {
    make: async (c) => {
      const plugin = await inactivePlugin(c, 'load');
      c.cleanup(`unload ${plugin}`, () => c.api.call('v3.unload_plugin', { params: { node: c.node, plugin } }));
      return { params: { node: c.node, plugin } };
    },
  },
  'v3.unload_plugin': {
    make: async (c) => {
      const plugin = await inactivePlugin(c, 'unload');
      await setup(c, 'v3.load_plugin', { params: { node: c.node, plugin } });
      return { params: { node: c.node, plugin } };
    },
  },
  'v3.reload_plugin': {
    make: async (c) => {
      const plugin = await inactivePlugin(c, 'reload');
      await setup(c, 'v3.load_plugin', { params: { node: c.node, plugin } });
      c.cleanup(`unload ${plugin}`, () => c.api.call('v3.unload_plugin', { params: { node: c.node, plugin } }));
      return { params: { node: c.node, plugin } };
    },
  },
  'v3.mqtt_subscribe': { mqtt: true, make: async (c) => ({ body: { topic: `${c.prefix}/sub`, qos: 1, client_id: (await c.mqttConnect()).clientId } }) },
  'v3.mqtt_publish': { make: async (c) => ({ body: { topic: `${c.prefix}/pub`, payload: 'hello', qos: 1, retain: false, client_id: `${c.prefix}-api` } }) },
  'v3.mqtt_unsubscribe': {
    mqtt: true,
    make: async (c) => {
      const client = await c.mqttConnect();
      await client.subscribe(`${c.prefix}/sub`, 1);
      return { body: { topic: `${c.prefix}/sub`, client_id: client.clientId } };
    },
  },
  'v3.list_routes': page,
  'v3.lookup_routes': resident((c) => ({ topic: `${c.runPrefix}/res/#` })),
  'v3.list_sessions': page,
  'v3.list_node_sessions': nodePage,
  'v3.lookup_session': resident(),
  'v3.lookup_node_session': resident(),
  'v3.clean_presisent_session': { mqtt: true, make: async (c) => ({ params: { clientid: await persistentSession(c) } }) },
  'v3.clean_node_presisent_session': { mqtt: true, make: async (c) => ({ params: { node: c.node, clientid: await persistentSession(c) } }) },
  'v3.list_stats': none,
  'v3.lookup_node_stats': node,
  'v3.list_subscriptions': page,
  'v3.list_node_subscriptions': nodePage,
  'v3.lookup_client_subscriptions': resident(),
  'v3.lookup_client_subscriptions_with_node': resident(),
  'v3.create_rule': { make: async (c) => ({ body: ruleBody(c) }), after: (c, call) => removeCreated(c, call, 'v3.delete_rule', 'id') },
  'v3.list_rules': none,
  'v3.show_rule': { make: async (c) => ({ params: { id: await rule(c) } }) },
  'v3.delete_rule': { make: async (c) => ({ params: { id: await rule(c) } }) },
  'v3.list_actions': none,
  'v3.show_action': { make: async () => ({ params: { name: 'built_in:inspect_action' } }) },
  'v3.list_resources': none,
  'v3.create_resource': { make: async (c) => ({ body: resourceBody(c) }), after: (c, call) => removeCreated(c, call, 'v3.delete_resource', 'id') },
  'v3.show_resource': { make: async (c) => ({ params: { id: await resource(c) } }) },
  'v3.get_resource_status': { make: async (c) => ({ params: { id: await resource(c) } }) },
  'v3.start_resource': { make: async (c) => ({ params: { id: await resource(c) } }) },
  'v3.delete_resource': { make: async (c) => ({ params: { id: await resource(c) } }) },
  'v3.list_resource_types': none,
  'v3.show_resource_type': { make: async () => ({ params: { name: 'built_in' } }) },
  'v3.list_resources_by_type': { make: async () => ({ params: { type: 'built_in' } }) },
  'v3.list_events': none,
  'v3.list_resource_type_actions': { make: async () => ({ params: { type: 'built_in' } }) },
};
