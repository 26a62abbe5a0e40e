// /subscriptions (filters clientid, topic, qos, share, _match_topic → count -1) and /routes
// (emqx_mgmt_api:paginate: page, limit, count and never hasnext).

import { HandlerThrow, ok, type JsonObject, type Reply } from '../../http/reply.ts';
import { pageOfArray, pageOfIndex, pageOfScan, pageReply } from '../../http/pagination.ts';
import { topicMatches } from '../../mqtt/topic.ts';
import { erlBinary, requestedPage, variedOrder } from '../common.ts';
import type { SubEntry } from '../../state/clients.ts';
import type { Core, Ctx } from '../../core.ts';

export function formatSub(core: Core, s: SubEntry, idKey: 'clientid' | 'client_id' = 'clientid'): JsonObject {
  return { topic: s.topic, qos: s.qos, node: core.node, [idKey]: s.clientid };
}

type SubFilter = (s: SubEntry) => boolean;

function subFilters(ctx: Ctx): SubFilter[] | undefined {
  if (!ctx.core.behaviour.clientFilters) return undefined;
  const filters: SubFilter[] = [];
  for (const [key, value] of ctx.query) {
    switch (key) {
      case 'clientid':
        filters.push((s) => s.clientid === value);
        break;
      case 'topic':
        filters.push((s) => s.topic === value || (s.share === undefined && s.filter === value));
        break;
      case 'share':
        filters.push((s) => s.share === value);
        break;
      case 'qos': {
        // Not wrapped in fence/1 in emqx_mgmt_api_subscriptions: a bad value escapes as a throw.
        if (!/^[+-]?\d+$/.test(value)) throw new HandlerThrow(`{bad_value_type,{<<"qos">>,integer,${erlBinary(value)}}}`);
        const q = Number(value);
        filters.push((s) => s.qos === q);
        break;
      }
      case '_match_topic':
        filters.push((s) => topicMatches(s.filter, value));
        break;
    }
  }
  return filters.length > 0 ? filters : undefined;
}

export function listSubscriptions(ctx: Ctx): Reply {
  const { core } = ctx;
  const p = requestedPage(ctx);
  const withHasnext = core.behaviour.hasnext;
  const filters = subFilters(ctx);
  const index = core.registry.subscriptions;
  const varied = variedOrder(ctx, index.values(), (s) => `${s.clientid}\u0000${s.topic}`);
  if (!filters) {
    const page = varied ? pageOfArray(varied, p) : pageOfIndex(index, p);
    return pageReply(p, page.rows.map((s) => formatSub(core, s)), index.size, withHasnext ? page.hasnext : undefined);
  }
  const page = pageOfScan(varied ?? index.values(), (s) => filters.every((f) => f(s)), p);
  return pageReply(p, page.rows.map((s) => formatSub(core, s)), -1, withHasnext ? page.hasnext : undefined);
}

export function lookupSubscriptions(ctx: Ctx): Reply {
  const rec = ctx.core.registry.get(ctx.params.clientid ?? '');
  const subs = rec ? [...rec.subs.values()] : [];
  return ok((variedOrder(ctx, subs, (s) => s.topic) ?? subs).map((s) => formatSub(ctx.core, s)));
}

export function listRoutes(ctx: Ctx): Reply {
  const { core } = ctx;
  const p = requestedPage(ctx);
  const varied = variedOrder(ctx, core.registry.routes.values(), (r) => r.topic);
  const page = varied ? pageOfArray(varied, p) : pageOfIndex(core.registry.routes, p);
  return pageReply(p, page.rows.map((r) => ({ topic: r.topic, node: core.node })), core.registry.routes.size, undefined);
}

export function lookupRoute(ctx: Ctx): Reply {
  const topic = ctx.params.topic ?? '';
  return ok(ctx.core.registry.route(topic) ? [{ topic, node: ctx.core.node }] : []);
}
