// One worker process of the swarm: its share of the clients (shard-local indexes i with
// i % workers === worker), connected at its share of the rate, subscribing, publishing and
// accounting; it reports to the coordinator once a second and at the end of each phase.
//
// Lean on purpose (see codec.ts): one object per client, shared socket handlers, no timer per
// client (one sweep a second does keepalive and timeouts), outgoing packets encoded into a shared
// arena and written once per client per turn, incoming stamps read in place.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { performance } from 'node:perf_hooks';
import { newHistogram, recordMs, summarize } from '../../src/load/histogram.ts';
import { Accounts, MAX_SEQ, type PublisherInfo, SubscriberBook, publishersOf, subscriptionsOf, topicOf } from './accounting.ts';
import {
  CONNACK,
  DISCONNECT,
  DISCONNECT_V4,
  DISCONNECT_V5,
  DISCONNECT_V5_END_SESSION,
  PINGREQ_PACKET,
  PUBACK,
  PUBCOMP,
  PUBLISH,
  PUBREC,
  PUBREL,
  SUBACK,
  connackReason,
  encodeConnect,
  encodeSubscribe,
  readProps,
  readVarint,
  reasonName,
  varintSize,
  writeAck,
  writeVarint,
} from './codec.ts';
import { type OverlapModel, type SwarmOptions, dueCount, expandPattern, globalIndex, isPublisher, isSubscriber, parseMqttUrl, publisherOrdinal, shareOf } from './options.ts';
import type { FromWorker, Tick, ToWorker } from './protocol.ts';
import { FOREIGN, OWN, REST, StampReader, stampFor, writeStamp } from './stamp-bytes.ts';
import { effectiveSubscriptions } from './topics.ts';

const IDLE = 0;
const CONNECTING = 1;
const SUBSCRIBING = 2;
const UP = 3;
const CLOSING = 4;
const CLOSED = 5;
const FAILED = 6;

const ARENA_BYTES = 256 * 1024;
/** acknowledgements wait at most this long to leave together */
const ACK_DELAY_MS = 1;
/** … or leave at the end of a read that left this many waiting (below brokers' in-flight windows) */
const ACKS_AT_ONCE = 16;
/** stop writing to a socket with this much unsent, until it drains */
const HIGH_WATER = 512 * 1024;
/** messages one publisher writes per turn of the event loop */
const BATCH = 512;
const CONN = Symbol('swarm.conn');

type Sock = net.Socket & { [CONN]?: Conn };

class Pub {
  seq = 0;
  inflight = 0;
  nextId = 1;
  blocked = false;
  done = false;
  maxInflight: number;
  readonly topicBuf: Buffer | null;
  conn!: Conn;
  constructor(
    readonly p: number,
    readonly info: PublisherInfo,
    inflight: number,
  ) {
    this.maxInflight = inflight;
    this.topicBuf = info.topic === undefined ? null : Buffer.from(info.topic, 'utf8');
  }
}

class Conn {
  sock: Sock | null = null;
  state = IDLE;
  t0 = 0;
  lastOut = 0;
  keepaliveMs: number;
  rest: Buffer | null = null;
  err: string | undefined;
  serverReason = -1;
  /** got a CONNACK 0 at some point: it has a session on the broker */
  connectedOnce = false;
  /** acknowledgements not written yet (PUBACK, PUBREC, PUBREL, PUBCOMP), 4 bytes each */
  acks: Buffer | null = null;
  ackLen = 0;
  constructor(
    readonly local: number,
    readonly clientId: string,
    readonly username: string | undefined,
    readonly subs: string[] | null,
    readonly book: SubscriberBook | null,
    readonly pub: Pub | null,
    keepalive: number,
  ) {
    this.keepaliveMs = keepalive * 1000;
  }
}

export class SwarmWorker {
  private readonly o: SwarmOptions;
  private readonly v5: boolean;
  private readonly conns: Conn[] = [];
  private readonly pubs: Pub[] = [];
  private readonly books: SubscriberBook[] = [];
  private readonly acc: Accounts;
  private readonly reader: StampReader;
  private readonly seqTopics: boolean;
  private readonly asciiStamp: boolean;
  private readonly url: ReturnType<typeof parseMqttUrl>;
  private readonly tlsOptions: tls.ConnectionOptions | undefined;
  private readonly connectHist = newHistogram();
  private readonly subscribeHist = newHistogram();
  readonly failures = new Map<string, number>();

