// /rules, /actions, /resource_types, /resources, /resource_status, /rule_events (4.x), after
// emqx_rule_engine_api: errors are HTTP 200 with code 400/404 and EMQX's own messages
// ("Rule ~s Not Found", "Action ~s Not Found", "Bad Arguments: ...", "Not Found").

import { fail, internalError, notFound, ok, type JsonObject, type Reply } from '../../http/reply.ts';
import { pageOfScan, pageReply } from '../../http/pagination.ts';
import { bodyObject, requestedPage, variedOrder } from '../common.ts';
import { topicMatches } from '../../mqtt/topic.ts';
import { RuleCrash, RuleError, ruleEventsOf, type ActionSpec, type Resource, type ResourceTypeSpec, type Rule, type RuleEngine } from '../../state/rules.ts';
import { parseSql, runSql } from '../../state/rule-sql.ts';
import type { Ctx } from '../../core.ts';

/**
 * A rule as emqx_rule_engine_api prints it; 4.4.19 (observed) adds `on_action_failed` and the
 * actions' `fallbacks` (4.3+) and `created_at` in ms (4.3.17+/4.4.6+), in jiffy's key order.
 */
export function formatRule(engine: RuleEngine, r: Rule): JsonObject {
  const b = engine.b;
  const out: JsonObject = { rawsql: r.rawsql };
  if (b.ruleOnActionFailed) out.on_action_failed = r.onActionFailed;
  Object.assign(out, { metrics: engine.ruleMetrics(r) as JsonObject[], id: r.id, for: r.sql.from, enabled: r.enabled, description: r.description });
  if (b.ruleCreatedAt) out.created_at = r.createdAt;
  out.actions = r.actions.map((a) => {
    const action: JsonObject = { params: a.params as JsonObject, name: a.name, metrics: engine.actionMetrics(a) as JsonObject[], id: a.id };
    if (b.ruleOnActionFailed) action.fallbacks = [];
    return action;
  });
  return out;
}

function ruleError(e: unknown): Reply {
  if (e instanceof RuleError) return fail(e.code, e.message);
  throw e;
}

const RULE_FILTERS = new Set(['enabled', 'for', '_like_id', '_like_for', '_match_for', '_like_description']);

export function listRules(ctx: Ctx): Reply {
  const engine = ctx.core.rules;
  const rules = engine.rulesOf('v4');
  if (!ctx.core.behaviour.rulesPaginated) return ok(rules.map((r) => formatRule(engine, r)));
  const q = ctx.query;
  const filtered = [...q.keys()].some((k) => RULE_FILTERS.has(k));
  const keep = (r: Rule): boolean => {
    for (const [k, v] of q) {
      if (k === 'enabled' && String(r.enabled) !== v) return false;
      if (k === 'for' && !r.sql.from.includes(v)) return false;
      if (k === '_like_id' && !r.id.includes(v)) return false;
      if (k === '_like_description' && !r.description.includes(v)) return false;
      if (k === '_like_for' && !r.sql.from.some((f) => f.includes(v))) return false;
      if (k === '_match_for' && !r.sql.from.some((f) => topicMatches(f, v))) return false;
    }
    return true;
  };
  const p = requestedPage(ctx);
  const varied = variedOrder(ctx, rules, (r) => r.id);
  const page = pageOfScan(varied ?? rules, keep, p);
  // emqx_rule_engine_api sorts each page by created_at, newest first (the `order` variation
  // leaves the hash order as it is)
  const rows = (varied ? page.rows : page.rows.sort((a, b) => b.createdAt - a.createdAt)).map((r) => formatRule(engine, r));
  return pageReply(p, rows, filtered ? -1 : rules.length, ctx.core.behaviour.hasnext ? page.hasnext : undefined);
}

export function showRule(ctx: Ctx): Reply {
  const r = ctx.core.rules.rules.get(ctx.params.id ?? '');
  if (!r || r.origin !== 'v4') return fail(404, 'Not Found');
  return ok(formatRule(ctx.core.rules, r));
}

/** `"test": true` runs the SQL against `ctx` instead of creating the rule. */
function testRule(p: Record<string, unknown>): Reply {
  let sql;
  try {
    sql = parseSql(p.rawsql);
  } catch (e) {
    return fail(400, `Bad Arguments: {select_and_transform_error,${(e as Error).message}}`);
  }
  const c = (p.ctx !== null && typeof p.ctx === 'object' ? p.ctx : {}) as Record<string, unknown>;
  const topic = typeof c.topic === 'string' ? c.topic : 't/a';
  if (!sql.from.some((f) => topicMatches(topic, f))) return fail(404, 'SQL Not Match');
  const row = { clientid: 'c_emqx', username: 'u_emqx', payload: '{"msg": "hello"}', qos: 1, topic, ...c };
  const out = runSql(sql, row);
  return out ? ok(out as JsonObject) : fail(404, 'SQL Not Match');
}

