// The real MQTT side: an aedes broker on a TCP listener, instrumented so that the management
// API can answer from live state. Every socket gets two header framers (what it reads, what it
// writes) for the per-connection and broker-wide packet counters; aedes' hooks feed sessions,
// subscriptions, retained messages, authentication, ACL, banning and the rule engine.

import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Aedes, type AedesPublishPacket, type Client, type ConnectPacket, type PublishPacket, type Subscription } from 'aedes';
import { PacketFramer, PUBLISH } from './framer.ts';
import { SharedSubscriptions } from './shared-subs.ts';
import { parseShare } from './topic.ts';
import { newConnStats, type ClientRecord, type ClientRegistry, type ConnStats } from '../state/clients.ts';
import { newSeq } from '../state/ordered-index.ts';
import type { Metrics } from '../state/metrics.ts';
import type { AccessControl } from '../state/access.ts';
import type { AdminState } from '../state/admin.ts';
import type { AlarmStore } from '../state/alarms.ts';
import type { RuleEngine } from '../state/rules.ts';

/** Denied publishes are renamed into this namespace, which nobody may subscribe to: EMQX's
 * acl_deny_action = ignore drops them silently, while aedes would close the connection. */
const DENIED_PREFIX = '$reference/denied/';
/** EMQX 4.x zone default session_expiry_interval (2 hours) for clean_session = false. */
const PERSISTENT_EXPIRY_SECONDS = 7200;
/** Raise conn_congestion when this much is waiting in a socket's send buffer. */
const CONGESTION_BYTES = 1024 * 1024;

const META = Symbol('reference.publish');

interface PublishMeta {
  from: string;
  via: ReadonlySet<string>;
}

type TaggedPacket = PublishPacket & { [META]?: PublishMeta };

/** The exit reasons esockd counts per listener, named as EMQX 4.4.19 names them (observed). */
type ShutdownReason =
  | 'normal'
  | 'kicked'
  | 'discarded'
  | 'takeovered'
  | 'tcp_closed'
  | 'keepalive_timeout'
  | 'unsupported_protocol_version'
  | 'bad_username_or_password'
  | 'not_authorized';

interface ConnState {
  stats: ConnStats;
  connect: ConnectPacket | undefined;
  superuser: boolean;
  record: ClientRecord | undefined;
  reason: ShutdownReason | undefined;
  gotDisconnect: boolean;
  congested: string | undefined;
  /** This connection took over a live session with the same client id. */
  tookOver: boolean;
}

export interface MqttOptions {
  host: string;
  port: number;
  node: string;
  registry: ClientRegistry;
  metrics: Metrics;
  access: AccessControl;
  admin: AdminState;
  alarms: AlarmStore;
  rules: () => RuleEngine;
  /** EMQX's allow_anonymous: admit clients no auth source knows (default true). */
  allowAnonymous: boolean;
  /** Deviation switches that change broker behaviour (checked on every CONNECT). */
  ignoreBan: () => boolean;
  /** drop-mqtt: every Nth PUBLISH from a client is acknowledged but never routed (0: off). */
  dropMqttEvery: () => number;
}

export interface PublishRequest {
  topic: string;
  payload: Buffer;
  qos: 0 | 1 | 2;
  retain: boolean;
  from: string;
  via?: ReadonlySet<string>;
}

export class MqttBroker {
  readonly aedes: Aedes;
  private readonly server: Server;
  private readonly sockets = new Map<Socket, ConnState>();
  /** By aedes client, because aedes reports a disconnect after the socket has closed. */
  private readonly byClient = new WeakMap<Client, ConnState>();
  private readonly shared: SharedSubscriptions;
  readonly retained = new Set<string>();
  retainedMax = 0;
  readonly shutdownCount = new Map<ShutdownReason, number>();
  private msgCounter = 0;
  /** PUBLISH packets received from MQTT clients (the drop-mqtt deviation counts them). */
  private clientPublishes = 0;

