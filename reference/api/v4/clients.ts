// /clients, /nodes/{node}/clients, lookups by client id and username, kick, ACL cache.
// Filters follow emqx_mgmt_api_clients' CLIENT_QS_SCHEMA (4.1+); any filter makes count -1.

import { fail, internalError, ok, type JsonObject, type Reply } from '../../http/reply.ts';
import { pageOfArray, pageOfIndex, pageOfScan, pageReply } from '../../http/pagination.ts';
import { erlBinary, requestedPage, strftime, variedOrder } from '../common.ts';
import type { ClientRecord } from '../../state/clients.ts';
import type { Core, Ctx } from '../../core.ts';

export function formatClient(core: Core, rec: ClientRecord): JsonObject {
  const s = rec.stats;
  const out: JsonObject = {
    zone: 'external',
    recv_cnt: s.recv_cnt,
    max_mqueue: 1000,
    node: core.node,
    username: rec.username ?? 'undefined',
    mqueue_len: 0,
    max_inflight: 32,
    is_bridge: false,
    mqueue_dropped: 0,
    inflight: Math.max(0, s.outQos - s.outAcked),
    heap_size: rec.socket ? rec.socket.writableLength + rec.socket.readableLength : 0,
    max_subscriptions: 0,
    proto_name: rec.protoName,
    created_at: strftime(rec.createdAt),
    proto_ver: rec.protoVer,
    reductions: s.recv_pkt + s.send_pkt,
    send_msg: s.send_msg,
    ip_address: rec.ipAddress,
    send_cnt: s.send_cnt,
    mailbox_len: 0,
    awaiting_rel: Math.max(0, s.inQos2 - s.inRel),
    keepalive: rec.keepalive,
    recv_msg: s.recv_msg,
    send_pkt: s.send_pkt,
    recv_oct: s.recv_oct,
    clientid: rec.clientid,
    clean_start: rec.cleanStart,
    expiry_interval: rec.expiryInterval,
    connected: rec.connected,
    port: rec.port,
    send_oct: s.send_oct,
    recv_pkt: s.recv_pkt,
    connected_at: strftime(rec.connectedAt),
    max_awaiting_rel: 100,
    subscriptions_cnt: rec.subs.size,
  };
  if (!rec.connected && rec.disconnectedAt !== undefined) out.disconnected_at = strftime(rec.disconnectedAt);
  const b = core.behaviour;
  // emqx_mgmt_api_clients:format_channel_info/1: `mountpoint` of the clientinfo (4.3+; a
  // listener without one says "undefined"), and 4.4's per-QoS and dropped message counters
  // (observed on 4.4.19; `recv_msg.dropped.expired` is in the list but the channel has no such
  // stat, so it never shows)
  if (b.clientMountpoint) out.mountpoint = 'undefined';
  if (b.clientMessageCounters) {
    Object.assign(out, {
      'recv_msg.qos0': s.recvQos[0],
      'recv_msg.qos1': s.recvQos[1],
      'recv_msg.qos2': s.recvQos[2],
      'recv_msg.dropped': 0,
      'send_msg.qos0': s.sendQos[0],
      'send_msg.qos1': s.sendQos[1],
      'send_msg.qos2': s.sendQos[2],
      'send_msg.dropped': 0,
      'send_msg.dropped.expired': 0,
      'send_msg.dropped.queue_full': 0,
      'send_msg.dropped.too_large': 0,
    });
  }
  return out;
}

type ClientFilter = (rec: ClientRecord) => boolean;

class BadValue extends Error {
  constructor(
    readonly key: string,
    readonly type: string,
    readonly value: string,
  ) {
    super(`Can't convert ${erlBinary(value)} to ${type} type`);
  }
}

function toInteger(key: string, v: string, type = 'integer'): number {
  if (!/^[+-]?\d+$/.test(v)) throw new BadValue(key, type, v);
  return Number(v);
}

function toIp(key: string, v: string): string {
  const parts = v.split('.');
  if (parts.length === 0 || parts.some((p) => !/^[+-]?\d+$/.test(p))) throw new BadValue(key, 'ip', v);
  return parts.map((p) => String(Number(p))).join('.');
}

