// Benchmark of the reference broker: `npx tsx scripts/bench-reference.ts [--clients 10000]`.
// Prints figures only (no assertions). The broker runs in this process so its memory can be
// measured; the MQTT clients run in a child process (the same file with --role clients), which
// also keeps each process under its file-descriptor limit with 10,000 sockets.
//
//   --clients N       connected clients for the listing and memory figures (default 10000)
//   --batch N         clients connected concurrently per batch (default 500)
//   --samples N       HTTP requests per latency figure (default 200)
//   --subscribers N   subscribers receiving the publish_batch traffic (default 10)
//   --rounds N        publish_batch requests of 100 messages (default 50)

import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import mqtt, { type MqttClient } from 'mqtt';
import { startReferenceBroker } from '../reference/index.ts';

interface Flags {
  clients: number;
  batch: number;
  samples: number;
  subscribers: number;
  rounds: number;
  role: 'main' | 'clients';
  mqttUrl: string;
}

function parseFlags(argv: string[]): Flags {
  const f: Flags = { clients: 10000, batch: 500, samples: 200, subscribers: 10, rounds: 50, role: 'main', mqttUrl: '' };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    const num = () => {
      if (value === undefined || !/^\d+$/.test(value)) {
        console.error(`bench-reference: ${flag} expects a non-negative integer`);
        process.exit(2);
      }
      i++;
      return Number(value);
    };
    switch (flag) {
      case '--clients':
        f.clients = num();
        break;
      case '--batch':
        f.batch = Math.max(1, num());
        break;
      case '--samples':
        f.samples = Math.max(1, num());
        break;
      case '--subscribers':
        f.subscribers = Math.max(1, num());
        break;
      case '--rounds':
        f.rounds = Math.max(1, num());
        break;
      case '--role':
        f.role = value === 'clients' ? 'clients' : 'main';
        i++;
        break;
      case '--mqtt-url':
        f.mqttUrl = value ?? '';
        i++;
        break;
      case '-h':
      case '--help':
        console.log('usage: npx tsx scripts/bench-reference.ts [--clients N] [--batch N] [--samples N] [--subscribers N] [--rounds N]');
        process.exit(0);
        break;
      default:
        console.error(`bench-reference: unknown option "${flag}"`);
        process.exit(2);
    }
  }
  return f;
}

// ---- child: holds the MQTT clients -------------------------------------------------------------

type ToChild = { cmd: 'connect'; count: number; batch: number } | { cmd: 'subscribe'; count: number } | { cmd: 'expect'; total: number } | { cmd: 'exit' };
type ToParent = { ev: 'connected'; count: number; ms: number } | { ev: 'subscribed' } | { ev: 'received'; total: number; lastAt: number } | { ev: 'error'; message: string };

function connectOne(url: string, clientId: string): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(url, { clientId, reconnectPeriod: 0, keepalive: 600, connectTimeout: 30_000 });
    c.once('connect', () => resolve(c));
    c.once('error', reject);
  });
}

async function childMain(flags: Flags): Promise<void> {
  const send = (m: ToParent) => process.send?.(m);
  const clients: MqttClient[] = [];
  let received = 0;
  let expected = Infinity;
  let lastAt = 0;
  process.on('message', async (m: ToChild) => {
    try {
      if (m.cmd === 'connect') {
        const t0 = Date.now();
        for (let i = 0; i < m.count; i += m.batch) {
          const n = Math.min(m.batch, m.count - i);
          clients.push(...(await Promise.all(Array.from({ length: n }, (_, j) => connectOne(flags.mqttUrl, `bench-${i + j}`)))));
        }
        send({ ev: 'connected', count: clients.length, ms: Date.now() - t0 });
      } else if (m.cmd === 'subscribe') {
        for (let i = 0; i < m.count; i++) {
          const c = await connectOne(flags.mqttUrl, `bench-sub-${i}`);
          clients.push(c);
          await c.subscribeAsync('bench/#', { qos: 0 });
          c.on('message', () => {
            received++;
            lastAt = Date.now();
            if (received === expected) send({ ev: 'received', total: received, lastAt });
          });
        }
        send({ ev: 'subscribed' });
      } else if (m.cmd === 'expect') {
        expected = m.total;
        if (received >= expected) send({ ev: 'received', total: received, lastAt });
      } else if (m.cmd === 'exit') {
        for (const c of clients) c.end(true);
        process.exit(0);
      }
    } catch (e) {
      send({ ev: 'error', message: (e as Error).message });
    }
  });
}

// ---- parent: runs the broker and measures -----------------------------------------------------

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function latencies(url: string, auth: string, samples: number, init?: RequestInit): Promise<{ p50: number; p99: number; mean: number }> {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    const res = await fetch(url, { ...init, headers: { authorization: auth, 'content-type': 'application/json' } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), mean: times.reduce((a, b) => a + b, 0) / times.length };
}

