// Before any worker starts: one client checks that the broker answers and takes the swarm's
// credentials (a refusal is a one-line error, exit 2, not 10,000 failed connections), and, when
// the configuration has overlapping subscriptions, measures how the broker counts copies for
// them (topics.ts): one client holds `p/#`, `p/x` and `$share/g/p/x` and publishes once to `p/x`.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { TargetError } from '../../src/errors.ts';
import { CONNACK, PUBACK, PUBLISH, SUBACK, DISCONNECT_V4, DISCONNECT_V5, connackReason, encodeConnect, encodeSubscribe, readVarint, varintSize, writeVarint } from './codec.ts';
import { OVERLAP_MODELS, type OverlapModel, type SwarmOptions, expandPattern, globalIndex, parseMqttUrl } from './options.ts';
import { expectedCopies } from './topics.ts';

interface Waiter {
  type: number;
  resolve: (body: Buffer) => void;
}

/** A one-connection MQTT client for the preflight and the overlap probe (promises, no pacing). */
class ProbeClient {
  private rest: Buffer | null = null;
  private waiters: Waiter[] = [];
  private closedWith: string | undefined;
  private onClosed: ((why: string) => void)[] = [];
  /** payloads received, by topic */
  readonly received = new Map<string, number>();
  private onMessage: (() => void) | undefined;

  private constructor(
    private readonly sock: net.Socket,
    readonly protocol: 4 | 5,
  ) {
    sock.on('data', (chunk: Buffer) => this.data(chunk));
    sock.on('error', (e: NodeJS.ErrnoException) => {
      this.closedWith ??= e.code ?? e.message;
    });
    sock.on('close', () => {
      this.closedWith ??= 'the broker closed the connection';
      for (const f of this.onClosed) f(this.closedWith);
    });
  }

  static async connect(o: SwarmOptions, clientId: string, timeoutMs: number): Promise<ProbeClient> {
    const url = parseMqttUrl(o.mqttUrl);
    const sock = url.tls
      ? tls.connect({ host: url.host, port: url.port, servername: net.isIP(url.host) ? undefined : url.host, rejectUnauthorized: !o.insecure, ...(o.caFile ? { ca: readFileSync(o.caFile) } : {}) })
      : net.connect({ host: url.host, port: url.port });
    const c = new ProbeClient(sock, o.protocol);
    const g = globalIndex(o, 0);
    const username = o.usernamePattern !== undefined ? expandPattern(o.usernamePattern, { i: g, run: o.runId }) : o.username;
    sock.write(encodeConnect({ clientId, username, password: o.password, keepalive: 30, clean: true, protocol: o.protocol }));
    const body = await c.next(CONNACK, timeoutMs).catch((e: Error) => {
      sock.destroy();
      throw e;
    });
    const code = body[1] ?? 0x80;
    if (code !== 0) {
      sock.destroy();
      throw new Error(connackReason(code, o.protocol));
    }
    return c;
  }

  private data(chunk: Buffer): void {
    const buf = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    this.rest = null;
    let off = 0;
    const vi = { next: 0 };
    while (buf.length - off >= 2) {
      const len = readVarint(buf, off + 1, buf.length, vi);
      if (len < 0 || vi.next + len > buf.length) break;
      const type = buf[off]! >> 4;
      const body = buf.subarray(vi.next, vi.next + len);
      if (type === PUBLISH) this.publishIn(buf[off]!, body);
      const i = this.waiters.findIndex((w) => w.type === type);
      if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(Buffer.from(body));
      off = vi.next + len;
    }
    if (off < buf.length) this.rest = Buffer.from(buf.subarray(off));
  }

  private publishIn(first: number, body: Buffer): void {
    const qos = (first >> 1) & 3;
    const tl = body.readUInt16BE(0);
    const topic = body.toString('utf8', 2, 2 + tl);
    if (qos > 0) {
      const id = body.readUInt16BE(2 + tl);
      this.sock.write(Buffer.from([qos === 1 ? 0x40 : 0x50, 2, id >> 8, id & 0xff]));
    }
    this.received.set(topic, (this.received.get(topic) ?? 0) + 1);
    this.onMessage?.();
  }

