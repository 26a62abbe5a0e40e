// The 4.x route table: names, paths and descriptions as EMQX 4.4.19 declares them (-rest_api in
// apps/emqx_management/src/emqx_mgmt_api_*.erl, emqx_rule_engine_api.erl; compared with the
// route list a real 4.4.19 answers on GET /api/v4), plus the Cloud document's /auth_user and
// /emqx_acl. It drives routing and the route listing of /api/v4 and of the Cloud base /api.

import { Router, minirestListedPath, type RouteDef } from '../../http/router.ts';
import * as clients from './clients.ts';
import * as subs from './subscriptions.ts';
import * as node from './node.ts';
import * as access from './access.ts';
import * as rules from './rules.ts';
import * as pubsub from '../pubsub.ts';
import type { Ctx } from '../../core.ts';
import type { VersionBehaviour } from '../../versions.ts';

type R = RouteDef<Ctx>;
const r = (name: string, method: R['method'], path: string, descr: string, handler: R['handler']): R => ({ name, method, path, descr, handler });

export const V4_ROUTES: R[] = [
  r('list_brokers', 'GET', '/brokers/', 'A list of brokers in the cluster', node.listBrokers),
  r('get_broker', 'GET', '/brokers/:atom:node', 'Get broker info of a node', node.getBroker),
  r('list_nodes', 'GET', '/nodes/', 'A list of nodes in the cluster', node.listNodes),
  r('get_node', 'GET', '/nodes/:atom:node', 'Lookup a node in the cluster', node.getNode),

  r('list_clients', 'GET', '/clients/', 'A list of clients on current node', clients.listClients),
  r('list_node_clients', 'GET', 'nodes/:atom:node/clients/', 'A list of clients on specified node', clients.listClients),
  r('lookup_client', 'GET', '/clients/:bin:clientid', 'Lookup a client in the cluster', clients.lookupClient),
  r('lookup_node_client', 'GET', 'nodes/:atom:node/clients/:bin:clientid', 'Lookup a client on the node', clients.lookupClient),
  r('lookup_client_via_username', 'GET', '/clients/username/:bin:username', 'Lookup a client via username in the cluster', clients.lookupByUsername),
  r('lookup_node_client_via_username', 'GET', '/nodes/:atom:node/clients/username/:bin:username', 'Lookup a client via username on the node ', clients.lookupByUsername),
  r('kickout_client', 'DELETE', '/clients/:bin:clientid', 'Kick out the client in the cluster', clients.kickClient),
  r('clean_acl_cache', 'DELETE', '/clients/:bin:clientid/acl_cache', 'Clear the ACL cache of a specified client in the cluster', clients.cleanAclCache),
  r('list_acl_cache', 'GET', '/clients/:bin:clientid/acl_cache', 'List the ACL cache of a specified client in the cluster', clients.listAclCache),

  r('list_subscriptions', 'GET', '/subscriptions/', 'A list of subscriptions in the cluster', subs.listSubscriptions),
  r('list_node_subscriptions', 'GET', '/nodes/:atom:node/subscriptions/', 'A list of subscriptions on a node', subs.listSubscriptions),
  r('lookup_client_subscriptions', 'GET', '/subscriptions/:bin:clientid', 'A list of subscriptions of a client', subs.lookupSubscriptions),
  r('lookup_client_subscriptions_with_node', 'GET', '/nodes/:atom:node/subscriptions/:bin:clientid', 'A list of subscriptions of a client on the node', subs.lookupSubscriptions),
  r('list_routes', 'GET', '/routes/', 'List routes', subs.listRoutes),
  r('lookup_routes', 'GET', '/routes/:bin:topic', 'Lookup routes to a topic', subs.lookupRoute),

  r('mqtt_subscribe', 'POST', '/mqtt/subscribe', 'Subscribe a topic', (ctx) => pubsub.subscribe(ctx, 'v4')),
  r('mqtt_publish', 'POST', '/mqtt/publish', 'Publish a MQTT message', (ctx) => pubsub.publish(ctx, 'v4')),
  r('mqtt_unsubscribe', 'POST', '/mqtt/unsubscribe', 'Unsubscribe a topic', (ctx) => pubsub.unsubscribe(ctx, 'v4')),
  r('mqtt_subscribe_batch', 'POST', '/mqtt/subscribe_batch', 'Batch subscribes topics', pubsub.subscribeBatch),
  r('mqtt_publish_batch', 'POST', '/mqtt/publish_batch', 'Batch publish MQTT messages', pubsub.publishBatch),
  r('mqtt_unsubscribe_batch', 'POST', '/mqtt/unsubscribe_batch', 'Batch unsubscribes topics', pubsub.unsubscribeBatch),

  r('list_listeners', 'GET', '/listeners/', 'A list of listeners in the cluster', node.listListeners),
  r('list_node_listeners', 'GET', '/nodes/:atom:node/listeners', 'A list of listeners on the node', node.nodeListeners),
  r('list_all_metrics', 'GET', '/metrics', 'A list of metrics of all nodes in the cluster', node.listMetrics),
  r('list_node_metrics', 'GET', '/nodes/:atom:node/metrics', 'A list of metrics of a node', node.nodeMetrics),
  r('list_stats', 'GET', '/stats/', 'A list of stats of all nodes in the cluster', node.listStats),
  r('lookup_node_stats', 'GET', '/nodes/:atom:node/stats/', 'A list of stats of a node', node.nodeStats),

  r('list_all_alarms', 'GET', '/alarms', 'List all alarms in the cluster', node.listAlarms('all')),
  r('list_node_alarms', 'GET', 'nodes/:atom:node/alarms', 'List all alarms on a node', node.nodeAlarms('all')),
  r('list_all_activated_alarms', 'GET', '/alarms/activated', 'List all activated alarm in the cluster', node.listAlarms('activated')),
  r('list_node_activated_alarms', 'GET', 'nodes/:atom:node/alarms/activated', 'List all activated alarm on a node', node.nodeAlarms('activated')),
  r('list_all_deactivated_alarms', 'GET', '/alarms/deactivated', 'List all deactivated alarm in the cluster', node.listAlarms('deactivated')),
  r('list_node_deactivated_alarms', 'GET', 'nodes/:atom:node/alarms/deactivated', 'List all deactivated alarm on a node', node.nodeAlarms('deactivated')),
  r('deactivate_alarm', 'POST', '/alarms/deactivated', 'Delete the special alarm on a node', node.deactivateAlarm),
  r('delete_all_deactivated_alarms', 'DELETE', '/alarms/deactivated', 'Delete all deactivated alarm in the cluster', node.deleteDeactivatedAlarms),
  r('delete_node_deactivated_alarms', 'DELETE', 'nodes/:atom:node/alarms/deactivated', 'Delete all deactivated alarm on a node', node.deleteDeactivatedAlarms),

  r('list_banned', 'GET', '/banned/', 'List banned', (ctx) => access.listBanned(ctx, 'v4')),
  r('create_banned', 'POST', '/banned/', 'Create banned', (ctx) => access.createBanned(ctx, 'v4')),
  r('delete_banned', 'DELETE', '/banned/:as/:who', 'Delete banned', (ctx) => access.deleteBanned(ctx, ctx.params.as, ctx.params.who ?? '')),

  r('list_auth_user', 'GET', '/auth_user', 'List available auth users in the cluster', access.listAuthUsers),
  r('lookup_auth_user', 'GET', '/auth_user/:bin:login', 'Lookup an auth user in the cluster', access.lookupAuthUser),
  r('add_auth_user', 'POST', '/auth_user', 'Add auth users in the cluster', access.addAuthUsers),
  r('update_auth_user', 'PUT', '/auth_user/:bin:login', 'Update an auth user in the cluster', access.updateAuthUser),
  r('delete_auth_user', 'DELETE', '/auth_user/:bin:login', 'Delete an auth user in the cluster', access.deleteAuthUser),
  r('list_emqx_acl', 'GET', '/emqx_acl', 'List available mnesia in the cluster', access.listAcl),
  r('lookup_emqx_acl', 'GET', '/emqx_acl/:bin:login', 'Lookup mnesia in the cluster', access.lookupAcl),
  r('add_emqx_acl', 'POST', '/emqx_acl', 'Add mnesia in the cluster', access.addAcl),
  r('delete_emqx_acl', 'DELETE', '/emqx_acl/:bin:login/:bin:topic', 'Delete mnesia in the cluster', access.deleteAcl),

  r('create_rule', 'POST', '/rules/', 'Create a rule', rules.createRule),
  r('update_rule', 'PUT', '/rules/:bin:id', 'Update a rule', rules.updateRule),
  r('list_rules', 'GET', '/rules/', 'A list of all rules', rules.listRules),
  r('show_rule', 'GET', '/rules/:bin:id', 'Show a rule', rules.showRule),
  r('delete_rule', 'DELETE', '/rules/:bin:id', 'Delete a rule', rules.deleteRule),
  r('reset_metrics', 'PUT', '/rules/:bin:id/reset_metrics', 'reset a rule metrics', rules.resetRuleMetrics),
  r('list_actions', 'GET', '/actions/', 'A list of all actions', rules.listActions),
  r('show_action', 'GET', '/actions/:atom:name', 'Show an action', rules.showAction),
  r('list_resources', 'GET', '/resources/', 'A list of all resources', rules.listResources),
  r('create_resource', 'POST', '/resources/', 'Create a resource', rules.createResource),
  r('update_resource', 'PUT', '/resources/:bin:id', 'Update a resource', rules.updateResource),
  r('show_resource', 'GET', '/resources/:bin:id', 'Show a resource', rules.showResource),
  r('get_resource_status', 'GET', '/resource_status/:bin:id', 'Get status of a resource', rules.resourceStatus),
  r('start_resource', 'POST', '/resources/:bin:id', 'Start a resource', rules.startResource),
  r('delete_resource', 'DELETE', '/resources/:bin:id', 'Delete a resource', rules.deleteResource),
  r('list_resource_types', 'GET', '/resource_types/', 'List all resource types', rules.listResourceTypes),
  r('show_resource_type', 'GET', '/resource_types/:atom:name', 'Show a resource type', rules.showResourceType),
  r('list_resources_by_type', 'GET', '/resource_types/:atom:type/resources', 'List all resources of a resource type', rules.listResourcesByType),
  r('list_events', 'GET', '/rule_events/', 'List all events with detailed info', rules.listRuleEvents),
];

