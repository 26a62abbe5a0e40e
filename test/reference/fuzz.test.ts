// Robustness: thousands of malformed HTTP requests and a few hundred garbage MQTT packets,
// from a seeded generator (set FUZZ_SEED to replay), then the broker must still serve correctly.
// The broker runs in this process, so any uncaught exception in it fails this test.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { inbox, startHarness, subscribe, sleep, type Harness } from './helpers.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20240607);

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rand = rng(SEED);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const int = (n: number) => Math.floor(rand() * n);

const WEIRD = [
  '', 'x', '0', '-1', '1.5', '1e309', '99999999999999999999999999', 'NaN', 'null', '%', '%2', '%ZZ', '%00', '%2F%2F', '..', '../..',
  '🦄', 'ünïcödé', '\u202e', 'a'.repeat(3000), '$share/g/t', '#', '+', 'emqx@127.0.0.1', 'emqx@other', 'rule:00000000', "';--", '<script>',
];

function weirdSegment(): string {
  const s = pick(WEIRD);
  return rand() < 0.5 ? encodeURIComponent(s) : s.replace(/[^\x21-\x7e]/gu, (c) => encodeURIComponent(c)).replace(/[?#]/g, '');
}

function weirdJson(depth = 0): unknown {
  const r = rand();
  if (depth > 3 || r < 0.3) return pick<unknown>([null, true, false, 0, -1, 1e308, 2 ** 63, 1.5, '', '🦄', 'a'.repeat(int(200)), 'x', '$share/g/t', '#', 7, 3]);
  if (r < 0.6) return Array.from({ length: int(4) }, () => weirdJson(depth + 1));
  const keys = ['topic', 'topics', 'payload', 'qos', 'retain', 'clientid', 'client_id', 'encoding', 'login', 'password', 'is_superuser', 'allow', 'action', 'who', 'as', 'rawsql', 'actions', 'name', 'params', 'type', 'config', 'username', 'app_id', 'secret', 'status', 'key', 'value', 'node', 'enabled', 'until', 'return'];
  const o: Record<string, unknown> = {};
  for (let i = int(5); i > 0; i--) o[pick(keys)] = weirdJson(depth + 1);
  return o;
}

function weirdBody(): string | undefined {
  const r = rand();
  if (r < 0.15) return undefined;
  if (r < 0.3) return pick(['{', '[1,2', '{"a":}', 'nul', '"unterminated', '{"a":1}}', '\u0000\u0001', '1e99999', '[' .repeat(5000), '{"a":' + '['.repeat(100) + ']'.repeat(100) + '}', 'SELECT *']);
  if (r < 0.35) return '[' + '['.repeat(20000) + ']'.repeat(20000) + ']';
  return JSON.stringify(weirdJson());
}

let h: Harness;
let routes: Array<{ method: string; path: string; base: string }> = [];

before(async () => {
  h = await startHarness();
  for (const [api, base] of [
    [h.api, '/api/v4'],
    [h.v3, '/api/v3'],
    [h.cloud, '/api'],
  ] as const) {
    const listing = await api.get('/');
    for (const r of listing.json.data as Array<{ method: string; path: string }>) routes.push({ method: r.method, path: r.path, base });
  }
});
after(async () => {
  await h.close();
});

function fuzzPath(): string {
  const r = rand();
  if (r < 0.75) {
    const route = pick(routes);
    const segs = route.path
      .split('/')
      .filter(Boolean)
      .map((s) => (s.startsWith(':') ? (rand() < 0.3 ? 'emqx@127.0.0.1' : weirdSegment()) : s));
    return `${route.base}/${segs.join('/')}`;
  }
  if (r < 0.9) return `/api/${pick(['v4', 'v3', 'v5', '', 'cloud'])}/${Array.from({ length: int(5) }, weirdSegment).join('/')}`;
  return `/${Array.from({ length: int(4) }, weirdSegment).join('/')}`;
}

function fuzzQuery(): string {
  if (rand() < 0.4) return '';
  const keys = ['_page', '_limit', 'clientid', 'username', 'proto_ver', 'ip_address', 'conn_state', 'clean_start', '_like_clientid', '_gte_created_at', '_lte_connected_at', 'qos', 'share', '_match_topic', 'topic', 'enabled', 'for', 'as', '%', ''];
  return '?' + Array.from({ length: 1 + int(4) }, () => `${pick(keys)}=${weirdSegment()}`).join('&');
}

const ALLOWED = new Set([200, 201, 400, 401, 404, 413, 500]);

test('thousands of malformed HTTP requests never crash the broker or hang', async () => {
  const base = `http://127.0.0.1:${h.broker.httpPort}`;
  const good = `Basic ${Buffer.from('admin:public').toString('base64')}`;
  const statuses = new Map<number, number>();
  let i = 0;
  const TOTAL = 3000;
  const worker = async () => {
    while (i < TOTAL) {
      i++;
      const method = pick(['GET', 'POST', 'PUT', 'DELETE', 'GET', 'POST', 'PATCH', 'OPTIONS', 'HEAD']);
      const headers: Record<string, string> = {};
      const a = rand();
      if (a < 0.85) headers.authorization = good;
      else if (a < 0.9) headers.authorization = `Basic ${pick(['', '!!!', 'YWRtaW4=', Buffer.from('admin:public:extra').toString('base64')])}`;
      else if (a < 0.95) headers.authorization = pick(['Bearer x', 'basic', 'Basic']);
      if (rand() < 0.3) headers['content-type'] = pick(['application/json', 'text/plain', 'application/x-www-form-urlencoded', '🦄/🦄'.replace(/[^\x20-\x7e]/g, 'x')]);
      if (rand() < 0.1) headers['x-fuzz'] = 'y'.repeat(int(4000));
      const body = method === 'GET' || method === 'HEAD' ? undefined : weirdBody();
      const url = base + fuzzPath() + fuzzQuery();
      let res: Response;
      try {
        res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(10_000) });
        await res.arrayBuffer();
      } catch (e) {
        // fetch itself refuses some URLs (invalid characters); those never reach the broker.
        if (e instanceof TypeError && /Invalid URL|URL/.test(e.message)) continue;
        throw new Error(`${method} ${url.slice(0, 200)}: ${(e as Error).message}`);
      }
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      assert.ok(ALLOWED.has(res.status) || (res.status >= 200 && res.status < 600), `${res.status} for ${method} ${url.slice(0, 200)}`);
      if (res.status === 401) {
        // minirest's 401 carries no Content-Type at all
        assert.equal(res.headers.get('content-type'), null, `401 without Content-Type for ${method} ${url.slice(0, 120)}`);
      } else if (res.status >= 400 && res.status !== 413) {
        const ct = res.headers.get('content-type') ?? '';
        assert.match(ct, /text\/plain/, `framework errors are text for ${method} ${url.slice(0, 120)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  assert.ok((statuses.get(200) ?? 0) > 100, JSON.stringify([...statuses]));
  assert.ok((statuses.get(404) ?? 0) > 100, JSON.stringify([...statuses]));
});

function rawExchange(port: number, data: Buffer | string, waitMs = 150): Promise<string> {
  return new Promise((resolve) => {
    const s: Socket = connect(port, '127.0.0.1');
    let got = '';
    s.on('data', (d) => (got += d.toString('latin1')));
    s.on('error', () => resolve(got));
    s.on('close', () => resolve(got));
    s.on('connect', () => {
      s.write(data);
      setTimeout(() => s.destroy(), waitMs);
    });
  });
}

test('raw garbage on the HTTP port gets 400s or a closed socket', async () => {
  const samples: Array<Buffer | string> = [
    'GARBAGE\r\n\r\n',
    'GET /api/v4/clients HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n{',
    'POST /api/v4/mqtt/publish HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n',
    `GET /${'a'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    'GET /api/v4/clients HTTP/9.9\r\n\r\n',
    `GET /api/v4/clients HTTP/1.1\r\n${'X-A: b\r\n'.repeat(5000)}\r\n`,
    Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc]),
  ];
  const port = h.broker.httpPort;
  for (let i = 0; i < 200; i++) {
    const data = i < samples.length ? samples[i]! : Buffer.from(Array.from({ length: 1 + int(300) }, () => int(256)));
    const reply = await rawExchange(port, data, 50);
    if (reply) assert.match(reply, /^HTTP\/1\.1 (400|401|404|413|431|500|505)/, reply.slice(0, 80));
  }
  // An oversized body is refused without reading it all.
  const big = await fetch(`http://127.0.0.1:${port}/api/v4/mqtt/publish`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from('admin:public').toString('base64')}` },
    body: 'x'.repeat(9 * 1024 * 1024),
  }).catch((e: Error) => e);
  if (!(big instanceof Error)) assert.equal(big.status, 413);
});

function mqttString(s: string): Buffer {
  const b = Buffer.from(s);
  const len = Buffer.alloc(2);
  len.writeUInt16BE(Math.min(b.length, 0xffff));
  return Buffer.concat([len, b]);
}

function packet(type: number, flags: number, body: Buffer): Buffer {
  const lenBytes: number[] = [];
  let n = body.length;
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    lenBytes.push(byte);
  } while (n > 0);
  return Buffer.concat([Buffer.from([(type << 4) | flags, ...lenBytes]), body]);
}

function connectPacket(clientId: string, proto = 'MQTT', level = 4, flags = 2): Buffer {
  return packet(1, 0, Buffer.concat([mqttString(proto), Buffer.from([level, flags, 0, 60]), mqttString(clientId)]));
}

test('hundreds of garbage MQTT packets over raw TCP are survived', async () => {
  const port = h.broker.mqttPort;
  const makers: Array<() => Buffer> = [
    () => Buffer.from(Array.from({ length: 1 + int(200) }, () => int(256))),
    () => Buffer.concat([connectPacket(`fz${int(1e6)}`), Buffer.from(Array.from({ length: int(100) }, () => int(256)))]),
    () => connectPacket(`fz${int(1e6)}`, pick(['MQTT', 'MQIsdp', 'XXXX', '', '🦄']), pick([0, 3, 4, 5, 6, 255]), int(256)),
    () => Buffer.concat([connectPacket(`fz${int(1e6)}`), packet(3, pick([0, 2, 4, 6, 8]), Buffer.concat([mqttString(pick(['a/b', '#', '+/x', '', '$SYS/x', 'a/'.repeat(200), '\u0000'])), Buffer.from([0, 1]), Buffer.from('payload')]))]),
    () => Buffer.concat([connectPacket(`fz${int(1e6)}`), packet(8, 2, Buffer.concat([Buffer.from([0, 1]), mqttString(pick(['#', 'a/#/b', '+', '$share/g', '$share//t', 'x/'.repeat(150), ''])), Buffer.from([int(4)])]))]),
    () => Buffer.concat([connectPacket(`fz${int(1e6)}`), packet(pick([4, 5, 6, 7, 10, 12, 14, 15, 0]), int(16), Buffer.from(Array.from({ length: int(10) }, () => int(256))))]),
    () => Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x7f]),
    () => Buffer.concat([connectPacket('fz-dup'), connectPacket('fz-dup')]),
  ];
  const batch: Array<Promise<string>> = [];
  for (let i = 0; i < 400; i++) {
    batch.push(rawExchange(port, pick(makers)(), 30));
    if (batch.length >= 25) await Promise.all(batch.splice(0));
  }
  await Promise.all(batch);
});

test('after the fuzzing the broker still serves the API and routes MQTT messages', async () => {
  await sleep(100);
  // Fuzzing may have created auth users, ACL rules or bans through the API; clear them.
  for (const u of (await h.cloud.get('/auth_user')).json.data) await h.cloud.delete(`/auth_user/${encodeURIComponent(u.login)}`);
  for (const b of (await h.api.get('/banned')).json.data) await h.api.delete(`/banned/${encodeURIComponent(b.as)}/${encodeURIComponent(b.who)}`);
  for (const a of (await h.cloud.get('/emqx_acl')).json.data) await h.cloud.delete(`/emqx_acl/${encodeURIComponent(a.login)}/${encodeURIComponent(a.topic)}`);
  const clients = await h.api.get('/clients?_limit=5');
  assert.equal(clients.status, 200);
  assert.equal(clients.json.code, 0);
  const sub = await h.connect('post-fuzz-sub');
  await subscribe(sub, 'after/fuzz', 1);
  const box = inbox(sub);
  assert.deepEqual((await h.api.post('/mqtt/publish', { topic: 'after/fuzz', payload: 'still alive', qos: 1 })).json, { code: 0 });
  assert.equal((await box.next()).payload.toString(), 'still alive');
  const status = await fetch(`http://127.0.0.1:${h.broker.httpPort}/status`);
  assert.equal(status.status, 200);
});