  next(type: number, timeoutMs: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      if (this.closedWith) return reject(new Error(this.closedWith));
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = {
        type,
        resolve: (b) => {
          clearTimeout(timer);
          resolve(b);
        },
      };
      this.waiters.push(waiter);
      this.onClosed.push((why) => {
        clearTimeout(timer);
        reject(new Error(why));
      });
    });
  }

  async subscribe(filters: string[], timeoutMs: number): Promise<number[]> {
    this.sock.write(encodeSubscribe(7, filters, 1, this.protocol));
    const body = await this.next(SUBACK, timeoutMs);
    let p = 2;
    if (this.protocol === 5) {
      const vi = { next: 0 };
      const plen = readVarint(body, 2, body.length, vi);
      p = vi.next + plen;
    }
    return filters.map((_, k) => body[p + k] ?? 0x80);
  }

  async publish(topic: string, payload: string, timeoutMs: number): Promise<void> {
    const t = Buffer.from(topic, 'utf8');
    const pl = Buffer.from(payload, 'utf8');
    const rl = 2 + t.length + 2 + (this.protocol === 5 ? 1 : 0) + pl.length;
    const b = Buffer.alloc(1 + varintSize(rl) + rl);
    b[0] = 0x32;
    let o = writeVarint(b, 1, rl);
    o = b.writeUInt16BE(t.length, o);
    o += t.copy(b, o);
    o = b.writeUInt16BE(9, o);
    if (this.protocol === 5) b[o++] = 0;
    pl.copy(b, o);
    this.sock.write(b);
    await this.next(PUBACK, timeoutMs);
  }

  /** Resolves when `count()` reaches `atLeast`, or `settleMs` after it first became non-zero, or at `timeoutMs`. */
  waitFor(count: () => number, atLeast: number, settleMs: number, timeoutMs: number): Promise<number> {
    return new Promise((resolve) => {
      let settle: NodeJS.Timeout | undefined;
      const done = (): void => {
        clearTimeout(timer);
        if (settle) clearTimeout(settle);
        this.onMessage = undefined;
        resolve(count());
      };
      const timer = setTimeout(done, timeoutMs);
      const check = (): void => {
        const n = count();
        if (n >= atLeast) done();
        else if (n > 0 && !settle) settle = setTimeout(done, settleMs);
      };
      this.onMessage = check;
      check();
    });
  }

  async close(): Promise<void> {
    if (this.sock.destroyed) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        this.sock.destroy();
        resolve();
      }, 2000);
      this.sock.once('close', () => {
        clearTimeout(t);
        resolve();
      });
      this.sock.end(this.protocol === 5 ? DISCONNECT_V5 : DISCONNECT_V4);
    });
  }
}

export interface Preflight {
  /** the overlap model measured, when it was */
  measured?: OverlapModel;
  /** what the probe saw, for the report's notes */
  note?: string;
}

/**
 * Connects once with the swarm's settings (TargetError when the broker cannot be reached or
 * refuses), and with `probeOverlap` measures the broker's copies for overlapping subscriptions.
 */
export async function preflight(o: SwarmOptions, probeOverlap: boolean): Promise<Preflight> {
  const url = parseMqttUrl(o.mqttUrl);
  const tag = randomBytes(4).toString('hex');
  const timeout = Math.min(o.connectTimeoutMs, 10_000);
  let c: ProbeClient;
  try {
    c = await ProbeClient.connect(o, `hx-probe-${tag}`, timeout);
  } catch (e) {
    throw new TargetError(`cannot connect to ${url.display} with MQTT ${o.protocol === 5 ? '5' : '3.1.1'}: ${(e as Error).message}`);
  }
  try {
    if (!probeOverlap) return {};
    // overlapping plain filters, a shared filter alone on its topic (x), and a shared filter
    // after a plain one of the same filter (y): each model predicts its own pair of counts
    const base = `hxprobe/${o.runId}/${tag}`;
    const [x, y] = [`${base}/x`, `${base}/y`];
    const subs = [`${base}/#`, `${base}/+`, `$share/hxp${tag}/${x}`, y, `$share/hxp${tag}/${y}`];
    const codes = await c.subscribe(subs, timeout);
    const granted = subs.filter((_, k) => codes[k]! < 0x80);
    if (granted.length < 2) return { note: 'the overlap probe could not subscribe; assuming per-subscription copies' };
    await c.publish(x, 'hx-overlap-probe', timeout);
    await c.publish(y, 'hx-overlap-probe', timeout);
    const count = (): number => (c.received.get(x) ?? 0) + (c.received.get(y) ?? 0);
    await c.waitFor(count, 7, 500, 3000);
    const seen = [c.received.get(x) ?? 0, c.received.get(y) ?? 0] as const;
    const match = OVERLAP_MODELS.find((m) => expectedCopies([granted], x, m) === seen[0] && expectedCopies([granted], y, m) === seen[1]);
    const what = `overlap probe: ${seen[0]} + ${seen[1]} copies for ${granted.length} overlapping subscriptions`;
    if (!match) return { note: `${what} fit no known model; assuming per-subscription copies (set --overlap to choose)` };
    return { measured: match, note: `${what} → ${match}` };
  } catch (e) {
    throw new TargetError(`the broker at ${url.display} broke off the overlap probe: ${(e as Error).message}`);
  } finally {
    await c.close();
  }
}