/** Builds the filter list from the query; undefined when no filter is present. */
function clientFilters(ctx: Ctx): ClientFilter[] | undefined {
  if (!ctx.core.behaviour.clientFilters) return undefined;
  const q = ctx.query;
  const filters: ClientFilter[] = [];
  for (const [key, value] of q) {
    switch (key) {
      case 'clientid':
        filters.push((r) => r.clientid === value);
        break;
      case 'username':
        filters.push((r) => r.username === value);
        break;
      case 'zone':
        filters.push(() => value === 'external');
        break;
      case 'ip_address': {
        const ip = toIp(key, value);
        filters.push((r) => r.ipAddress === ip);
        break;
      }
      case 'conn_state':
        filters.push((r) => (r.connected ? 'connected' : 'disconnected') === value);
        break;
      case 'clean_start':
        filters.push((r) => String(r.cleanStart) === value);
        break;
      case 'proto_name':
        filters.push((r) => r.protoName === value);
        break;
      case 'proto_ver': {
        const n = toInteger(key, value);
        filters.push((r) => r.protoVer === n);
        break;
      }
      case '_like_clientid':
        filters.push((r) => r.clientid.includes(value));
        break;
      case '_like_username':
        filters.push((r) => (r.username ?? '').includes(value));
        break;
      case '_gte_created_at': {
        const ms = toInteger(key, value, 'timestamp') * 1000;
        filters.push((r) => r.createdAt >= ms);
        break;
      }
      case '_lte_created_at': {
        const ms = toInteger(key, value, 'timestamp') * 1000;
        filters.push((r) => r.createdAt <= ms);
        break;
      }
      case '_gte_connected_at': {
        const ms = toInteger(key, value, 'timestamp') * 1000;
        filters.push((r) => r.connectedAt >= ms);
        break;
      }
      case '_lte_connected_at': {
        const ms = toInteger(key, value, 'timestamp') * 1000;
        filters.push((r) => r.connectedAt <= ms);
        break;
      }
      case '_gte_mqueue_len':
      case '_gte_mqueue_dropped': {
        const n = toInteger(key, value);
        filters.push(() => 0 >= n);
        break;
      }
      case '_lte_mqueue_len':
      case '_lte_mqueue_dropped': {
        const n = toInteger(key, value);
        filters.push(() => 0 <= n);
        break;
      }
    }
  }
  return filters.length > 0 ? filters : undefined;
}

export function listClients(ctx: Ctx): Reply {
  const { core } = ctx;
  const p = requestedPage(ctx);
  const withHasnext = core.behaviour.hasnext;
  let filters: ClientFilter[] | undefined;
  try {
    filters = clientFilters(ctx);
  } catch (e) {
    if (e instanceof BadValue) {
      // fence/1 (4.3.3+) turns the failed conversion into 108; before, it crashes the handler
      if (!core.behaviour.clientFilterFence) throw internalError();
      return fail(108, e.message);
    }
    throw e;
  }
  const varied = variedOrder(ctx, core.registry.clients.values(), (r) => r.clientid);
  if (filters === undefined) {
    const page = varied ? pageOfArray(varied, p) : pageOfIndex(core.registry.clients, p);
    return pageReply(p, page.rows.map((r) => formatClient(core, r)), core.registry.clients.size, withHasnext ? page.hasnext : undefined);
  }
  const fs = filters;
  const page = pageOfScan(varied ?? core.registry.clients.values(), (r) => fs.every((f) => f(r)), p);
  return pageReply(p, page.rows.map((r) => formatClient(core, r)), -1, withHasnext ? page.hasnext : undefined);
}

export function lookupClient(ctx: Ctx): Reply {
  const rec = ctx.core.registry.get(ctx.params.clientid ?? '');
  return ok(rec ? [formatClient(ctx.core, rec)] : []);
}

export function lookupByUsername(ctx: Ctx): Reply {
  const recs = ctx.core.registry.byUsername(ctx.params.username ?? '');
  return ok((variedOrder(ctx, recs, (r) => r.clientid) ?? recs).map((r) => formatClient(ctx.core, r)));
}

export function kickClient(ctx: Ctx): Reply {
  const id = ctx.params.clientid ?? '';
  const rec = ctx.core.registry.get(id);
  if (!rec) return ctx.core.behaviour.kickUnknownIsNotFound ? fail(112, 'not_found') : ok();
  if (!ctx.dev.get('ignore-kick')) ctx.core.mqtt.kick(id);
  return ok();
}

function liveClient(ctx: Ctx): ClientRecord | undefined {
  const rec = ctx.core.registry.get(ctx.params.clientid ?? '');
  return rec?.connected ? rec : undefined;
}

export function listAclCache(ctx: Ctx): Reply {
  const rec = liveClient(ctx);
  if (!rec) return fail(112, 'not_found');
  return ok([...rec.aclCache.values()].map((e) => ({ updated_time: e.updated_time, topic: e.topic, result: e.result, access: e.access })));
}

export function cleanAclCache(ctx: Ctx): Reply {
  const rec = liveClient(ctx);
  if (!rec) return fail(112, 'not_found');
  rec.aclCache.clear();
  return ok();
}