export function createRule(ctx: Ctx): Reply {
  const p = bodyObject(ctx);
  if (p.test === true || p.test === 'true') return testRule(p);
  try {
    return ok(formatRule(ctx.core.rules, ctx.core.rules.createRule('v4', p)));
  } catch (e) {
    if (e instanceof RuleCrash) throw internalError();
    return ruleError(e);
  }
}

export function updateRule(ctx: Ctx): Reply {
  const id = ctx.params.id ?? '';
  const existing = ctx.core.rules.rules.get(id);
  if (!existing || existing.origin !== 'v4') return fail(400, `Rule ${id} Not Found`);
  try {
    return ok(formatRule(ctx.core.rules, ctx.core.rules.updateRule(id, bodyObject(ctx))));
  } catch (e) {
    if (e instanceof RuleCrash) throw internalError();
    return ruleError(e);
  }
}

export function deleteRule(ctx: Ctx): Reply {
  const r = ctx.core.rules.rules.get(ctx.params.id ?? '');
  if (r && r.origin === 'v4') ctx.core.rules.deleteRule(r.id);
  return ok();
}

export function resetRuleMetrics(ctx: Ctx): Reply {
  const r = ctx.core.rules.rules.get(ctx.params.id ?? '');
  if (r) {
    r.matched = 0;
    for (const a of r.actions) a.success = a.failed = 0;
  }
  return ok();
}

/** In 4.4.19's key order (observed); `category` from 4.3. */
export function formatAction(a: ActionSpec): JsonObject {
  const out: JsonObject = { types: a.types, title: { ...a.title }, params: a.params as JsonObject, name: a.name, for: a.for, description: { ...a.description } };
  if (a.category !== undefined) out.category = a.category;
  out.app = a.app;
  return out;
}

const byTitle = <T extends { title: { en: string } }>(list: T[]) => [...list].sort((a, b) => (a.title.en <= b.title.en ? -1 : 1));

export function listActions(ctx: Ctx): Reply {
  const actions = ctx.core.rules.actions.filter((a) => a.origin === 'v4');
  return ok((variedOrder(ctx, actions, (a) => a.name) ?? byTitle(actions)).map(formatAction));
}

// `/actions/:atom:name` and `/resource_types/:atom:name`: a name that isn't an existing atom
// fails the binding conversion, which minirest answers with 404 `Not found.` (text), before
// emqx_rule_engine_api's own {"code":404,"message":"Not Found"} could.
export function showAction(ctx: Ctx): Reply {
  const a = ctx.core.rules.action('v4', ctx.params.name ?? '');
  if (!a) throw notFound();
  return ok(formatAction(a));
}

export function formatResourceType(t: ResourceTypeSpec): JsonObject {
  return { title: { ...t.title }, provider: t.provider, params: t.params as JsonObject, name: t.name, description: { ...t.description } };
}

export function listResourceTypes(ctx: Ctx): Reply {
  const types = ctx.core.rules.resourceTypes.filter((t) => t.origin === 'v4');
  return ok((variedOrder(ctx, types, (t) => t.name) ?? byTitle(types)).map(formatResourceType));
}

export function showResourceType(ctx: Ctx): Reply {
  const t = ctx.core.rules.resourceType('v4', ctx.params.name ?? '');
  if (!t) throw notFound();
  return ok(formatResourceType(t));
}

export function formatResource(r: Resource): JsonObject {
  return { type: r.type, id: r.id, description: r.description, config: r.config as JsonObject };
}

/** 4.3+ list_resources/2 adds each resource's `status` (alive or not, from the last check). */
export function listResources(ctx: Ctx): Reply {
  const withStatus = ctx.core.behaviour.resourceStatusInList;
  const resources = ctx.core.rules.resourcesOf('v4');
  return ok(
    (variedOrder(ctx, resources, (r) => r.id) ?? resources).map((r) => {
      const f = formatResource(r);
      return withStatus ? { type: f.type, status: r.alive === true, id: f.id, description: f.description, config: f.config } : f;
    }),
  );
}

export function listResourcesByType(ctx: Ctx): Reply {
  const resources = ctx.core.rules.resourcesOfType('v4', ctx.params.type ?? '');
  if (!resources) throw notFound();
  return ok((variedOrder(ctx, resources, (r) => r.id) ?? resources).map(formatResource));
}