  private arena = Buffer.allocUnsafeSlow(ARENA_BYTES);
  private ackWaiting: Conn[] = [];
  private ackTimer: NodeJS.Timeout | undefined;
  private apos = 0;
  private astart = 0;

  // connect phase
  private qpos = 0;
  private connecting = 0;
  private connectStart = 0;
  private connectRate: number;
  private maxConnecting: number;
  private connectTimer: NodeJS.Timeout | undefined;
  private setupReported = false;
  private settled = 0;
  connected = 0;
  connectedEver = 0;
  failed = 0;

  // publish phase
  private publishing = false;
  private publishT0 = 0;
  private pubRate: number;
  private publishTimer: NodeJS.Timeout | undefined;
  private pumpScheduled = false;
  private publishDoneSent = false;

  // closing
  private closingAll = false;
  private closeWait: { left: number; clean: number; forced: number; done: () => void } | undefined;

  // per-second counters
  private startEpoch = 0;
  private sent = 0;
  private received = 0;
  private errors = 0;
  private connects = 0;
  private tickTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private drainTimer: NodeJS.Timeout | undefined;

  constructor(
    options: SwarmOptions,
    readonly worker: number,
    readonly workers: number,
    readonly model: OverlapModel,
    private readonly send: (m: FromWorker) => void,
  ) {
    this.o = options;
    this.v5 = options.protocol === 5;
    this.url = parseMqttUrl(options.mqttUrl);
    this.tlsOptions = this.url.tls
      ? { host: this.url.host, port: this.url.port, servername: net.isIP(this.url.host) ? undefined : this.url.host, rejectUnauthorized: !options.insecure, ...(options.caFile ? { ca: readFileSync(options.caFile) } : {}) }
      : undefined;
    const allPubs = publishersOf(options);
    this.seqTopics = options.pubTopic.includes('{seq}');
    this.asciiStamp = /^[\x20-\x7e]*$/.test(options.runId) && allPubs.every((p) => /^[\x20-\x7e]*$/.test(p.source));
    const groups = options.subscribers > 0 && options.subTopics.some((t) => t.startsWith('$share/'));
    this.acc = new Accounts(allPubs, options.runId, model, groups);
    this.reader = new StampReader(options.runId, allPubs.map((p) => p.source), options.restSource);
    for (let local = worker; local < options.clients; local += workers) {
      const g = globalIndex(options, local);
      const clientId = expandPattern(options.clientIdPattern, { i: g, run: options.runId });
      const username = options.usernamePattern !== undefined ? expandPattern(options.usernamePattern, { i: g, run: options.runId }) : options.username;
      let book: SubscriberBook | null = null;
      let subs: string[] | null = null;
      if (isSubscriber(options, local)) {
        subs = subscriptionsOf(options, local);
        book = new SubscriberBook();
        this.books.push(book);
      }
      let pub: Pub | null = null;
      if (isPublisher(options, local)) {
        const j = publisherOrdinal(options, local);
        pub = new Pub(j, allPubs[j]!, options.inflight);
        this.pubs.push(pub);
      }
      const conn = new Conn(local, clientId, username, subs, book, pub, options.keepalive);
      if (pub) pub.conn = conn;
      this.conns.push(conn);
    }
    this.connectRate = shareOf(options.connectRate, this.conns.length, options.clients);
    this.maxConnecting = Math.max(1, Math.round(shareOf(options.maxConnecting, this.conns.length, options.clients)));
    this.pubRate = options.pubRate;
  }

  // ---- time ----

  private epochNow(): number {
    return performance.timeOrigin + performance.now();
  }

  // ---- connect phase ----

  startConnecting(startEpoch: number): void {
    this.startEpoch = startEpoch;
    this.connectStart = performance.now();
    this.startTicks();
    this.sweepTimer = setInterval(() => this.sweep(), 250);
    if (this.conns.length === 0) {
      this.checkSetup();
      return;
    }
    this.pumpConnect();
    if (this.qpos < this.conns.length) this.connectTimer = setInterval(() => this.pumpConnect(), 5);
  }