/** The EMQX Cloud document's own APIs (user and ACL tables of the Cloud deployment). */
const CLOUD_APIS = new Set([
  'list_auth_user', 'lookup_auth_user', 'add_auth_user', 'update_auth_user', 'delete_auth_user',
  'list_emqx_acl', 'lookup_emqx_acl', 'add_emqx_acl', 'delete_emqx_acl',
]);

/**
 * Which base path a router serves: `/api/v4` (the management listener of an EMQX 4.x release)
 * or `/api` (the EMQX Cloud spelling of the same API, which also serves the Cloud-only routes).
 */
export type V4Base = 'v4' | 'cloud';

/** Routes the emulated release does not have on this base (not listed, 404 `Not found.`). */
function routedIn(b: VersionBehaviour, name: string, base: V4Base): boolean {
  if (name === 'update_rule') return b.updateRuleRoute;
  // /auth_user and /emqx_acl are the Cloud's: a release's management listener routes them only
  // where emqx_auth_mnesia served those paths (4.1.x); 4.4.19 answers 404 `Not found.`
  if (CLOUD_APIS.has(name)) return base === 'cloud' || b.authUserRoutes;
  return true;
}

export const v4Router = (b: VersionBehaviour, base: V4Base = 'v4'): Router<Ctx> =>
  new Router(V4_ROUTES.filter((r) => routedIn(b, r.name, base)), minirestListedPath);
