// The 3.x route table, in the order and with the names, paths and descriptions of the 3.x
// document's "List all API describe" index (so GET /api/v3/ answers that index), plus
// `GET /resource_types/:type/actions`, which only the detailed part documents.

import { Router, type RouteDef } from '../../http/router.ts';
import * as admin from './admin.ts';
import * as conns from './connections.ts';
import * as rules from './rules.ts';
import * as access from '../v4/access.ts';
import * as subs from '../v4/subscriptions.ts';
import * as pubsub from '../pubsub.ts';
import { resourceStatus as v4ResourceStatus, startResource as v4StartResource } from '../v4/rules.ts';
import type { Ctx } from '../../core.ts';
import type { V3Behaviour } from '../../versions.ts';

type R = RouteDef<Ctx>;
const r = (name: string, method: R['method'], path: string, descr: string, handler: R['handler']): R => ({ name, method, path, descr, handler });

const clientidAuth = admin.authTable('clientid');
const usernameAuth = admin.authTable('username');

export const V3_ROUTES: R[] = [
  r('list_clientid', 'GET', '/auth_clientid', 'List available clientid in the cluster', clientidAuth.list),
  r('lookup_clientid', 'GET', '/auth_clientid/:clientid', 'Lookup clientid in the cluster', clientidAuth.lookup),
  r('add_clientid', 'POST', '/auth_clientid', 'Add clientid in the cluster', clientidAuth.add),
  r('update_clientid', 'PUT', '/auth_clientid/:clientid', 'Update clientid in the cluster', clientidAuth.update),
  r('delete_clientid', 'DELETE', '/auth_clientid/:clientid', 'Delete clientid in the cluster', clientidAuth.remove),
  r('list_username', 'GET', '/auth_username', 'List available username in the cluster', usernameAuth.list),
  r('lookup_username', 'GET', '/auth_username/:username', 'Lookup username in the cluster', usernameAuth.lookup),
  r('add_username', 'POST', '/auth_username', 'Add username in the cluster', usernameAuth.add),
  r('update_username', 'PUT', '/auth_username/:username', 'Update username in the cluster', usernameAuth.update),
  r('delete_username', 'DELETE', '/auth_username/:username', 'Delete username in the cluster', usernameAuth.remove),
  r('auth_user', 'POST', '/auth', 'Authenticate an user', admin.authUser),
  r('create_user', 'POST', '/users/', 'Create an user', admin.createUser),
  r('list_users', 'GET', '/users/', 'List users', admin.listUsers),
  r('update_user', 'PUT', '/users/:name', 'Update an user', admin.updateUser),
  r('delete_user', 'DELETE', '/users/:name', 'Delete an user', admin.deleteUser),
  r('change_pwd', 'PUT', '/change_pwd/:username', 'Change password for an user', admin.changePassword),
  r('list_all_alarms', 'GET', '/alarms/present', 'List all alarms', admin.listPresentAlarms),
  r('list_node_alarms', 'GET', '/alarms/present/:node', 'List alarms of a node', admin.nodePresentAlarms),
  r('list_all_alarm_history', 'GET', '/alarms/history', 'List all alarm history', admin.listAlarmHistory),
  r('list_node_alarm_history', 'GET', '/alarms/history/:node', 'List alarm history of a node', admin.nodeAlarmHistory),
  r('add_app', 'POST', '/apps/', 'Add Application', admin.addApp),
  r('del_app', 'DELETE', '/apps/:appid', 'Delete Application', admin.deleteApp),
  r('list_apps', 'GET', '/apps/', 'List Applications', admin.listApps),
  r('lookup_app', 'GET', '/apps/:appid', 'Lookup Application', admin.lookupApp),
  r('update_app', 'PUT', '/apps/:appid', 'Update Application', admin.updateApp),
  r('list_banned', 'GET', '/banned/', 'List banned', (ctx) => access.listBanned(ctx, 'v3')),
  r('create_banned', 'POST', '/banned/', 'Create banned', access.createBannedV3),
  r('delete_banned', 'DELETE', '/banned/:who', 'Delete banned', access.deleteBannedV3),
  r('list_brokers', 'GET', '/brokers/', 'A list of brokers in the cluster', admin.listBrokers),
  r('get_broker', 'GET', '/brokers/:node', 'Get broker info of a node', admin.getBroker),
  r('get_all_configs', 'GET', '/configs/', 'Get all configs', admin.listConfigs),
  r('get_all_configs', 'GET', '/nodes/:node/configs/', 'Get all configs of a node', admin.nodeConfigs),
  r('update_config', 'PUT', '/configs/:app', 'Update config of an application in the cluster', admin.updateConfig),
  r('update_node_config', 'PUT', '/nodes/:node/configs/:app', 'Update config of an application on a node', admin.updateConfig),
  r('get_plugin_configs', 'GET', '/nodes/:node/plugin_configs/:plugin', 'Get configurations of a plugin on the node', admin.getPluginConfigs),
  r('update_plugin_configs', 'PUT', '/nodes/:node/plugin_configs/:plugin', 'Update configurations of a plugin on the node', admin.updatePluginConfigs),
  r('list_connections', 'GET', '/connections/', 'A list of connections in the cluster', conns.listConnections),
  r('list_node_connections', 'GET', 'nodes/:node/connections/', 'A list of connections on a node', conns.listConnections),
  r('lookup_node_connections', 'GET', 'nodes/:node/connections/:clientid', 'Lookup a connection on node', conns.lookupConnection),
  r('lookup_connections', 'GET', '/connections/:clientid', 'Lookup a connection in the cluster', conns.lookupConnection),
  r('lookup_node_connection_via_username', 'GET', '/nodes/:node/connection/username/:username', 'Lookup a connection via username in the cluster ', conns.lookupConnectionByUsername),
  r('lookup_connection_via_username', 'GET', '/connection/username/:username', 'Lookup a connection via username on a node ', conns.lookupConnectionByUsername),
  r('kickout_connection', 'DELETE', '/connections/:clientid', 'Kick out a connection', conns.kickConnection),
  r('list_listeners', 'GET', '/listeners/', 'A list of listeners in the cluster', admin.listListeners),
  r('list_node_listeners', 'GET', '/nodes/:node/listeners', 'A list of listeners on the node', admin.nodeListeners),
  r('list_all_metrics', 'GET', '/metrics/', 'A list of metrics of all nodes in the cluster', admin.listMetrics),
  r('list_node_metrics', 'GET', '/nodes/:node/metrics/', 'A list of metrics of a node', admin.nodeMetrics),
  r('list_nodes', 'GET', '/nodes/', 'A list of nodes in the cluster', admin.listNodes),
  r('get_node', 'GET', '/nodes/:node', 'Lookup a node in the cluster', admin.getNode),
  r('list_all_plugins', 'GET', '/plugins/', 'List all plugins in the cluster', admin.listPlugins),
  r('list_node_plugins', 'GET', '/nodes/:node/plugins/', 'List all plugins on a node', admin.nodePlugins),
  r('load_plugin', 'PUT', '/nodes/:node/plugins/:plugin/load', 'Load a plugin', admin.loadPlugin),
  r('unload_plugin', 'PUT', '/nodes/:node/plugins/:plugin/unload', 'Unload a plugin', admin.unloadPlugin),
  r('reload_plugin', 'PUT', '/nodes/:node/plugins/:plugin/reload', 'Reload a plugin', admin.reloadPlugin),
  r('mqtt_subscribe', 'POST', '/mqtt/subscribe', 'Subscribe a topic', (ctx) => pubsub.subscribe(ctx, 'v3')),
  r('mqtt_publish', 'POST', '/mqtt/publish', 'Publish a MQTT message', (ctx) => pubsub.publish(ctx, 'v3')),
  r('mqtt_unsubscribe', 'POST', '/mqtt/unsubscribe', 'Unsubscribe a topic', (ctx) => pubsub.unsubscribe(ctx, 'v3')),
  r('list_routes', 'GET', '/routes/', 'List routes', subs.listRoutes),
  r('lookup_routes', 'GET', '/routes/:topic', 'Lookup routes to a topic', subs.lookupRoute),
  r('list_sessions', 'GET', '/sessions/', 'A list of sessions in the cluster', conns.listSessions),
  r('list_node_sessions', 'GET', 'nodes/:node/sessions/', 'A list of sessions on a node', conns.listSessions),
  r('lookup_session', 'GET', '/sessions/:clientid', 'Lookup a session in the cluster', conns.lookupSession),
  r('lookup_node_session', 'GET', 'nodes/:node/sessions/:clientid', 'Lookup a session on the node', conns.lookupSession),
  r('clean_presisent_session', 'DELETE', '/sessions/persistent/:clientid', 'Clean a persistent session in the cluster', conns.cleanPersistentSession),
  r('clean_node_presisent_session', 'DELETE', 'nodes/:node/sessions/persistent/:clientid', 'Clean a persistent session on the node', conns.cleanPersistentSession),
  r('list_stats', 'GET', '/stats/', 'A list of stats of all nodes in the cluster', admin.listStats),
  r('lookup_node_stats', 'GET', '/nodes/:node/stats/', 'A list of stats of a node', admin.nodeStats),
  r('list_subscriptions', 'GET', '/subscriptions/', 'A list of subscriptions in the cluster', conns.listSubscriptionsV3),
  r('list_node_subscriptions', 'GET', '/nodes/:node/subscriptions/', 'A list of subscriptions on a node', conns.listSubscriptionsV3),
  r('lookup_client_subscriptions', 'GET', '/subscriptions/:clientid', 'A list of subscriptions of a client', conns.lookupSubscriptionsV3),
  r('lookup_client_subscriptions_with_node', 'GET', '/nodes/:node/subscriptions/:clientid', 'A list of subscriptions of a client on the node', conns.lookupSubscriptionsV3),
  r('create_rule', 'POST', '/rules/', 'Create a rule', rules.createRule),
  r('list_rules', 'GET', '/rules/', 'A list of all rules', rules.listRules),
  r('show_rule', 'GET', '/rules/:id', 'Show a rule', rules.showRule),
  r('delete_rule', 'DELETE', '/rules/:id', 'Delete a rule', rules.deleteRule),
  r('list_actions', 'GET', '/actions/', 'A list of all actions', rules.listActions),
  r('show_action', 'GET', '/actions/:name', 'Show an action', rules.showAction),
  r('list_resources', 'GET', '/resources/', 'A list of all resources', rules.listResources),
  r('create_resource', 'POST', '/resources/', 'Create a resource', rules.createResource),
  r('show_resource', 'GET', '/resources/:id', 'Show a resource', rules.showResource),
  r('get_resource_status', 'GET', '/resource_status/:id', 'Get status of a resource', v4ResourceStatus),
  r('start_resource', 'POST', '/resources/:id', 'Start a resource', v4StartResource),
  r('delete_resource', 'DELETE', '/resources/:id', 'Delete a resource', rules.deleteResource),
  r('list_resource_types', 'GET', '/resource_types/', 'List all resource types', rules.listResourceTypes),
  r('show_resource_type', 'GET', '/resource_types/:name', 'Show a resource type', rules.showResourceType),
  r('list_resources_by_type', 'GET', '/resource_types/:type/resources', 'List all resources of a resource type', rules.listResourcesByType),
  r('list_actions_by_type', 'GET', '/resource_types/:type/actions', 'List all actions of a resource type', rules.listActionsByType),
  r('list_events', 'GET', '/rule_events/', 'List all events with detailed info', rules.listRuleEvents),
];

