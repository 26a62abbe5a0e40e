// 3.x rule engine API: rules carry a name and a hook (`for`), ids are `name:stamp`, actions are
// named `built_in:republish_action` etc., resources are `type:name` with `attrs`.

import { fail, notFound, ok, type JsonObject, type Reply } from '../../http/reply.ts';
import { bodyObject } from '../common.ts';
import { RuleError, ruleEvents, type ActionSpec, type Resource, type Rule } from '../../state/rules.ts';
import type { Ctx } from '../../core.ts';

function formatRule(r: Rule): JsonObject {
  return {
    actions: r.actions.map((a) => ({ name: a.name, params: a.params as JsonObject })),
    description: r.description,
    enabled: r.enabled,
    for: r.hook ?? 'message.publish',
    id: r.id,
    name: r.name ?? '',
    rawsql: r.rawsql,
  };
}

function formatAction(a: ActionSpec): JsonObject {
  return { app: a.app, description: a.description.en, for: a.for, name: a.name, params: a.params as JsonObject, type: a.type };
}

function formatResource(r: Resource): JsonObject {
  return { attrs: 'undefined', config: r.config as JsonObject, description: r.description, id: r.id, name: r.name ?? r.id, type: r.type };
}

function ruleError(e: unknown): Reply {
  if (e instanceof RuleError) return fail(e.code, e.message);
  throw e;
}

export function createRule(ctx: Ctx): Reply {
  const p = bodyObject(ctx);
  if (typeof p.name !== 'string' || p.name === '') return fail(400, 'Bad Arguments: {missing_required_param,name}');
  try {
    return ok(formatRule(ctx.core.rules.createRule('v3', p)));
  } catch (e) {
    return ruleError(e);
  }
}

export const listRules = (ctx: Ctx): Reply => ok(ctx.core.rules.rulesOf('v3').map(formatRule));

export function showRule(ctx: Ctx): Reply {
  const r = ctx.core.rules.rules.get(ctx.params.id ?? '');
  return r && r.origin === 'v3' ? ok(formatRule(r)) : fail(404, 'Not Found');
}

export function deleteRule(ctx: Ctx): Reply {
  const r = ctx.core.rules.rules.get(ctx.params.id ?? '');
  if (r && r.origin === 'v3') ctx.core.rules.deleteRule(r.id);
  return ok();
}

export function listActions(ctx: Ctx): Reply {
  const hook = ctx.query.get('for');
  const all = ctx.core.rules.actions.filter((a) => a.origin === 'v3');
  return ok(all.filter((a) => hook === undefined || a.for === hook || a.for === '$any').map(formatAction));
}

// Names are `:atom:` bindings in emqx_rule_engine_api: unknown ones are minirest 404s (text).
export function showAction(ctx: Ctx): Reply {
  const a = ctx.core.rules.action('v3', ctx.params.name ?? '');
  if (!a) throw notFound();
  return ok(formatAction(a));
}

export function listResourceTypes(ctx: Ctx): Reply {
  return ok(
    ctx.core.rules.resourceTypes
      .filter((t) => t.origin === 'v3')
      .map((t) => ({ description: t.description.en, name: t.name, params: t.params as JsonObject, provider: t.provider })),
  );
}

export function showResourceType(ctx: Ctx): Reply {
  const t = ctx.core.rules.resourceType('v3', ctx.params.name ?? '');
  if (!t) throw notFound();
  return ok({ description: t.description.en, name: t.name, params: t.params as JsonObject, provider: t.provider });
}

export function listResourcesByType(ctx: Ctx): Reply {
  const resources = ctx.core.rules.resourcesOfType('v3', ctx.params.type ?? '');
  if (!resources) throw notFound();
  return ok(resources.map(formatResource));
}

export function listActionsByType(ctx: Ctx): Reply {
  const type = ctx.params.type ?? '';
  if (!ctx.core.rules.resourceType('v3', type)) throw notFound();
  return ok(ctx.core.rules.actions.filter((a) => a.origin === 'v3' && a.type === type).map(formatAction));
}

export function createResource(ctx: Ctx): Reply {
  try {
    return ok(formatResource(ctx.core.rules.createResource('v3', bodyObject(ctx))));
  } catch (e) {
    return ruleError(e);
  }
}

export const listResources = (ctx: Ctx): Reply => ok(ctx.core.rules.resourcesOf('v3').map(formatResource));

export function showResource(ctx: Ctx): Reply {
  const r = ctx.core.rules.resources.get(ctx.params.id ?? '');
  return r && r.origin === 'v3' ? ok(formatResource(r)) : fail(404, 'Not Found');
}

export function deleteResource(ctx: Ctx): Reply {
  const id = ctx.params.id ?? '';
  const deps = ctx.core.rules.dependentRules(id);
  if (deps.length > 0) return fail(400, `Found rules [${deps.map((d) => `<<"${d}">>`).join(',')}] depends on this resource, disable them first`);
  ctx.core.rules.resources.delete(id);
  return ok();
}

export const listRuleEvents = (_ctx: Ctx): Reply => ok(ruleEvents() as JsonObject[]);