export function listActionsByType(ctx: Ctx): Reply {
  const type = ctx.params.type ?? '';
  return ok(ctx.core.rules.actions.filter((a) => a.origin === 'v4' && a.types.includes(type)).map(formatAction));
}

export async function showResource(ctx: Ctx): Promise<Reply> {
  const r = ctx.core.rules.resources.get(ctx.params.id ?? '');
  if (!r || r.origin !== 'v4') return fail(404, 'Not Found');
  const alive = await ctx.core.rules.isAlive(r);
  return ok({ ...formatResource(r), status: [{ node: ctx.core.node, is_alive: alive }] });
}

/**
 * The resource is created even when it can't be initialised (its URL doesn't answer): it is then
 * listed as not alive, and /resource_status has no status for it (observed on 4.4.19).
 */
export async function createResource(ctx: Ctx): Promise<Reply> {
  let r: Resource;
  try {
    r = ctx.core.rules.createResource('v4', bodyObject(ctx));
  } catch (e) {
    if (e instanceof RuleCrash) throw internalError();
    return ruleError(e);
  }
  r.initialized = await ctx.core.rules.isAlive(r);
  return ok(formatResource(r));
}

/** How 4.4.19 reports a web_hook resource that can't reach its URL (its Erlang stack trace left out). */
const CONNECTIVITY_FAILED = '{{emqx_web_hook_actions,on_resource_create},{error,{error,check_http_connectivity_failed},[]}}';

/**
 * update_resource re-initialises the resource with the new config (4.3+, observed on 4.4.19):
 * a URL that does not answer is 400 `Bad Arguments: {error,{init_resource,[…]}}` and nothing
 * changes. The body is read before the lookup, so a scalar body is 500 even for an unknown id.
 */
export async function updateResource(ctx: Ctx): Promise<Reply> {
  const id = ctx.params.id ?? '';
  const p = bodyObject(ctx);
  const r = ctx.core.rules.resources.get(id);
  if (!r || r.origin !== 'v4') return fail(400, `Resource not found:${id}`);
  const config = p.config !== null && typeof p.config === 'object' && !Array.isArray(p.config) ? (p.config as Record<string, unknown>) : r.config;
  if (ctx.core.behaviour.ruleParamsCrash) {
    const probe = { ...r, config, alive: undefined, checkedAt: 0 };
    if (!(await ctx.core.rules.isAlive(probe))) return fail(400, `Bad Arguments: {error,{init_resource,[${CONNECTIVITY_FAILED}]}}`);
  }
  if (typeof p.description === 'string') r.description = p.description;
  r.config = config;
  r.alive = undefined;
  return ok();
}

export function deleteResource(ctx: Ctx): Reply {
  const id = ctx.params.id ?? '';
  const deps = ctx.core.rules.dependentRules(id);
  if (deps.length > 0) return fail(400, `Found rules [${deps.map((d) => `<<"${d}">>`).join(',')}] depends on this resource, disable them first`);
  ctx.core.rules.resources.delete(id);
  return ok();
}

/**
 * get_resource_status/2 reads the status the resource got when it was initialised
 * (emqx_rule_engine:get_resource_status/1): unknown, or never initialised because its URL did
 * not answer at creation → 400 `Resource <id> Not Found` (observed on 4.4.19).
 */
export async function resourceStatus(ctx: Ctx): Promise<Reply> {
  const id = ctx.params.id ?? '';
  const r = ctx.core.rules.resources.get(id);
  if (!r || r.initialized === false) return fail(400, `Resource ${id} Not Found`);
  return ok({ is_alive: await ctx.core.rules.isAlive(r) });
}

export async function startResource(ctx: Ctx): Promise<Reply> {
  const id = ctx.params.id ?? '';
  const r = ctx.core.rules.resources.get(id);
  if (!r) return fail(400, `Resource ${id} Not Found`);
  r.alive = undefined;
  const alive = await ctx.core.rules.isAlive(r);
  if (r.origin !== 'v4') return ok();
  r.initialized = alive;
  // 4.3+: a resource that can't be initialised is refused (observed on 4.4.19)
  if (!alive && ctx.core.behaviour.ruleParamsCrash) return fail(400, `Bad Arguments: ${CONNECTIVITY_FAILED}`);
  return ok();
}

export function listRuleEvents(ctx: Ctx): Reply {
  return ok(ruleEventsOf(ctx.core.behaviour) as JsonObject[]);
}