  private pumpConnect(): void {
    const total = this.conns.length;
    if (this.qpos >= total || this.closingAll) {
      if (this.connectTimer) clearInterval(this.connectTimer);
      this.connectTimer = undefined;
      return;
    }
    const byRate = this.connectRate > 0 ? dueCount(this.connectRate, performance.now() - this.connectStart) - this.qpos : Infinity;
    let n = Math.min(byRate, this.maxConnecting - this.connecting, total - this.qpos);
    while (n-- > 0) this.open(this.conns[this.qpos++]!);
  }

  private open(c: Conn): void {
    c.state = CONNECTING;
    this.connecting++;
    c.t0 = performance.now();
    c.lastOut = c.t0;
    let sock: Sock;
    try {
      sock = (this.tlsOptions ? tls.connect(this.tlsOptions) : net.connect({ host: this.url.host, port: this.url.port, noDelay: true })) as Sock;
    } catch (e) {
      this.fail(c, (e as NodeJS.ErrnoException).code ?? (e as Error).message);
      return;
    }
    if (this.tlsOptions) sock.setNoDelay(true);
    sock[CONN] = c;
    c.sock = sock;
    sock.on('data', onData);
    sock.on('error', onError);
    sock.on('close', onClose);
    sock.write(
      encodeConnect({
        clientId: c.clientId,
        username: c.username,
        password: this.o.password,
        keepalive: this.o.keepalive,
        clean: this.o.clean,
        protocol: this.o.protocol,
        sessionExpiry: this.o.clean ? 0 : this.o.sessionExpiry,
      }),
    );
  }

  private fail(c: Conn, reason: string): void {
    if (c.state !== CONNECTING) return;
    c.state = FAILED;
    this.connecting--;
    this.failed++;
    this.errors++;
    this.count(reason);
    this.settled++;
    const s = c.sock;
    c.sock = null;
    if (s) {
      s[CONN] = undefined;
      s.destroy();
    }
    this.pumpConnect();
    this.checkSetup();
  }

  private count(reason: string): void {
    this.failures.set(reason, (this.failures.get(reason) ?? 0) + 1);
  }

  private checkSetup(): void {
    if (this.setupReported || this.settled < this.conns.length) return;
    this.setupReported = true;
    const groups = new Set<string>();
    for (const b of this.books) for (const k of b.sharedFilters) groups.add(k);
    this.send({ type: 'setupDone', connected: this.connected, failed: this.failed, groups: [...groups] });
  }

  /** Connect and subscribe timeouts, keepalive pings: one pass over the clients. */
  private sweep(): void {
    const now = performance.now();
    const timeout = this.o.connectTimeoutMs;
    for (const c of this.conns) {
      if (c.state === CONNECTING) {
        if (now - c.t0 > timeout) this.fail(c, 'timeout (no CONNACK)');
      } else if (c.state === SUBSCRIBING) {
        if (now - c.t0 > timeout) {
          c.state = UP;
          this.errors++;
          this.count('timeout (no SUBACK)');
          this.settled++;
          this.checkSetup();
        }
      }
      if ((c.state === UP || c.state === SUBSCRIBING) && c.keepaliveMs > 0 && now - c.lastOut >= c.keepaliveMs / 2) {
        c.lastOut = now;
        c.sock!.write(PINGREQ_PACKET);
      }
    }
  }

  // ---- incoming ----

  data(c: Conn, chunk: Buffer): void {
    let buf = chunk;
    if (c.rest) {
      buf = Buffer.concat([c.rest, chunk]);
      c.rest = null;
    }
    const end = buf.length;
    let off = 0;
    const vi = VARINT;
    let nowMs = 0;
    this.astart = this.apos;
    while (end - off >= 2) {
      const first = buf[off]!;
      const len = readVarint(buf, off + 1, end, vi);
      if (len === -1) break;
      if (len === -2) {
        this.protocolError(c, 'malformed remaining length');
        return;
      }
      const bs = vi.next;
      const be = bs + len;
      if (be > end) break;
      const type = first >> 4;
      if (type === PUBLISH) {
        if (nowMs === 0) nowMs = this.epochNow();
        this.onPublish(c, first, buf, bs, be, nowMs);
      } else this.onControl(c, type, buf, bs, be);
      if (c.sock === null) return;
      off = be;
    }
    if (off < end) c.rest = Buffer.from(buf.subarray(off));
    // a read that brought many messages acknowledges them now; a few wait for the ack timer
    if (c.ackLen >= ACKS_AT_ONCE * 4) this.flushAcks(c);
    this.commit(c);
  }

