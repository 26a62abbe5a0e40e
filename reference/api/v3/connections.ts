// 3.x /connections, /sessions, /subscriptions, /routes: the same live tables as 4.x under the
// 3.x field names (client_id, ipaddress, conn_mod …) and 3.x meta (never hasnext).

import { fail, failNoCode, internalError, ok, type JsonObject, type Reply } from '../../http/reply.ts';
import { pageOfIndex, pageOfScan, pageReply } from '../../http/pagination.ts';
import { requestedPage, strftime } from '../common.ts';
import { formatSub } from '../v4/subscriptions.ts';
import type { ClientRecord } from '../../state/clients.ts';
import type { Core, Ctx } from '../../core.ts';

export function formatConnection(core: Core, rec: ClientRecord): JsonObject {
  const s = rec.stats;
  return {
    clean_start: rec.cleanStart,
    client_id: rec.clientid,
    conn_mod: 'emqx_connection',
    connected_at: strftime(rec.connectedAt),
    heap_size: rec.socket ? rec.socket.writableLength + rec.socket.readableLength : 0,
    ipaddress: rec.ipAddress,
    is_bridge: false,
    keepalive: rec.keepalive,
    mailbox_len: 0,
    node: core.node,
    peercert: 'nossl',
    port: rec.port,
    proto_name: rec.protoName,
    proto_ver: rec.protoVer,
    recv_cnt: s.recv_cnt,
    recv_msg: s.recv_msg,
    recv_oct: s.recv_oct,
    recv_pkt: s.recv_pkt,
    reductions: s.recv_pkt + s.send_pkt,
    send_cnt: s.send_cnt,
    send_msg: s.send_msg,
    send_oct: s.send_oct,
    send_pend: rec.socket ? rec.socket.writableLength : 0,
    send_pkt: s.send_pkt,
    username: rec.username ?? 'undefined',
    zone: 'external',
  };
}

export function formatSession(core: Core, rec: ClientRecord): JsonObject {
  const s = rec.stats;
  return {
    awaiting_rel_len: Math.max(0, s.inQos2 - s.inRel),
    binding: 'local',
    clean_start: rec.cleanStart,
    client_id: rec.clientid,
    created_at: strftime(rec.createdAt),
    deliver_msg: s.send_msg,
    enqueue_msg: 0,
    expiry_interval: rec.expiryInterval,
    heap_size: rec.socket ? rec.socket.writableLength + rec.socket.readableLength : 0,
    inflight_len: Math.max(0, s.outQos - s.outAcked),
    mailbox_len: 0,
    max_awaiting_rel: 100,
    max_inflight: 32,
    max_mqueue: 1000,
    max_subscriptions: 0,
    mqueue_dropped: 0,
    mqueue_len: 0,
    node: core.node,
    reductions: s.recv_pkt + s.send_pkt,
    subscriptions_count: rec.subs.size,
    username: rec.username ?? 'undefined',
  };
}

export function listConnections(ctx: Ctx): Reply {
  const { core } = ctx;
  const p = requestedPage(ctx);
  const page = pageOfScan(core.registry.clients.values(), (r) => r.connected, p);
  return pageReply(p, page.rows.map((r) => formatConnection(core, r)), core.registry.gauges.connections.count, undefined);
}

export function lookupConnection(ctx: Ctx): Reply {
  const rec = ctx.core.registry.get(ctx.params.clientid ?? '');
  return ok(rec?.connected ? [formatConnection(ctx.core, rec)] : []);
}

export function lookupConnectionByUsername(ctx: Ctx): Reply {
  return ok(
    ctx.core.registry
      .byUsername(ctx.params.username ?? '')
      .filter((r) => r.connected)
      .map((r) => formatConnection(ctx.core, r)),
  );
}

export function kickConnection(ctx: Ctx): Reply {
  const id = ctx.params.clientid ?? '';
  const rec = ctx.core.registry.get(id);
  if (!rec?.connected) {
    // 3.0.x's kickout/2 calls return({error, not_found}), which its return/1 has no clause for
    if (ctx.core.v3.kickUnknownCrashes) throw internalError();
    return fail(112, 'not_found');
  }
  if (!ctx.dev.get('ignore-kick')) ctx.core.mqtt.kick(id);
  return ok();
}

export function listSessions(ctx: Ctx): Reply {
  const { core } = ctx;
  const p = requestedPage(ctx);
  const page = pageOfIndex(core.registry.clients, p);
  return pageReply(p, page.rows.map((r) => formatSession(core, r)), core.registry.clients.size, undefined);
}

export function lookupSession(ctx: Ctx): Reply {
  const rec = ctx.core.registry.get(ctx.params.clientid ?? '');
  return ok(rec ? [formatSession(ctx.core, rec)] : []);
}

export function cleanPersistentSession(ctx: Ctx): Reply {
  const id = ctx.params.clientid ?? '';
  const rec = ctx.core.registry.get(id);
  // clean/2 → minirest:return({error, not_found}): a message and no code (emqx_mgmt_api_sessions 3.2)
  if (!rec || rec.cleanStart) return failNoCode('not_found');
  ctx.core.mqtt.kick(id);
  return ok();
}

export function listSubscriptionsV3(ctx: Ctx): Reply {
  const { core } = ctx;
  const p = requestedPage(ctx);
  const page = pageOfIndex(core.registry.subscriptions, p);
  return pageReply(p, page.rows.map((s) => formatSub(core, s, 'client_id')), core.registry.subscriptions.size, undefined);
}

export function lookupSubscriptionsV3(ctx: Ctx): Reply {
  const rec = ctx.core.registry.get(ctx.params.clientid ?? '');
  return ok(rec ? [...rec.subs.values()].map((s) => formatSub(ctx.core, s, 'client_id')) : []);
}
