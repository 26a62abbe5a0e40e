// Helpers shared by the 3.x and 4.x handlers: reading bodies the way minirest hands them to
// EMQX (as proplists), EMQX's time and size formats, and broker / node descriptions.

import { loadavg } from 'node:os';
import { readFileSync } from 'node:fs';
import { internalError, type JsonObject } from '../http/reply.ts';
import type { Core, Ctx } from '../core.ts';
import { type Page, readPage } from '../http/pagination.ts';
import { inHashOrder } from '../variations.ts';

/**
 * The body as EMQX's proplists:get_value sees it: an object is itself; no body or a JSON array
 * yields nothing for every key; a bare scalar makes proplists crash (500).
 */
export function bodyObject(ctx: Ctx): Record<string, unknown> {
  const b = ctx.body;
  if (b === undefined || Array.isArray(b)) return {};
  if (b !== null && typeof b === 'object') return b as Record<string, unknown>;
  throw internalError();
}

/**
 * The `order` variation: a listing in a stable hash order of `key` (as ets tables list their
 * rows) instead of creation order; undefined when the variation is off. Every page of one
 * listing is cut from the same order, so each item is on exactly one page.
 */
export function variedOrder<T>(ctx: Ctx, items: Iterable<T>, key: (t: T) => string): T[] | undefined {
  return ctx.core.variations.has('order') ? inHashOrder(items, key) : undefined;
}

/** The page a listing asked for; the `duplicate-across-pages` deviation starts each page one row early. */
export function requestedPage(ctx: Ctx): Page {
  return readPage(ctx.query, ctx.dev.get('duplicate-across-pages') !== undefined);
}