  private protocolError(c: Conn, what: string): void {
    c.err = `protocol error: ${what}`;
    c.sock?.destroy();
  }

  private onPublish(c: Conn, first: number, b: Buffer, bs: number, be: number, nowMs: number): void {
    const qos = (first >> 1) & 3;
    const tl = (b[bs]! << 8) | b[bs + 1]!;
    const ts = bs + 2;
    let p = ts + tl;
    let id = 0;
    if (qos > 0) {
      id = (b[p]! << 8) | b[p + 1]!;
      p += 2;
    }
    if (this.v5) {
      const plen = readVarint(b, p, be, VARINT);
      p = VARINT.next + plen;
    }
    if (qos === 1) this.ack(c, 0x40, id);
    else if (qos === 2) this.ack(c, 0x50, id);
    this.received++;
    const book = c.book;
    const kind = this.reader.read(b, p, be);
    if (kind === OWN) {
      const h = this.reader.out;
      if (book && h.seq < MAX_SEQ) this.acc.own(book, h.pub, h.seq, h.sentMs, nowMs, this.seqTopics ? b.toString('utf8', ts, ts + tl) : undefined);
      else this.acc.foreign++;
    } else if (kind === REST) {
      const h = this.reader.out;
      if (book && h.seq < MAX_SEQ) this.acc.restCopy(book, b.toString('utf8', h.srcStart, h.srcEnd), h.seq, h.sentMs, nowMs, b.toString('utf8', ts, ts + tl));
    } else if (kind === FOREIGN) this.acc.foreign++;
    // other runs' stamps and unstamped payloads are not ours: ignored
  }

  private onControl(c: Conn, type: number, b: Buffer, bs: number, be: number): void {
    switch (type) {
      case CONNACK:
        return this.onConnack(c, b, bs, be);
      case SUBACK:
        return this.onSuback(c, b, bs, be);
      case PUBACK:
      case PUBCOMP: {
        const pub = c.pub;
        if (!pub) return;
        if (pub.inflight > 0) pub.inflight--;
        if (this.v5 && be - bs >= 3 && b[bs + 2]! >= 0x80) this.publishRefused(type === PUBACK ? 'PUBACK' : 'PUBCOMP', b[bs + 2]!);
        if (this.publishing && pub.inflight <= pub.maxInflight >> 1) this.schedulePump();
        return;
      }
      case PUBREC: {
        const pub = c.pub;
        if (this.v5 && be - bs >= 3 && b[bs + 2]! >= 0x80) {
          if (pub && pub.inflight > 0) pub.inflight--;
          this.publishRefused('PUBREC', b[bs + 2]!);
          return;
        }
        this.ack(c, 0x62, (b[bs]! << 8) | b[bs + 1]!);
        return;
      }
      case PUBREL:
        this.ack(c, 0x70, (b[bs]! << 8) | b[bs + 1]!);
        return;
      case DISCONNECT:
        c.serverReason = be > bs ? b[bs]! : 0;
        return;
      default:
        return;
    }
  }

  private publishRefused(packet: string, code: number): void {
    this.errors++;
    this.count(`${packet} ${reasonName(code)}`);
  }

  private onConnack(c: Conn, b: Buffer, bs: number, be: number): void {
    if (c.state !== CONNECTING) return;
    const code = be - bs >= 2 ? b[bs + 1]! : 0x80;
    if (code !== 0) {
      this.fail(c, connackReason(code, this.o.protocol));
      return;
    }
    const now = performance.now();
    recordMs(this.connectHist, now - c.t0);
    c.connectedOnce = true;
    this.connecting--;
    this.connected++;
    this.connectedEver++;
    this.connects++;
    if (this.v5 && be - bs > 2) {
      const props: { receiveMaximum?: number; serverKeepAlive?: number } = {};
      const plen = readVarint(b, bs + 2, be, VARINT);
      if (plen >= 0 && readProps(b, VARINT.next, VARINT.next + plen, props)) {
        if (props.receiveMaximum && c.pub) c.pub.maxInflight = Math.min(c.pub.maxInflight, props.receiveMaximum);
        if (props.serverKeepAlive !== undefined) c.keepaliveMs = props.serverKeepAlive * 1000;
      }
    }
    if (c.subs && c.subs.length > 0) {
      c.state = SUBSCRIBING;
      c.t0 = now;
      this.write(c, encodeSubscribe(1, c.subs, this.o.subQos, this.o.protocol));
    } else {
      c.state = UP;
      this.settled++;
      this.checkSetup();
    }
    this.pumpConnect();
  }

