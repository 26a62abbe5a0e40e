// 3.x broker administration: brokers/nodes/listeners/metrics/stats/alarms in the 3.x shapes,
// plugins, configs, plugin configs, applications, dashboard users and the auth_clientid /
// auth_username plugin tables (index-only routes; shapes from emqx-management and
// emqx-auth-clientid of the 3.x line, see reference/README.md).

import { fail, failNoCode, notFound, ok, type JsonObject, type Reply } from '../../http/reply.ts';
import { bodyObject, brokerInfo, listenersOf, nodeInfo, statsV3, strftime } from '../common.ts';
import { sha256 } from '../../state/access.ts';
import type { Core, Ctx } from '../../core.ts';

/** The 3.x API reports its own release with a `v`, as its examples show (`v3.1.0`). */
const v3Version = (core: Core) => `v${core.v3Version.text}`;

export function listBrokers(ctx: Ctx): Reply {
  return ok([{ ...brokerInfo(ctx.core, 'v3'), version: v3Version(ctx.core) }]);
}

export function getBroker(ctx: Ctx): Reply {
  const info: JsonObject = { ...brokerInfo(ctx.core, 'v3'), version: v3Version(ctx.core) };
  delete info.node;
  return ok(info);
}

function nodeV3(core: Core, listing: boolean): JsonObject {
  const info: JsonObject = { ...nodeInfo(core, listing, 'v3'), name: core.node, version: v3Version(core) };
  if (!listing) delete info.node;
  return info;
}

export const listNodes = (ctx: Ctx): Reply => ok([nodeV3(ctx.core, true)]);
export const getNode = (ctx: Ctx): Reply => ok(nodeV3(ctx.core, false));

export const listListeners = (ctx: Ctx): Reply => ok([{ listeners: listenersOf(ctx.core, 'v3'), node: ctx.core.node }]);
export const nodeListeners = (ctx: Ctx): Reply => ok(listenersOf(ctx.core, 'v3'));

const metricsV3 = (core: Core) => core.metrics.v3(core.mqtt.retained.size);
export const listMetrics = (ctx: Ctx): Reply => ok([{ node: ctx.core.node, metrics: metricsV3(ctx.core) }]);
export const nodeMetrics = (ctx: Ctx): Reply => ok(metricsV3(ctx.core));

export const listStats = (ctx: Ctx): Reply => ok([{ node: ctx.core.node, ...statsV3(ctx.core) }]);
export const nodeStats = (ctx: Ctx): Reply => ok(statsV3(ctx.core));

function presentAlarms(core: Core): JsonObject[] {
  return [...core.alarms.active.values()].map((a) => ({ id: a.name, desc: a.message }));
}

function alarmHistory(core: Core): JsonObject[] {
  return core.alarms.history.map((a) => ({ clear_at: strftime(a.deactivateAt ?? Date.now()), desc: a.message, id: a.name }));
}

export const listPresentAlarms = (ctx: Ctx): Reply => ok([{ alarms: presentAlarms(ctx.core), node: ctx.core.node }]);
export const nodePresentAlarms = (ctx: Ctx): Reply => ok(presentAlarms(ctx.core));
export const listAlarmHistory = (ctx: Ctx): Reply => ok([{ alarms: alarmHistory(ctx.core), node: ctx.core.node }]);
export const nodeAlarmHistory = (ctx: Ctx): Reply => ok(alarmHistory(ctx.core));

// ---- plugins ----------------------------------------------------------------------------------

function pluginList(core: Core): JsonObject[] {
  return [...core.admin.plugins.values()].map((p) => ({ name: p.name, version: v3Version(core), description: p.description, active: p.active }));
}

export const listPlugins = (ctx: Ctx): Reply => ok([{ node: ctx.core.node, plugins: pluginList(ctx.core) }]);
export const nodePlugins = (ctx: Ctx): Reply => ok(pluginList(ctx.core));

/** `:atom:plugin`: a name that is no plugin can't be converted, so minirest answers 404. */
function plugin(ctx: Ctx) {
  const p = ctx.core.admin.plugins.get(ctx.params.plugin ?? '');
  if (!p) throw notFound();
  return p;
}

/**
 * emqx_plugins' `{error, Reason}`: 3.0.x's own return/1 gives `{"code":102,"message":Reason}`
 * (the document's example); from 3.1 minirest:return/1 gives `{"message":Reason}`, no code.
 */