/** An Erlang binary as ~p prints it: <<"abc">> (or its bytes, when not printable ASCII). */
export function erlBinary(v: string): string {
  const bytes = Buffer.from(v);
  if (bytes.every((b) => b >= 0x20 && b < 0x7f)) return `<<"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}">>`;
  return `<<${[...bytes].join(',')}>>`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** emqx_mgmt_util:strftime: local time, "YYYY-MM-DD HH:mm:ss". */
export function strftime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** emqx_sys:uptime/0 wording: "1 days,18 hours, 45 minutes, 1 seconds". */
export function uptime(totalSeconds: number): string {
  const s = Math.floor(totalSeconds);
  if (s < 60) return `${s} seconds`;
  const m = Math.floor(s / 60);
  const secs = `${s % 60} seconds`;
  if (m < 60) return `${m} minutes, ${secs}`;
  const h = Math.floor(m / 60);
  const mins = `${m % 60} minutes, ${secs}`;
  if (h < 24) return `${h} hours, ${mins}`;
  return `${Math.floor(h / 24)} days,${h % 24} hours, ${mins}`;
}

/** emqx_mgmt_util:kmg: "96.75M". */
export function kmg(bytes: number): string {
  const units: Array<[number, string]> = [
    [1024 ** 3, 'G'],
    [1024 ** 2, 'M'],
    [1024, 'K'],
  ];
  for (const [size, unit] of units) if (bytes > size) return `${(bytes / size).toFixed(2)}${unit}`;
  return String(bytes);
}

export function otpRelease(): string {
  return `node/${process.versions.node}`;
}

let maxFds: number | undefined;
function readMaxFds(): number {
  if (maxFds !== undefined) return maxFds;
  maxFds = 1024;
  try {
    const limits = readFileSync('/proc/self/limits', 'utf8');
    const m = /Max open files\s+(\d+)/.exec(limits);
    if (m) maxFds = Number(m[1]);
  } catch {
    // not Linux: keep the conventional default
  }
  return maxFds;
}

export function versionString(core: Core): string {
  return core.version.text;
}

/** `api` 'v3': the 3.x API's own shape, untouched by the 4.x release switches. */
export function brokerInfo(core: Core, api: 'v3' | 'v4' = 'v4'): JsonObject {
  return {
    version: versionString(core),
    uptime: uptime((Date.now() - core.startedAt) / 1000),
    // "EMQX Broker" from the 4.4.16 rename (observed on 4.4.19), "EMQ X Broker" before
    sysdescr: api === 'v4' && core.behaviour.sysdescrEmqx ? 'EMQX Broker' : 'EMQ X Broker',
    otp_release: otpRelease(),
    node_status: 'Running',
    node: core.node,
    datetime: strftime(Date.now()),
  };
}

/** `/nodes` lists memory as "96.75M" strings, `/nodes/{node}` as integers (emqx_mgmt_api_nodes). */
export function nodeInfo(core: Core, listing: boolean, api: 'v3' | 'v4' = 'v4'): JsonObject {
  const mem = process.memoryUsage();
  const [l1, l5, l15] = loadavg();
  const total = mem.rss;
  const used = mem.heapUsed + mem.external;
  const resources = typeof process.getActiveResourcesInfo === 'function' ? process.getActiveResourcesInfo().length : 0;
  const out: JsonObject = {
    version: versionString(core),
    uptime: uptime((Date.now() - core.startedAt) / 1000),
    process_used: resources,
    process_available: 2097152,
    otp_release: otpRelease(),
    node_status: 'Running',
    node: core.node,
    memory_used: listing ? kmg(used) : used,
    memory_total: listing ? kmg(total) : total,
    max_fds: readMaxFds(),
    load5: (l5 ?? 0).toFixed(2),
    load15: (l15 ?? 0).toFixed(2),
    load1: (l1 ?? 0).toFixed(2),
  };
  // emqx_mgmt:node_info/1 (4.4.19): `connections` is the size of the channel table (offline
  // persistent sessions included), `live_connections` the connected clients
  const g = core.registry.gauges;
  const b4 = api === 'v4' ? core.behaviour : undefined;
  if (b4?.nodeLiveConnections) out.live_connections = g.connections.count;
  out.connections = b4?.liveConnectionStats ? g.sessions.count : g.connections.count;
  return out;
}

export function listenersOf(core: Core, api: 'v3' | 'v4' = 'v4'): JsonObject[] {
  const shutdown: JsonObject = {};
  for (const [reason, n] of core.mqtt.shutdownCount) shutdown[reason] = n;
  // An empty Erlang proplist encodes as [], a non-empty one as an object (see the 3.x example).
  const shutdownCount = Object.keys(shutdown).length === 0 ? [] : shutdown;
  const mqttListener: JsonObject = {
    shutdown_count: shutdownCount,
    protocol: 'mqtt:tcp',
    max_conns: 1024000,
    listen_on: `${core.host}:${core.mqtt.port}`,
  };
  // emqx_mgmt:list_listeners/1 (4.3+): esockd listeners carry the listener's id
  if (api === 'v4' && core.behaviour.listenerIdentifier) mqttListener.identifier = 'mqtt:tcp:external';
  Object.assign(mqttListener, { current_conns: core.mqtt.currentConnections, acceptors: 8 });
  return [
    mqttListener,
    {
      shutdown_count: [],
      protocol: 'http:management',
      max_conns: 512,
      // format_http_bind: `ip:port` for a listener bound to an address (observed on 4.4.19)
      listen_on: api === 'v4' ? `${core.host}:${core.http.port}` : String(core.http.port),
      current_conns: core.http.openConnections,
      acceptors: 2,
    },
  ];
}

/**
 * The 4.x /stats object as the release's emqx_stats holds it (read through a Snapshot, see
 * state/snapshot.ts). 4.4 (emqx_cm ?CHAN_STATS, observed on 4.4.19): `live_connections.*` are
 * the connected clients and `connections.*` every channel, offline persistent sessions
 * included; the rule engine's `rules.*`, `actions.*`, `resources.*` exist up to 4.3.3. Keys in
 * jiffy's (reverse) order, as 4.4.19 prints them.
 */
export function statsV4(core: Core): Record<string, number> {
  const g = core.registry.gauges;
  const b = core.behaviour;
  const out: Record<string, number> = {
    'topics.max': g.routes.max,
    'topics.count': g.routes.count,
    'subscriptions.shared.max': g.subscriptionsShared.max,
    'subscriptions.shared.count': g.subscriptionsShared.count,
    'subscriptions.max': g.subscriptions.max,
    'subscriptions.count': g.subscriptions.count,
    'subscribers.max': g.subscribers.max,
    'subscribers.count': g.subscribers.count,
    'suboptions.max': g.subscriptions.max,
    'suboptions.count': g.subscriptions.count,
    'sessions.max': g.sessions.max,
    'sessions.count': g.sessions.count,
    'routes.max': g.routes.max,
    'routes.count': g.routes.count,
    'retained.max': core.mqtt.retainedMax,
    'retained.count': core.mqtt.retained.size,
    'connections.max': b.liveConnectionStats ? g.sessions.max : g.connections.max,
    'connections.count': b.liveConnectionStats ? g.sessions.count : g.connections.count,
    'channels.max': g.sessions.max,
    'channels.count': g.sessions.count,
  };
  if (b.liveConnectionStats) {
    out['live_connections.max'] = g.connections.max;
    out['live_connections.count'] = g.connections.count;
  }
  if (b.ruleEngineStats) {
    const rules = core.rules.rulesOf('v4').length;
    const resources = core.rules.resourcesOf('v4').length;
    const actions = core.rules.actions.filter((a) => a.origin === 'v4').length;
    Object.assign(out, { 'rules.max': rules, 'rules.count': rules, 'resources.max': resources, 'resources.count': resources, 'actions.max': actions, 'actions.count': actions });
  }
  const sorted: Record<string, number> = {};
  for (const k of Object.keys(out).sort().reverse()) sorted[k] = out[k]!;
  return sorted;
}

export function statsV3(core: Core): Record<string, number> {
  const g = core.registry.gauges;
  return {
    'subscriptions/shared/max': g.subscriptionsShared.max,
    'subscriptions/max': g.subscriptions.max,
    'subscribers/max': g.subscribers.max,
    'topics/count': g.routes.count,
    'subscriptions/count': g.subscriptions.count,
    'topics/max': g.routes.max,
    'sessions/persistent/max': g.sessionsPersistent.max,
    'connections/max': g.connections.max,
    'subscriptions/shared/count': g.subscriptionsShared.count,
    'sessions/persistent/count': g.sessionsPersistent.count,
    'retained/count': core.mqtt.retained.size,
    'routes/count': g.routes.count,
    'sessions/count': g.sessions.count,
    'retained/max': core.mqtt.retainedMax,
    'sessions/max': g.sessions.max,
    'routes/max': g.routes.max,
    'subscribers/count': g.subscribers.count,
    'connections/count': g.connections.count,
  };
}