  private onSuback(c: Conn, b: Buffer, bs: number, be: number): void {
    if (c.state !== SUBSCRIBING || !c.subs || !c.book) return;
    recordMs(this.subscribeHist, performance.now() - c.t0);
    let p = bs + 2;
    if (this.v5) {
      const plen = readVarint(b, p, be, VARINT);
      p = VARINT.next + plen;
    }
    const granted: string[] = [];
    for (let k = 0; k < c.subs.length; k++) {
      const code = p + k < be ? b[p + k]! : 0x80;
      if (code < 0x80) granted.push(c.subs[k]!);
      else {
        this.errors++;
        this.count(`SUBACK ${reasonName(code)}`);
      }
    }
    const eff = effectiveSubscriptions(granted, this.model);
    c.book.plain = eff.plain;
    c.book.sharedFilters = eff.shared;
    c.state = UP;
    this.settled++;
    this.checkSetup();
  }

  // ---- outgoing ----

  private ensure(n: number): void {
    if (this.apos + n <= this.arena.length) return;
    const pending = this.apos - this.astart;
    const next = Buffer.allocUnsafeSlow(Math.max(ARENA_BYTES, pending + n));
    this.arena.copy(next, 0, this.astart, this.apos);
    this.arena = next;
    this.astart = 0;
    this.apos = pending;
  }

  /**
   * Acknowledgements wait up to ACK_DELAY_MS and leave together: a subscriber taking thousands of
   * messages a second in small reads writes one segment per millisecond instead of one per read.
   * A read that leaves ACKS_AT_ONCE or more waiting sends them at its end, below the in-flight
   * windows brokers use (mosquitto 20, EMQX 32), so a broker is not kept waiting on us.
   */
  private ack(c: Conn, first: number, id: number): void {
    let b = c.acks;
    if (b === null) {
      b = c.acks = Buffer.allocUnsafe(ACKS_AT_ONCE * 4);
      c.ackLen = 0;
    } else if (c.ackLen + 4 > b.length) {
      const bigger = Buffer.allocUnsafe(b.length * 2);
      b.copy(bigger, 0, 0, c.ackLen);
      b = c.acks = bigger;
    }
    if (c.ackLen === 0) this.ackWaiting.push(c);
    c.ackLen = writeAck(b, c.ackLen, first, id);
    if (!this.ackTimer) this.ackTimer = setTimeout(this.flushAllAcks, ACK_DELAY_MS);
  }

  private flushAcks(c: Conn): void {
    const b = c.acks;
    if (b === null || c.ackLen === 0) return;
    const n = c.ackLen;
    c.acks = null;
    c.ackLen = 0;
    if (c.sock && !c.sock.destroyed) {
      c.sock.write(n === b.length ? b : b.subarray(0, n));
      c.lastOut = performance.now();
    }
  }

  private readonly flushAllAcks = (): void => {
    this.ackTimer = undefined;
    const list = this.ackWaiting;
    this.ackWaiting = [];
    for (const c of list) this.flushAcks(c);
  };

  /** Writes what was encoded for `c` since the last commit. */
  private commit(c: Conn): void {
    if (this.apos === this.astart) return;
    const chunk = this.arena.subarray(this.astart, this.apos);
    this.astart = this.apos;
    if (c.sock && !c.sock.destroyed) {
      c.sock.write(chunk);
      c.lastOut = performance.now();
    }
  }

  private write(c: Conn, b: Buffer): void {
    c.sock?.write(b);
    c.lastOut = performance.now();
  }

  // ---- publish phase ----

