// The live client, session, subscription and route tables, fed by the MQTT side (mqtt/broker.ts)
// and read by the API. Every listing the API pages through is an OrderedIndex, so a page costs
// the page, not the table.

import type { Socket } from 'node:net';
import type { Client as AedesClient } from 'aedes';
import { OrderedIndex, newSeq, type Sequenced } from './ordered-index.ts';
import { FilterSet, parseShare } from '../mqtt/topic.ts';

export interface ConnStats {
  recv_oct: number;
  recv_cnt: number;
  recv_pkt: number;
  recv_msg: number;
  send_oct: number;
  send_cnt: number;
  send_pkt: number;
  send_msg: number;
  /** QoS 1/2 PUBLISH sent minus PUBACK/PUBCOMP received: the outgoing inflight window. */
  outQos: number;
  outAcked: number;
  /** QoS 2 PUBLISH received minus PUBREL received: awaiting_rel. */
  inQos2: number;
  inRel: number;
  /** PUBLISH received / sent per QoS (4.4's `recv_msg.qos0…2`, `send_msg.qos0…2`). */
  recvQos: [number, number, number];
  sendQos: [number, number, number];
}

export function newConnStats(): ConnStats {
  return {
    recv_oct: 0,
    recv_cnt: 0,
    recv_pkt: 0,
    recv_msg: 0,
    send_oct: 0,
    send_cnt: 0,
    send_pkt: 0,
    send_msg: 0,
    outQos: 0,
    outAcked: 0,
    inQos2: 0,
    inRel: 0,
    recvQos: [0, 0, 0],
    sendQos: [0, 0, 0],
  };
}

export interface SubEntry extends Sequenced {
  readonly clientid: string;
  /** As subscribed, `$share/g/t` included. */
  readonly topic: string;
  /** What is routed: the topic filter without the share prefix. */
  readonly filter: string;
  readonly share: string | undefined;
  qos: number;
}

export interface AclCacheEntry {
  access: 'publish' | 'subscribe';
  topic: string;
  result: 'allow' | 'deny';
  updated_time: number;
}

export interface ClientRecord extends Sequenced {
  readonly clientid: string;
  readonly username: string | undefined;
  readonly protoName: string;
  readonly protoVer: number;
  readonly keepalive: number;
  readonly cleanStart: boolean;
  readonly expiryInterval: number;
  readonly ipAddress: string;
  readonly port: number;
  readonly connectedAt: number;
  /** Session creation: kept across reconnects of a persistent session. */
  readonly createdAt: number;
  disconnectedAt: number | undefined;
  connected: boolean;
  client: AedesClient | undefined;
  socket: Socket | undefined;
  readonly stats: ConnStats;
  readonly subs: Map<string, SubEntry>;
  readonly aclCache: Map<string, AclCacheEntry>;
  readonly isSuperuser: boolean;
  expiryTimer: NodeJS.Timeout | undefined;
}

export interface RouteEntry extends Sequenced {
  readonly topic: string;
  refs: number;
}

export interface Gauge {
  count: number;
  max: number;
}

function gauge(): Gauge {
  return { count: 0, max: 0 };
}

function setGauge(g: Gauge, count: number): void {
  g.count = count;
  if (count > g.max) g.max = count;
}

export class ClientRegistry {
  readonly clients = new OrderedIndex<ClientRecord>();
  readonly subscriptions = new OrderedIndex<SubEntry>();
  readonly routes = new OrderedIndex<RouteEntry>();
  private readonly byId = new Map<string, ClientRecord>();
  private readonly byUser = new Map<string, Set<ClientRecord>>();
  private readonly routeByTopic = new Map<string, RouteEntry>();
  /** Filters with at least one subscriber, to tell `messages.dropped.no_subscribers`. */
  readonly routedFilters = new FilterSet();

  readonly gauges = {
    connections: gauge(),
    sessions: gauge(),
    sessionsPersistent: gauge(),
    subscriptions: gauge(),
    subscriptionsShared: gauge(),
    subscribers: gauge(),
    routes: gauge(),
  };
  private connectedCount = 0;
  private persistentCount = 0;
  private sharedCount = 0;
  private readonly subscriberCounts = new Map<string, number>();

  get(clientid: string): ClientRecord | undefined {
    return this.byId.get(clientid);
  }

  byUsername(username: string): ClientRecord[] {
    return [...(this.byUser.get(username) ?? [])].sort((a, b) => a.seq - b.seq);
  }