function pluginError(ctx: Ctx, reason: string): Reply {
  return ctx.core.v3.pluginErrorsHaveCode ? fail(102, reason) : failNoCode(reason);
}

export function loadPlugin(ctx: Ctx): Reply {
  const p = plugin(ctx);
  if (p.active) return pluginError(ctx, 'already_started');
  p.active = true;
  return ok();
}

export function unloadPlugin(ctx: Ctx): Reply {
  const p = plugin(ctx);
  if (!p.active) return pluginError(ctx, 'not_started');
  p.active = false;
  return ok();
}

export function reloadPlugin(ctx: Ctx): Reply {
  const p = plugin(ctx);
  if (!p.active) return pluginError(ctx, 'not_started');
  return ok();
}

// ---- configs ----------------------------------------------------------------------------------

export const listConfigs = (ctx: Ctx): Reply => ok([{ node: ctx.core.node, config: ctx.core.admin.configs.map((c) => ({ ...c })) }]);
export const nodeConfigs = (ctx: Ctx): Reply => ok(ctx.core.admin.configs.map((c) => ({ ...c })));

/** Sets one `{key, value}`; a body without both strings changes nothing (and is still code 0). */
export function updateConfig(ctx: Ctx): Reply {
  const p = bodyObject(ctx);
  const app = ctx.params.app ?? '';
  if (typeof p.key !== 'string' || typeof p.value !== 'string') return ok();
  const entry = ctx.core.admin.configs.find((c) => c.app === app && c.key === p.key);
  if (entry) entry.value = p.value;
  else ctx.core.admin.configs.push({ key: p.key, value: p.value, datatpye: 'string', app });
  return ok();
}

export function getPluginConfigs(ctx: Ctx): Reply {
  plugin(ctx);
  return ok((ctx.core.admin.pluginConfigs.get(ctx.params.plugin ?? '') ?? []).map((c) => ({ ...c })));
}

export function updatePluginConfigs(ctx: Ctx): Reply {
  const entries = ctx.core.admin.pluginConfigs.get(plugin(ctx).name);
  if (!entries) return fail(102, 'unknown_error');
  const p = bodyObject(ctx);
  for (const [k, v] of Object.entries(p)) {
    const e = entries.find((x) => x.key === k);
    if (e) e.value = typeof v === 'string' ? v : JSON.stringify(v);
  }
  return ok();
}

// ---- applications -----------------------------------------------------------------------------

const formatApp = (a: { app_id: string; name: string; secret: string; desc: string; status: boolean; expired: number | 'undefined' }) => ({
  app_id: a.app_id,
  secret: a.secret,
  name: a.name,
  desc: a.desc,
  status: a.status,
  expired: a.expired,
});

// like emqx_mgmt_api_apps list_apps, the listing leaves secrets out; only a lookup shows one
export const listApps = (ctx: Ctx): Reply =>
  ok(
    [...ctx.core.admin.apps.values()].map((a) => {
      const { secret: _secret, ...shown } = formatApp(a);
      return shown;
    }),
  );

export function lookupApp(ctx: Ctx): Reply {
  const a = ctx.core.admin.apps.get(ctx.params.appid ?? '');
  return ok(a ? formatApp(a) : {});
}

export function addApp(ctx: Ctx): Reply {
  const p = bodyObject(ctx);
  const { apps } = ctx.core.admin;
  if (typeof p.app_id !== 'string' || p.app_id === '') return failNoCode('app_id');
  if (apps.has(p.app_id)) return failNoCode('alread_existed');
  const secret = typeof p.secret === 'string' && p.secret !== '' ? p.secret : sha256(`${p.app_id}${Date.now()}${Math.random()}`).slice(0, 32);
  apps.set(p.app_id, {
    app_id: p.app_id,
    name: typeof p.name === 'string' ? p.name : p.app_id,
    secret,
    desc: typeof p.desc === 'string' ? p.desc : '',
    status: p.status === undefined ? true : p.status === true,
    expired: typeof p.expired === 'number' ? p.expired : 'undefined',
  });
  return ok({ secret });
}