  startPublishing(atEpoch: number): void {
    if (this.pubs.length === 0 || this.closingAll) {
      this.reportPublished(true);
      return;
    }
    this.publishing = true;
    this.publishT0 = performance.now() + (atEpoch - this.epochNow());
    this.publishTimer = setInterval(() => this.pump(), 5);
    this.schedulePump();
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    if (!this.publishing) return;
    const now = performance.now();
    const elapsed = now - this.publishT0;
    if (elapsed < 0) return;
    // at the end of the duration: top up to exactly rate × duration, then stop
    const over = elapsed >= this.o.durationMs;
    const cap = this.o.messages ?? Infinity;
    const due = over && this.pubRate <= 0 ? 0 : dueCount(this.pubRate, Math.min(elapsed, this.o.durationMs));
    let more = false;
    let allDone = true;
    const run = this.o.runId;
    const size = this.o.payloadSize;
    const ascii = this.asciiStamp;
    for (const pub of this.pubs) {
      if (pub.done) continue;
      const c = pub.conn;
      if (c.state !== UP && c.state !== SUBSCRIBING) {
        // never connected, or lost: it publishes no more
        if (c.state === FAILED || c.state === CLOSED) {
          pub.done = true;
          pub.inflight = 0;
        } else allDone = false;
        continue;
      }
      const target = Math.min(cap, due);
      if (pub.seq >= cap) {
        pub.done = true;
        continue;
      }
      allDone = false;
      if (pub.blocked) continue;
      const qos = pub.info.qos;
      let n = target - pub.seq;
      if (qos > 0) {
        const free = pub.maxInflight - pub.inflight;
        // held back by the window: refill it in halves, one write of many messages rather than
        // one small write per acknowledgement
        if (n > free && free < pub.maxInflight >> 1) continue;
        n = Math.min(n, free);
      }
      if (n <= 0) continue;
      if (n > BATCH) {
        n = BATCH;
        more = true;
      }
      const sentMs = this.epochNow();
      this.astart = this.apos;
      const source = pub.info.source;
      for (let k = 0; k < n; k++) {
        const seq = pub.seq;
        const topic = pub.topicBuf ?? Buffer.from(topicOf(pub.info, seq, run), 'utf8');
        const st = stampFor(run, source, seq, sentMs, size, ascii);
        const rl = 2 + topic.length + (qos > 0 ? 2 : 0) + (this.v5 ? 1 : 0) + st.bytes;
        this.ensure(1 + varintSize(rl) + rl);
        const a = this.arena;
        let o = this.apos;
        a[o++] = 0x30 | (qos << 1);
        o = writeVarint(a, o, rl);
        a[o++] = topic.length >> 8;
        a[o++] = topic.length & 0xff;
        topic.copy(a, o);
        o += topic.length;
        if (qos > 0) {
          const id = pub.nextId;
          pub.nextId = id === 65535 ? 1 : id + 1;
          a[o++] = id >> 8;
          a[o++] = id & 0xff;
          pub.inflight++;
        }
        if (this.v5) a[o++] = 0;
        this.apos = writeStamp(a, o, st, ascii);
        pub.seq = seq + 1;
      }
      this.sent += n;
      this.commit(c);
      const sock = c.sock;
      if (sock && sock.writableLength > HIGH_WATER) {
        pub.blocked = true;
        sock.once('drain', () => {
          pub.blocked = false;
          this.schedulePump();
        });
      }
      if (pub.seq >= cap) pub.done = true;
      else if (this.pubRate <= 0 && (qos === 0 || pub.inflight < pub.maxInflight)) more = true;
    }
    if (over || (allDone && this.pubs.every((p) => p.done))) {
      this.stopPublishing();
      return;
    }
    if (more) this.schedulePump();
  }

  stopPublishing(): void {
    if (this.publishing) {
      this.publishing = false;
      if (this.publishTimer) clearInterval(this.publishTimer);
      this.publishTimer = undefined;
    }
    this.reportPublished(true);
  }

  private reportPublished(final: boolean): void {
    if (this.publishDoneSent && !final) return;
    this.publishDoneSent = true;
    this.send({ type: 'publishDone', published: this.pubs.map((p) => [p.p, p.seq]), final });
  }

  private inflight(): number {
    let n = 0;
    for (const p of this.pubs) if (p.conn.state === UP || p.conn.state === SUBSCRIBING) n += p.inflight;
    return n;
  }

  // ---- drain, final figures ----