/** Routes that exist only while their plugin is loaded (minirest answers 404 otherwise). */
const PLUGIN_OF: Record<string, string> = {
  list_clientid: 'emqx_auth_clientid',
  lookup_clientid: 'emqx_auth_clientid',
  add_clientid: 'emqx_auth_clientid',
  update_clientid: 'emqx_auth_clientid',
  delete_clientid: 'emqx_auth_clientid',
  list_username: 'emqx_auth_username',
  lookup_username: 'emqx_auth_username',
  add_username: 'emqx_auth_username',
  update_username: 'emqx_auth_username',
  delete_username: 'emqx_auth_username',
  auth_user: 'emqx_dashboard',
  create_user: 'emqx_dashboard',
  list_users: 'emqx_dashboard',
  update_user: 'emqx_dashboard',
  delete_user: 'emqx_dashboard',
  change_pwd: 'emqx_dashboard',
  create_rule: 'emqx_rule_engine',
  list_rules: 'emqx_rule_engine',
  show_rule: 'emqx_rule_engine',
  delete_rule: 'emqx_rule_engine',
  list_actions: 'emqx_rule_engine',
  show_action: 'emqx_rule_engine',
  list_resources: 'emqx_rule_engine',
  create_resource: 'emqx_rule_engine',
  show_resource: 'emqx_rule_engine',
  get_resource_status: 'emqx_rule_engine',
  start_resource: 'emqx_rule_engine',
  delete_resource: 'emqx_rule_engine',
  list_resource_types: 'emqx_rule_engine',
  show_resource_type: 'emqx_rule_engine',
  list_resources_by_type: 'emqx_rule_engine',
  list_actions_by_type: 'emqx_rule_engine',
  list_events: 'emqx_rule_engine',
};

export const v3PluginOf = (routeName: string): string | undefined => PLUGIN_OF[routeName];

/** Routes the emulated 3.x release does not have: not listed by `GET /api/v3/`, 404 `Not found.`. */
function routedIn(b: V3Behaviour, name: string): boolean {
  if (PLUGIN_OF[name] !== undefined && !b.pluginApis) return false;
  if (name === 'lookup_node_connection_via_username' || name === 'lookup_connection_via_username') return b.connectionViaUsername;
  if (name === 'clean_presisent_session' || name === 'clean_node_presisent_session') return b.cleanPersistentSession;
  if (name === 'list_events') return b.ruleEvents;
  return true;
}

export const v3Router = (b: V3Behaviour): Router<Ctx> => new Router(V3_ROUTES.filter((r) => routedIn(b, r.name)));