export function updateApp(ctx: Ctx): Reply {
  const a = ctx.core.admin.apps.get(ctx.params.appid ?? '');
  if (!a) return failNoCode('not_found');
  const p = bodyObject(ctx);
  if (typeof p.name === 'string') a.name = p.name;
  if (typeof p.desc === 'string') a.desc = p.desc;
  if (typeof p.status === 'boolean') a.status = p.status;
  if (typeof p.expired === 'number') a.expired = p.expired;
  return ok();
}

export function deleteApp(ctx: Ctx): Reply {
  ctx.core.admin.apps.delete(ctx.params.appid ?? '');
  return ok();
}

// ---- dashboard users --------------------------------------------------------------------------

export const listUsers = (ctx: Ctx): Reply => ok([...ctx.core.admin.users.values()].map((u) => ({ username: u.username, tags: u.tags })));

export function createUser(ctx: Ctx): Reply {
  const p = bodyObject(ctx);
  if (typeof p.username !== 'string' || p.username === '' || typeof p.password !== 'string' || p.password === '') {
    return fail(104, 'Username or password is empty');
  }
  if (ctx.core.admin.users.has(p.username)) return fail(113, 'Username already exists');
  ctx.core.admin.users.set(p.username, { username: p.username, password: sha256(p.password), tags: typeof p.tags === 'string' ? p.tags : '' });
  return ok();
}

export function updateUser(ctx: Ctx): Reply {
  const u = ctx.core.admin.users.get(ctx.params.name ?? '');
  if (!u) return fail(105, 'Username not found');
  const p = bodyObject(ctx);
  if (typeof p.tags === 'string') u.tags = p.tags;
  return ok();
}

export function deleteUser(ctx: Ctx): Reply {
  const name = ctx.params.name ?? '';
  if (name === 'admin') return fail(106, 'Cannot delete admin');
  if (!ctx.core.admin.users.delete(name)) return fail(105, 'Username not found');
  return ok();
}

export function authUser(ctx: Ctx): Reply {
  const p = bodyObject(ctx);
  if (typeof p.username !== 'string' || typeof p.password !== 'string' || p.username === '' || p.password === '') {
    return fail(104, 'Username or password is empty');
  }
  const u = ctx.core.admin.users.get(p.username);
  if (!u || u.password !== sha256(p.password)) return fail(103, 'Username or password error');
  return ok();
}

export function changePassword(ctx: Ctx): Reply {
  const u = ctx.core.admin.users.get(ctx.params.username ?? '');
  const p = bodyObject(ctx);
  if (typeof p.old_pwd !== 'string' || typeof p.new_pwd !== 'string' || p.new_pwd === '') return fail(104, 'Username or password is empty');
  if (!u) return fail(105, 'Username not found');
  if (u.password !== sha256(p.old_pwd)) return fail(114, 'Old password error');
  u.password = sha256(p.new_pwd);
  return ok();
}

// ---- emqx_auth_clientid / emqx_auth_username -------------------------------------------------

export function authTable(kind: 'clientid' | 'username') {
  const table = (ctx: Ctx) => (kind === 'clientid' ? ctx.core.access.clientidAuth : ctx.core.access.usernameAuth);
  return {
    list: (ctx: Ctx): Reply => ok([...table(ctx).keys()]),
    lookup: (ctx: Ctx): Reply => {
      const id = ctx.params[kind] ?? '';
      const hash = table(ctx).get(id);
      return ok(hash === undefined ? {} : { [kind]: id, password: hash });
    },
    add: (ctx: Ctx): Reply => {
      const p = bodyObject(ctx);
      const id = p[kind];
      if (typeof id !== 'string' || id === '') return failNoCode(kind);
      if (typeof p.password !== 'string' || p.password === '') return failNoCode('password');
      if (table(ctx).has(id)) return failNoCode('existed');
      table(ctx).set(id, sha256(p.password));
      return ok();
    },
    update: (ctx: Ctx): Reply => {
      const p = bodyObject(ctx);
      const id = ctx.params[kind] ?? '';
      if (typeof p.password !== 'string' || p.password === '') return failNoCode('password');
      // update_password/2 → mnesia:abort(noexisted) (emqx_auth_username / emqx_auth_clientid 3.x)
      if (!table(ctx).has(id)) return failNoCode('noexisted');
      table(ctx).set(id, sha256(p.password));
      return ok();
    },
    remove: (ctx: Ctx): Reply => {
      table(ctx).delete(ctx.params[kind] ?? '');
      return ok();
    },
  };
}