function waitFor<T extends ToParent['ev']>(child: ChildProcess, ev: T): Promise<Extract<ToParent, { ev: T }>> {
  return new Promise((resolve, reject) => {
    const onMsg = (m: ToParent) => {
      if (m.ev === 'error') {
        child.off('message', onMsg);
        reject(new Error(m.message));
      } else if (m.ev === ev) {
        child.off('message', onMsg);
        resolve(m as Extract<ToParent, { ev: T }>);
      }
    };
    child.on('message', onMsg);
  });
}

const fmt = (n: number) => n.toFixed(2);
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

async function parentMain(flags: Flags): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const broker = await startReferenceBroker({ httpPort: 0, mqttPort: 0 });
  const child = fork(fileURLToPath(import.meta.url), ['--role', 'clients', '--mqtt-url', broker.mqttUrl], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const auth = `Basic ${Buffer.from(`${broker.appId}:${broker.appSecret}`).toString('base64')}`;
  const api = broker.apiUrl('v4');
  try {
    console.log(`reference broker bench — node ${process.version}, ${flags.clients} clients (batches of ${flags.batch})`);
    gc?.();
    const mem0 = process.memoryUsage();
    child.send({ cmd: 'connect', count: flags.clients, batch: flags.batch } satisfies ToChild);
    const connected = await waitFor(child, 'connected');
    gc?.();
    const mem1 = process.memoryUsage();
    console.log(`connected ${connected.count} clients in ${connected.ms} ms (${fmt((connected.count / connected.ms) * 1000)} connects/s)`);
    if (flags.clients > 0) {
      console.log(
        `memory per client: rss ${fmt((mem1.rss - mem0.rss) / flags.clients / 1024)} KB, heap ${fmt((mem1.heapUsed - mem0.heapUsed) / flags.clients / 1024)} KB` +
          ` (rss ${mb(mem0.rss)} → ${mb(mem1.rss)}, heap ${mb(mem0.heapUsed)} → ${mb(mem1.heapUsed)}${gc ? ', after gc' : ', no --expose-gc'})`,
      );
    }

    const page1 = await latencies(`${api}/clients?_limit=100`, auth, flags.samples);
    console.log(`GET /clients?_limit=100          p50 ${fmt(page1.p50)} ms  p99 ${fmt(page1.p99)} ms  mean ${fmt(page1.mean)} ms (${flags.samples} requests)`);
    const page50 = await latencies(`${api}/clients?_page=50&_limit=100`, auth, flags.samples);
    console.log(`GET /clients?_page=50&_limit=100 p50 ${fmt(page50.p50)} ms  p99 ${fmt(page50.p99)} ms  mean ${fmt(page50.mean)} ms`);
    const filtered = await latencies(`${api}/clients?_like_clientid=bench-99&_limit=100`, auth, Math.min(flags.samples, 50));
    console.log(`GET /clients?_like_clientid=…    p50 ${fmt(filtered.p50)} ms  p99 ${fmt(filtered.p99)} ms (filtered: scans)`);

    child.send({ cmd: 'subscribe', count: flags.subscribers } satisfies ToChild);
    await waitFor(child, 'subscribed');
    const batch = JSON.stringify(Array.from({ length: 100 }, (_, i) => ({ topic: `bench/${i}`, payload: `message ${i}`, qos: 0 })));
    const expected = flags.rounds * 100 * flags.subscribers;
    const received = waitFor(child, 'received');
    child.send({ cmd: 'expect', total: expected } satisfies ToChild);
    const t0 = Date.now();
    const pub = await latencies(`${api}/mqtt/publish_batch`, auth, flags.rounds, { method: 'POST', body: batch });
    const done = await received;
    const seconds = (done.lastAt - t0) / 1000;
    console.log(`POST /mqtt/publish_batch (100 msgs) p50 ${fmt(pub.p50)} ms  p99 ${fmt(pub.p99)} ms (${flags.rounds} requests)`);
    console.log(
      `delivered ${done.total} messages to ${flags.subscribers} subscribers in ${fmt(seconds)} s: ${fmt(done.total / seconds)} msg/s delivered, ${fmt((flags.rounds * 100) / seconds)} msg/s published`,
    );
  } finally {
    child.send({ cmd: 'exit' } satisfies ToChild);
    await new Promise((r) => child.once('exit', r));
    await broker.close();
  }
}

const flags = parseFlags(process.argv.slice(2));
if (flags.role === 'clients') void childMain(flags);
else
  parentMain(flags).then(
    () => process.exit(0),
    (e: Error) => {
      console.error(`bench-reference: ${e.message}`);
      process.exit(1);
    },
  );