  private constructor(
    private readonly opts: MqttOptions,
    aedes: Aedes,
  ) {
    this.aedes = aedes;
    this.shared = new SharedSubscriptions(aedes, (id) => opts.registry.get(id)?.client);
    this.server = createServer((socket) => this.accept(socket));
    this.server.on('error', () => {});
    this.wire();
  }

  static async start(opts: MqttOptions): Promise<MqttBroker> {
    let self: MqttBroker | undefined;
    const aedes = await Aedes.createBroker({
      id: opts.node,
      connectTimeout: 15_000,
      preConnect: (client, packet, cb) => self!.preConnect(client, packet, cb),
      authenticate: (client, username, password, cb) => self!.authenticate(client, username, password, cb),
      authorizePublish: (client, packet, cb) => self!.authorizePublish(client, packet, cb),
      authorizeSubscribe: (client, sub, cb) => self!.authorizeSubscribe(client, sub, cb),
      authorizeForward: (client, packet) => (self ? self.authorizeForward(client, packet) : packet),
      // aedes publishes its own $SYS birth message while starting, before `self` exists.
      published: (packet, client, cb) => (self ? self.published(packet, client, cb) : cb(null)),
    });
    self = new MqttBroker(opts, aedes);
    await new Promise<void>((resolve, reject) => {
      const onError = (e: Error) => reject(e);
      self!.server.once('error', onError);
      self!.server.listen(opts.port, opts.host, () => {
        self!.server.off('error', onError);
        resolve();
      });
    });
    return self;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get currentConnections(): number {
    return this.sockets.size;
  }

  private accept(socket: Socket): void {
    const { metrics } = this.opts;
    const state: ConnState = {
      stats: newConnStats(),
      connect: undefined,
      superuser: false,
      record: undefined,
      reason: undefined,
      gotDisconnect: false,
      congested: undefined,
      tookOver: false,
    };
    this.sockets.set(socket, state);
    const stats = state.stats;
    const inbound = new PacketFramer((type, flags) => {
      stats.recv_pkt++;
      metrics.packetReceived(type, flags);
      if (type === PUBLISH) {
        stats.recv_msg++;
        const q = (flags >> 1) & 3;
        if (q <= 2) stats.recvQos[q as 0 | 1 | 2] += 1;
        if (q === 2) stats.inQos2++;
      } else if (type === 4 || type === 7) stats.outAcked++;
      else if (type === 6) stats.inRel++;
      else if (type === 14) state.gotDisconnect = true;
    });
    const outbound = new PacketFramer((type, flags) => {
      stats.send_pkt++;
      stats.send_cnt++;
      metrics.packetSent(type, flags);
      if (type === PUBLISH) {
        stats.send_msg++;
        const q = (flags >> 1) & 3;
        if (q <= 2) stats.sendQos[q as 0 | 1 | 2] += 1;
        if (q > 0) stats.outQos++;
      }
    });
    // aedes pulls with read(null) and pushes through write(); wrapping both on this one socket
    // sees every byte without switching the stream into flowing mode.
    const read = socket.read.bind(socket);
    socket.read = ((size?: number) => {
      const chunk = read(size) as Buffer | string | null;
      if (chunk !== null && typeof chunk !== 'string') {
        stats.recv_oct += chunk.length;
        stats.recv_cnt++;
        metrics.inc('bytes.received', chunk.length);
        inbound.feed(chunk);
      }
      return chunk;
    }) as typeof socket.read;
    const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
    socket.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (typeof chunk === 'string') {
        const enc = (typeof rest[0] === 'string' ? rest[0] : 'utf8') as BufferEncoding;
        const n = Buffer.byteLength(chunk, enc);
        stats.send_oct += n;
        metrics.inc('bytes.sent', n);
        outbound.feedString(chunk, enc);
      } else if (chunk instanceof Uint8Array) {
        stats.send_oct += chunk.length;
        metrics.inc('bytes.sent', chunk.length);
        outbound.feed(chunk);
      }
      const okToWrite = write(chunk, ...rest);
      if (!okToWrite && state.congested === undefined && socket.writableLength > CONGESTION_BYTES) this.congest(state, socket);
      return okToWrite;
    }) as typeof socket.write;
    socket.on('error', () => {});
    socket.once('close', () => {
      this.sockets.delete(socket);
      const reason: ShutdownReason = state.reason ?? (state.gotDisconnect ? 'normal' : 'tcp_closed');
      if (state.connect) this.shutdownCount.set(reason, (this.shutdownCount.get(reason) ?? 0) + 1);
      if (state.congested) this.opts.alarms.deactivate(state.congested);
    });
    this.byClient.set(this.aedes.handle(socket), state);
  }

  private congest(state: ConnState, socket: Socket): void {
    const rec = state.record;
    if (!rec) return;
    const name = `conn_congestion/${rec.clientid}/${rec.username ?? 'undefined'}`;
    state.congested = name;
    this.opts.alarms.activate(name, 'connection congested', {
      clientid: rec.clientid,
      username: rec.username ?? 'undefined',
      peername: `${rec.ipAddress}:${rec.port}`,
      send_buffer_bytes: socket.writableLength,
    });
    socket.once('drain', () => {
      if (state.congested) this.opts.alarms.deactivate(state.congested);
      state.congested = undefined;
    });
  }

  private stateOf(client: Client | null | undefined): ConnState | undefined {
    return client ? this.byClient.get(client) : undefined;
  }

  private preConnect(client: Client, packet: ConnectPacket, cb: (error: Error | null, success: boolean) => void): void {
    this.opts.metrics.inc('client.connect');
    const state = this.stateOf(client);
    if (state) state.connect = packet;
    // emqx_frame checks the protocol name against the level: level 3 must say `MQIsdp` and
    // level 4 (and 5) `MQTT`; anything else is CONNACK 1, unacceptable protocol version
    // (observed on 4.4.19 with mqtt.js: level 3 + `MQTT` and level 4 + `MQIsdp` are refused,
    // level 3 + `MQIsdp` accepted). aedes checks only the level, so a level it refuses itself
    // (< 3) is put in the packet: aedes then sends the CONNACK 1 and closes.
    const expectedName = packet.protocolVersion === 3 ? 'MQIsdp' : 'MQTT';
    if (packet.protocolId !== expectedName || packet.protocolVersion === 5) {
      if (state) state.reason = 'unsupported_protocol_version';
      this.opts.metrics.inc('packets.connack.error');
      (packet as { protocolVersion: number }).protocolVersion = 0;
    }
    cb(null, true);
  }

  private authenticate(
    client: Client,
    username: Readonly<string | undefined>,
    password: Readonly<Buffer | undefined>,
    cb: (error: (Error & { returnCode: number }) | null, success: boolean | null) => void,
  ): void {
    const { metrics, access, admin } = this.opts;
    metrics.inc('client.authenticate');
    const state = this.stateOf(client);
    const peer = normalizeIp(client.conn && (client.conn as Socket).remoteAddress);
    const refuse = (returnCode: number, message: string) => {
      metrics.inc('packets.connack.auth_error');
      metrics.inc('packets.connack.error');
      if (state) state.reason = returnCode === 4 ? 'bad_username_or_password' : 'not_authorized';
      cb(Object.assign(new Error(message), { returnCode }), null);
    };
    if (!this.opts.ignoreBan() && access.isBanned(client.id, username ?? undefined, peer)) {
      return refuse(5, 'banned');
    }
    const result = access.authenticate(client.id, username ?? undefined, password?.toString('utf8'), {
      clientid: admin.isActive('emqx_auth_clientid'),
      username: admin.isActive('emqx_auth_username'),
    });
    if (result === undefined) {
      if (!this.opts.allowAnonymous) {
        metrics.inc('client.auth.failure');
        return refuse(5, 'not authorized');
      }
      // emqx_access_control (4.4): an allow_anonymous success counts both
      metrics.inc('client.auth.anonymous');
      metrics.inc('client.auth.success.anonymous');
      metrics.inc('client.auth.success');
      this.noteTakeover(client.id, state);
      return cb(null, true);
    }
    if (!result.ok) {
      metrics.inc('client.auth.failure');
      return refuse(4, 'bad username or password');
    }
    metrics.inc('client.auth.success');
    if (state) state.superuser = result.superuser;
    this.noteTakeover(client.id, state);
    cb(null, true);
  }

  /** aedes closes a live connection with the same client id before registering the new one. */
  private noteTakeover(clientid: string, state: ConnState | undefined): void {
    const prev = this.opts.registry.get(clientid);
    if (!prev?.connected || !prev.socket || !state) return;
    const prevState = this.sockets.get(prev.socket);
    const clean = state.connect?.clean ?? true;
    if (prevState) prevState.reason = clean ? 'discarded' : 'takeovered';
    this.opts.metrics.inc(clean ? 'session.discarded' : 'session.takeovered');
    state.tookOver = true;
  }

  private authorizePublish(client: Client | null, packet: PublishPacket, cb: (error?: Error | null) => void): void {
    const dropEvery = client ? this.opts.dropMqttEvery() : 0;
    if (dropEvery > 0 && ++this.clientPublishes % dropEvery === 0) {
      // drop-mqtt: acknowledged as usual (aedes answers PUBACK / PUBREC), routed to nobody
      packet.topic = `${DENIED_PREFIX}${randomBytes(4).toString('hex')}`;
      packet.retain = false;
      return cb(null);
    }
    const state = this.stateOf(client);
    const rec = state?.record;
    if (!rec) return cb(null);
    const denied = packet.topic.startsWith('$SYS/') || this.aclCheck(rec, 'publish', packet.topic) === 'deny';
    if (denied) {
      this.opts.metrics.inc('packets.publish.auth_error');
      packet.topic = `${DENIED_PREFIX}${randomBytes(4).toString('hex')}`;
      packet.retain = false;
    }
    cb(null);
  }

  private authorizeSubscribe(
    client: Client,
    sub: Subscription,
    cb: (error: Error | null, subscription?: Subscription | null) => void,
  ): void {
    if (sub.topic.startsWith(DENIED_PREFIX) || parseShare(sub.topic) === null) {
      this.opts.metrics.inc('packets.subscribe.error');
      return cb(null, null);
    }
    const rec = this.stateOf(client)?.record;
    // Session restore on reconnect runs before the client is registered: those were allowed once.
    if (!rec) return cb(null, sub);
    const share = parseShare(sub.topic);
    if (this.aclCheck(rec, 'subscribe', share ? share.filter : sub.topic) === 'deny') {
      this.opts.metrics.inc('packets.subscribe.auth_error');
      return cb(null, null);
    }
    cb(null, sub);
  }

  /**
   * emqx_access_control:check_acl/3 (4.4): `client.check_acl` counts the checks the ACL cache
   * did not answer, `client.acl.cache_hit` the others, and every result counts as
   * `client.acl.allow` or `client.acl.deny`.
   */
  private aclCheck(rec: ClientRecord, access: 'publish' | 'subscribe', topic: string): 'allow' | 'deny' {
    const { metrics } = this.opts;
    if (rec.isSuperuser) return 'allow';
    const { result, cached } = this.opts.access.checkCached(rec, access, topic);
    metrics.inc(cached ? 'client.acl.cache_hit' : 'client.check_acl');
    metrics.inc(result === 'allow' ? 'client.acl.allow' : 'client.acl.deny');
    return result;
  }

  private authorizeForward(_client: Client, packet: AedesPublishPacket): AedesPublishPacket {
    this.opts.metrics.inc('messages.delivered');
    return packet;
  }

  private published(packet: AedesPublishPacket, client: Client, cb: (error?: Error | null) => void): void {
    const topic = packet.topic;
    if (topic.startsWith('$SYS/') || topic.startsWith(DENIED_PREFIX)) return cb(null);
    const { metrics, registry } = this.opts;
    metrics.inc('messages.publish');
    if (packet.retain) {
      if (packet.payload.length === 0) this.retained.delete(topic);
      else this.retained.add(topic);
      if (this.retained.size > this.retainedMax) this.retainedMax = this.retained.size;
    }
    if (!registry.routedFilters.matchesAny(topic)) {
      metrics.inc('messages.dropped');
      metrics.inc('messages.dropped.no_subscribers');
    }
    const meta = (packet as unknown as TaggedPacket)[META];
    const state = this.stateOf(client);
    const rec = state?.record;
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    try {
      this.opts.rules().onMessage({
        id: `${Date.now().toString(16)}${(++this.msgCounter).toString(16).padStart(8, '0')}`,
        clientid: meta?.from ?? client?.id ?? '',
        username: rec?.username,
        topic,
        payload,
        qos: packet.qos,
        retain: packet.retain,
        peerhost: rec?.ipAddress,
        timestamp: Date.now(),
        via: meta?.via ?? new Set(),
      });
    } catch {
      // A rule must never take the broker down.
    }
    cb(null);
  }

  private wire(): void {
    const { registry, metrics } = this.opts;
    this.aedes.on('client', (client) => {
      const state = this.stateOf(client);
      const packet = state?.connect;
      const socket = client.conn as Socket;
      const previous = registry.get(client.id);
      const clean = packet?.clean ?? true;
      const resumed = !clean && previous !== undefined && !previous.cleanStart;
      if (previous && clean && !previous.cleanStart && !state?.tookOver) metrics.inc('session.discarded');
      metrics.inc(resumed ? 'session.resumed' : 'session.created');
      const now = Date.now();
      const rec: ClientRecord = {
        seq: newSeq(),
        clientid: client.id,
        username: packet?.username ?? undefined,
        protoName: packet?.protocolId ?? 'MQTT',
        protoVer: packet?.protocolVersion ?? 4,
        keepalive: packet?.keepalive ?? 0,
        cleanStart: clean,
        expiryInterval: clean ? 0 : PERSISTENT_EXPIRY_SECONDS,
        ipAddress: normalizeIp(socket.remoteAddress),
        port: socket.remotePort ?? 0,
        connectedAt: now,
        createdAt: resumed ? previous!.createdAt : now,
        disconnectedAt: undefined,
        connected: true,
        client,
        socket,
        stats: state?.stats ?? newConnStats(),
        subs: resumed ? new Map(previous!.subs) : new Map(),
        aclCache: new Map(),
        isSuperuser: state?.superuser ?? false,
        expiryTimer: undefined,
      };
      if (state) state.record = rec;
      if (previous && !resumed) this.leaveShared(previous);
      registry.add(rec);
      metrics.inc('client.connected');
    });

    this.aedes.on('connackSent', () => metrics.inc('client.connack'));

    this.aedes.on('clientDisconnect', (client) => {
      const rec = this.stateOf(client)?.record;
      metrics.inc('client.disconnected');
      if (!rec || registry.get(rec.clientid) !== rec) return;
      if (rec.cleanStart) {
        metrics.inc('session.terminated');
        this.leaveShared(rec);
      }
      registry.disconnected(rec, Date.now());
      if (!rec.cleanStart) {
        rec.expiryTimer = setTimeout(() => this.expire(rec), rec.expiryInterval * 1000);
        rec.expiryTimer.unref();
      }
    });

    this.aedes.on('keepaliveTimeout', (client) => {
      const state = this.stateOf(client);
      if (state) state.reason = 'keepalive_timeout';
    });

    this.aedes.on('subscribe', (subs, client) => {
      const rec = this.stateOf(client)?.record;
      if (!rec) return;
      for (const s of subs) {
        if ((s.qos as number) === 128) continue;
        metrics.inc('client.subscribe');
        registry.subscribe(rec, s.topic, s.qos);
        const share = parseShare(s.topic);
        if (share) this.shared.join(rec.clientid, share.group, share.filter, s.qos);
      }
    });

    this.aedes.on('unsubscribe', (topics, client) => {
      const rec = this.stateOf(client)?.record;
      if (!rec || client.closed) return;
      for (const t of topics) {
        metrics.inc('client.unsubscribe');
        registry.unsubscribe(rec, t);
        const share = parseShare(t);
        if (share) this.shared.leave(rec.clientid, share.group, share.filter);
      }
    });
  }

  private leaveShared(rec: ClientRecord): void {
    for (const sub of rec.subs.values()) {
      if (sub.share !== undefined) this.shared.leave(rec.clientid, sub.share, sub.filter);
    }
  }

  private expire(rec: ClientRecord): void {
    if (this.opts.registry.get(rec.clientid) !== rec || rec.connected) return;
    this.discardSession(rec);
  }

  private discardSession(rec: ClientRecord): void {
    this.leaveShared(rec);
    this.opts.registry.remove(rec);
    this.opts.metrics.inc('session.terminated');
    const persistence = (this.aedes as unknown as { persistence?: { cleanSubscriptions?: (c: { id: string }) => Promise<unknown> } }).persistence;
    persistence?.cleanSubscriptions?.({ id: rec.clientid })?.catch(() => {});
  }

  /** Kick: close the connection, or discard an offline persistent session. */
  kick(clientid: string): boolean {
    const rec = this.opts.registry.get(clientid);
    if (!rec) return false;
    if (rec.client && rec.connected) {
      const state = rec.socket ? this.sockets.get(rec.socket) : undefined;
      if (state) state.reason = 'kicked';
      rec.client.close();
      // A kicked client's session goes with it, persistent or not (EMQX discards it too).
      if (!rec.cleanStart) setImmediate(() => this.discardSession(rec));
    } else {
      this.discardSession(rec);
    }
    return true;
  }

  publish(req: PublishRequest): Promise<void> {
    const packet: TaggedPacket = {
      cmd: 'publish',
      topic: req.topic,
      payload: req.payload,
      qos: req.qos,
      retain: req.retain,
      dup: false,
    };
    packet[META] = { from: req.from, via: req.via ?? new Set() };
    return new Promise((resolve) => this.aedes.publish(packet, () => resolve()));
  }

  /** Subscribe a connected client as if it had sent SUBSCRIBE (the client gets no SUBACK). */
  subscribe(rec: ClientRecord, topic: string, qos: 0 | 1 | 2): Promise<void> {
    const client = rec.client;
    if (!client) return Promise.resolve();
    return new Promise((resolve) => client.subscribe({ topic, qos }, () => resolve()));
  }

  unsubscribe(rec: ClientRecord, topic: string): Promise<void> {
    const client = rec.client;
    if (!client) {
      this.opts.registry.unsubscribe(rec, topic);
      return Promise.resolve();
    }
    const persistence = (this.aedes as unknown as { persistence?: { removeSubscriptions?: (c: Client, t: string[]) => Promise<unknown> } }).persistence;
    if (!rec.cleanStart) persistence?.removeSubscriptions?.(client, [topic])?.catch(() => {});
    return new Promise((resolve) =>
      client.unsubscribe(topic as unknown as Subscription, () => {
        // aedes only reports unsubscriptions it knew; keep the listing right either way.
        this.opts.registry.unsubscribe(rec, topic);
        const share = parseShare(topic);
        if (share) this.shared.leave(rec.clientid, share.group, share.filter);
        resolve();
      }),
    );
  }

  async close(): Promise<void> {
    for (const socket of this.sockets.keys()) socket.destroy();
    await new Promise<void>((resolve) => this.aedes.close(() => resolve()));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export function normalizeIp(ip: string | undefined): string {
  if (!ip) return '0.0.0.0';
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}