  startDrain(published: number[]): void {
    const expectedLocal = this.acc.expectedLocal(this.books, published);
    const drainStart = this.epochNow();
    const status = (): void => {
      // judged here, on this process's clock: a busy coordinator reading old news never ends the drain early
      const quietMs = this.epochNow() - Math.max(drainStart, this.acc.lastMs);
      const used = this.acc.used[0]! + this.acc.used[1]! + this.acc.used[2]!;
      const surplus = this.acc.surplusCount[0]! + this.acc.surplusCount[1]! + this.acc.surplusCount[2]!;
      const copies = this.acc.copies[0]! + this.acc.copies[1]! + this.acc.copies[2]!;
      this.send({ type: 'drainStatus', expectedLocal, used, surplus, copies, inflight: this.inflight(), quietMs });
    };
    status();
    // after the poll phase: data that waited in a socket while this process was not scheduled is
    // read before quiet is judged
    this.drainTimer = setInterval(() => setImmediate(status), 100);
  }

  finalize(published: number[]): void {
    if (this.drainTimer) clearInterval(this.drainTimer);
    this.drainTimer = undefined;
    this.publishing = false;
    if (this.publishTimer) clearInterval(this.publishTimer);
    this.qpos = this.conns.length;
    const final = this.acc.finalize(this.books, published);
    const failures = Object.fromEntries(this.failures);
    this.send({ type: 'final', final, connectLatency: summarize(this.connectHist), subscribeLatency: summarize(this.subscribeHist), failures, connectedEver: this.connectedEver, failed: this.failed });
  }

  // ---- closing ----

  disconnectAll(): void {
    this.closingAll = true;
    this.qpos = this.conns.length;
    if (this.connectTimer) clearInterval(this.connectTimer);
    if (this.publishTimer) clearInterval(this.publishTimer);
    this.publishing = false;
    this.flushAllAcks();
    const bye = this.v5 ? (this.o.clean || this.o.keepSessions ? DISCONNECT_V5 : DISCONNECT_V5_END_SESSION) : DISCONNECT_V4;
    let left = 0;
    let clean = 0;
    let forced = 0;
    for (const c of this.conns) {
      const s = c.sock;
      if (!s) continue;
      if (c.state === UP || c.state === SUBSCRIBING) {
        c.state = CLOSING;
        s.end(bye);
        clean++;
        left++;
      } else if (c.state === CONNECTING) {
        // no session yet: nothing to say goodbye to
        c.state = CLOSED;
        this.connecting--;
        c.sock = null;
        s[CONN] = undefined;
        s.destroy();
        forced++;
      }
    }
    const finish = (): void => {
      if (!this.closeWait) return;
      this.closeWait = undefined;
      clearTimeout(timer);
      this.stopTimers();
      // MQTT 3.1.1 keeps a persistent session after DISCONNECT: a clean-session connect ends it
      const sessions = !this.o.clean && !this.v5 && !this.o.keepSessions ? this.conns.filter((c) => c.connectedOnce) : [];
      void this.clearSessions(sessions).then((sessionsCleared) => {
        const last = this.takeTick(true);
        const cpu = process.cpuUsage();
        this.send({ type: 'closed', clean, forced, sessionsCleared, last, cpuUserUs: cpu.user, cpuSystemUs: cpu.system });
      });
    };
    const timer = setTimeout(() => {
      for (const c of this.conns) if (c.sock && c.state === CLOSING) c.sock.destroy();
      finish();
    }, 5000);
    this.closeWait = { left, clean, forced, done: finish };
    if (left === 0) finish();
  }

  /** Connects each client once more with clean session and leaves: its persistent session is gone. */
  private clearSessions(conns: Conn[]): Promise<number> {
    if (conns.length === 0) return Promise.resolve(0);
    return new Promise((resolve) => {
      let next = 0;
      let active = 0;
      let cleared = 0;
      const launch = (): void => {
        while (active < this.maxConnecting && next < conns.length) {
          const c = conns[next++]!;
          active++;
          let acked = false;
          const s = this.tlsOptions ? tls.connect(this.tlsOptions) : net.connect({ host: this.url.host, port: this.url.port, noDelay: true });
          const timer = setTimeout(() => s.destroy(), this.o.connectTimeoutMs);
          s.on('data', (d: Buffer) => {
            if (!acked && d[0]! >> 4 === CONNACK) {
              acked = d[3] === 0;
              s.end(DISCONNECT_V4);
            }
          });
          s.on('error', () => {});
          s.on('close', () => {
            clearTimeout(timer);
            active--;
            if (acked) cleared++;
            if (next >= conns.length && active === 0) resolve(cleared);
            else launch();
          });
          s.write(encodeConnect({ clientId: c.clientId, username: c.username, password: this.o.password, keepalive: 0, clean: true, protocol: 4 }));
        }
      };
      launch();
    });
  }