  /** Registers a connection; a previous record with the same id (takeover/resume) is replaced. */
  add(rec: ClientRecord): void {
    const old = this.byId.get(rec.clientid);
    if (old) this.dropRecord(old, false);
    this.byId.set(rec.clientid, rec);
    this.clients.add(rec);
    if (rec.username !== undefined) {
      const set = this.byUser.get(rec.username) ?? new Set();
      set.add(rec);
      this.byUser.set(rec.username, set);
    }
    if (rec.connected) this.connectedCount++;
    if (!rec.cleanStart) this.persistentCount++;
    for (const sub of rec.subs.values()) this.indexSub(sub);
    this.refreshGauges();
  }

  /** The connection is gone; a persistent session stays listed as disconnected. */
  disconnected(rec: ClientRecord, at: number): void {
    if (this.byId.get(rec.clientid) !== rec) return;
    if (rec.connected) this.connectedCount--;
    rec.connected = false;
    rec.disconnectedAt = at;
    rec.client = undefined;
    rec.socket = undefined;
    if (rec.cleanStart) this.remove(rec);
    else this.refreshGauges();
  }

  remove(rec: ClientRecord): void {
    if (this.byId.get(rec.clientid) !== rec) return;
    this.dropRecord(rec, true);
    this.refreshGauges();
  }

  private dropRecord(rec: ClientRecord, dropSubs: boolean): void {
    this.byId.delete(rec.clientid);
    this.clients.remove(rec);
    if (rec.username !== undefined) {
      const set = this.byUser.get(rec.username);
      set?.delete(rec);
      if (set && set.size === 0) this.byUser.delete(rec.username);
    }
    if (rec.connected) this.connectedCount--;
    if (!rec.cleanStart) this.persistentCount--;
    if (rec.expiryTimer) clearTimeout(rec.expiryTimer);
    for (const sub of rec.subs.values()) this.unindexSub(sub);
    if (dropSubs) rec.subs.clear();
  }

  subscribe(rec: ClientRecord, topic: string, qos: number): SubEntry {
    const existing = rec.subs.get(topic);
    if (existing) {
      existing.qos = qos;
      return existing;
    }
    const share = parseShare(topic) ?? undefined;
    const sub: SubEntry = {
      seq: newSeq(),
      clientid: rec.clientid,
      topic,
      filter: share ? share.filter : topic,
      share: share?.group,
      qos,
    };
    rec.subs.set(topic, sub);
    if (this.byId.get(rec.clientid) === rec) this.indexSub(sub);
    this.refreshGauges();
    return sub;
  }

  unsubscribe(rec: ClientRecord, topic: string): SubEntry | undefined {
    const sub = rec.subs.get(topic);
    if (!sub) return undefined;
    rec.subs.delete(topic);
    if (this.byId.get(rec.clientid) === rec) this.unindexSub(sub);
    this.refreshGauges();
    return sub;
  }

  private indexSub(sub: SubEntry): void {
    this.subscriptions.add(sub);
    if (sub.share !== undefined) this.sharedCount++;
    else this.subscriberCounts.set(sub.clientid, (this.subscriberCounts.get(sub.clientid) ?? 0) + 1);
    this.routedFilters.add(sub.filter);
    const route = this.routeByTopic.get(sub.filter);
    if (route) route.refs++;
    else {
      const entry: RouteEntry = { seq: newSeq(), topic: sub.filter, refs: 1 };
      this.routeByTopic.set(sub.filter, entry);
      this.routes.add(entry);
    }
  }

  private unindexSub(sub: SubEntry): void {
    if (!this.subscriptions.remove(sub)) return;
    if (sub.share !== undefined) this.sharedCount--;
    else {
      const n = (this.subscriberCounts.get(sub.clientid) ?? 1) - 1;
      if (n <= 0) this.subscriberCounts.delete(sub.clientid);
      else this.subscriberCounts.set(sub.clientid, n);
    }
    this.routedFilters.remove(sub.filter);
    const route = this.routeByTopic.get(sub.filter);
    if (route && --route.refs <= 0) {
      this.routeByTopic.delete(sub.filter);
      this.routes.remove(route);
    }
  }

  route(topic: string): RouteEntry | undefined {
    return this.routeByTopic.get(topic);
  }

  private refreshGauges(): void {
    const g = this.gauges;
    setGauge(g.connections, this.connectedCount);
    setGauge(g.sessions, this.clients.size);
    setGauge(g.sessionsPersistent, this.persistentCount);
    setGauge(g.subscriptions, this.subscriptions.size);
    setGauge(g.subscriptionsShared, this.sharedCount);
    setGauge(g.subscribers, this.subscriberCounts.size);
    setGauge(g.routes, this.routes.size);
  }
}
