// /brokers, /nodes, /listeners, /metrics, /stats and /alarms of the 4.x API. The cluster forms
// answer a list (one entry per node, and this broker is a one-node cluster), the node forms the
// entry itself, as the document's examples show.

import { failNoCode, internalError, ok, type JsonObject, type Reply } from '../../http/reply.ts';
import { bodyObject, brokerInfo, listenersOf, nodeInfo } from '../common.ts';
import { keysInHashOrder } from '../../variations.ts';
import type { Alarm } from '../../state/alarms.ts';
import type { Core, Ctx } from '../../core.ts';

export const listBrokers = (ctx: Ctx): Reply => ok([brokerInfo(ctx.core)]);
export const getBroker = (ctx: Ctx): Reply => ok(brokerInfo(ctx.core));
export const listNodes = (ctx: Ctx): Reply => ok([nodeInfo(ctx.core, true)]);
export const getNode = (ctx: Ctx): Reply => ok(nodeInfo(ctx.core, false));

export const listListeners = (ctx: Ctx): Reply => ok([{ node: ctx.core.node, listeners: listenersOf(ctx.core) }]);
export const nodeListeners = (ctx: Ctx): Reply => ok(listenersOf(ctx.core));

// Counters are read live (emqx_metrics counters), unless the `lag-counters` variation puts them
// behind a snapshot; stats always come from the emqx_stats snapshot (state/snapshot.ts).
const ordered = (core: Core, o: Record<string, number>) => (core.variations.has('order') ? keysInHashOrder(o) : o);
export const listMetrics = (ctx: Ctx): Reply => ok([{ node: ctx.core.node, metrics: ordered(ctx.core, ctx.core.views.metrics.get()) }]);
export const nodeMetrics = (ctx: Ctx): Reply => ok(ordered(ctx.core, ctx.core.views.metrics.get()));

export const listStats = (ctx: Ctx): Reply => ok([{ stats: ordered(ctx.core, ctx.core.views.stats.get()), node: ctx.core.node }]);
export const nodeStats = (ctx: Ctx): Reply => ok(ordered(ctx.core, ctx.core.views.stats.get()));

/**
 * An alarm as emqx_alarm:normalize/1 and emqx_mgmt's add_duration_field/1 give it (4.4.19,
 * observed), in jiffy's key order: no `node` (the cluster listing names it outside), and an
 * active alarm's `deactivate_at` is the atom `infinity`, printed as a string.
 */
function formatAlarm(_core: Core, a: Alarm): JsonObject {
  return {
    name: a.name,
    message: a.message,
    duration: ((a.deactivateAt ?? Date.now()) - a.activateAt) * 1000,
    details: a.details as JsonObject,
    deactivate_at: a.deactivateAt === undefined ? 'infinity' : a.deactivateAt * 1000,
    activated: a.deactivateAt === undefined,
    activate_at: a.activateAt * 1000,
  };
}

function alarmsOf(core: Core, which: 'all' | 'activated' | 'deactivated'): JsonObject[] {
  const active = [...core.alarms.active.values()];
  const list = which === 'activated' ? active : which === 'deactivated' ? core.alarms.history : [...active, ...core.alarms.history];
  return list.map((a) => formatAlarm(core, a));
}

export const listAlarms = (which: 'all' | 'activated' | 'deactivated') => (ctx: Ctx): Reply =>
  ok([{ node: ctx.core.node, alarms: alarmsOf(ctx.core, which) }]);
export const nodeAlarms = (which: 'all' | 'activated' | 'deactivated') => (ctx: Ctx): Reply => ok(alarmsOf(ctx.core, which));

/**
 * emqx_mgmt_api_alarms deactivate/2 (4.4.19, observed): `node` and `name` both go through
 * `binary_to_atom`, which crashes on anything but a string (500, also when one is missing), so
 * `{"message":"missing_param"}` only comes for the string `"undefined"`; another node is
 * `nodedown` (the rpc fails); an alarm that is not active is `not_found`.
 */
export function deactivateAlarm(ctx: Ctx): Reply {
  const p = bodyObject(ctx);
  if (typeof p.node !== 'string' || typeof p.name !== 'string') throw internalError();
  if (p.node === 'undefined' || p.name === 'undefined') return failNoCode('missing_param');
  if (p.node !== ctx.core.node) return failNoCode('nodedown');
  if (!ctx.core.alarms.deactivate(p.name)) return failNoCode('not_found');
  return ok();
}

export function deleteDeactivatedAlarms(ctx: Ctx): Reply {
  ctx.core.alarms.clearHistory();
  return ok();
}