  closed(c: Conn): void {
    const s = c.sock;
    c.sock = null;
    if (s) s[CONN] = undefined;
    const state = c.state;
    if (state === CONNECTING) {
      c.state = CONNECTING;
      this.fail(c, c.err ?? 'connection closed before CONNACK');
      return;
    }
    c.state = CLOSED;
    if (state === UP || state === SUBSCRIBING) {
      this.connected--;
      this.errors++;
      const why = c.serverReason >= 0 ? `DISCONNECT ${reasonName(c.serverReason)}` : (c.err ?? 'connection closed by the broker');
      this.count(`dropped: ${why}`);
      if (state === SUBSCRIBING) {
        this.settled++;
        this.checkSetup();
      }
    } else if (state === CLOSING) {
      this.connected = Math.max(0, this.connected - 1);
      const w = this.closeWait;
      if (w && --w.left <= 0) w.done();
    }
  }

  // ---- ticks ----

  private startTicks(): void {
    const sinceStart = Date.now() - this.startEpoch;
    const toNext = 1000 - (((sinceStart % 1000) + 1000) % 1000);
    this.tickTimer = setTimeout(() => {
      this.emitTick();
      this.tickTimer = setInterval(() => this.emitTick(), 1000);
    }, toNext);
  }

  /** The counts since the last tick; a timer tick fires just after its second ended, the last one mid-second. */
  private takeTick(partial = false): Tick {
    const t = Math.max(0, Math.floor((Date.now() - this.startEpoch - (partial ? 0 : 500)) / 1000));
    const cpu = process.cpuUsage();
    const tick: Tick = {
      t,
      sent: this.sent,
      received: this.received,
      errors: this.errors,
      connects: this.connects,
      connected: this.connected,
      connecting: this.connecting,
      failed: this.failed,
      rssBytes: process.memoryUsage.rss(),
      cpuUserUs: cpu.user,
      cpuSystemUs: cpu.system,
    };
    this.sent = this.received = this.errors = this.connects = 0;
    return tick;
  }

  private emitTick(): void {
    this.send({ type: 'tick', tick: this.takeTick() });
  }

  private stopTimers(): void {
    for (const t of [this.tickTimer, this.sweepTimer, this.connectTimer, this.publishTimer, this.drainTimer, this.ackTimer]) if (t) clearInterval(t);
  }
}

const VARINT = { next: 0 };

function onData(this: Sock, chunk: Buffer): void {
  const c = this[CONN];
  if (c) current!.data(c, chunk);
}

function onError(this: Sock, e: NodeJS.ErrnoException): void {
  const c = this[CONN];
  if (c && !c.err) c.err = e.code ?? e.message;
}

function onClose(this: Sock): void {
  const c = this[CONN];
  if (c) current!.closed(c);
}

let current: SwarmWorker | undefined;

/** The child process's side of the IPC channel. */
function serve(): void {
  const send = (m: FromWorker): void => {
    if (process.connected) process.send!(m);
  };
  // the coordinator owns Ctrl-C: it tells us to disconnect cleanly
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => {});
  // an orphan (the coordinator was killed) drops everything at once
  process.on('disconnect', () => process.exit(1));
  process.on('uncaughtException', (e) => {
    send({ type: 'fatal', message: (e as Error).stack ?? String(e) });
    setTimeout(() => process.exit(1), 100);
  });
  process.on('message', (m: ToWorker) => {
    const w = current;
    switch (m.type) {
      case 'init':
        current = new SwarmWorker(m.options, m.worker, m.workers, m.model, send);
        send({ type: 'loaded', pid: process.pid });
        return;
      case 'connect':
        return w!.startConnecting(m.startEpoch);
      case 'publish':
        return w!.startPublishing(m.atEpoch);
      case 'stopPublishing':
        return w!.stopPublishing();
      case 'drain':
        return w!.startDrain(m.published);
      case 'finalize':
        return w!.finalize(m.published);
      case 'disconnect':
        return w!.disconnectAll();
    }
  });
}

if (process.send && process.env.HX_SWARM_WORKER === '1') serve();
