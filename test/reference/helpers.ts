// Shared by the reference broker tests: start a broker on free ports, talk to its API over real
// HTTP and to its MQTT listener with real mqtt.js clients.

import { request as httpRequest } from 'node:http';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { startReferenceBroker, type ReferenceBroker, type ReferenceBrokerOptions } from '../../reference/index.ts';

export interface Harness {
  broker: ReferenceBroker;
  /** /api/v4 */
  api: Api;
  /** /api/v3 */
  v3: Api;
  /** /api, the EMQX Cloud base path (the v4 API plus the Cloud-only /auth_user and /emqx_acl) */
  cloud: Api;
  connect(clientId: string, opts?: IClientOptions): Promise<MqttClient>;
  /** Clients made by connect(), ended by close(). */
  clients: MqttClient[];
  close(): Promise<void>;
}

export interface ApiResponse {
  status: number;
  contentType: string;
  text: string;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export class Api {
  constructor(
    readonly base: string,
    private readonly auth: string,
  ) {}

  async request(method: string, path: string, body?: unknown, init?: { auth?: string | null; rawBody?: string; headers?: Record<string, string> }): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...(init?.headers ?? {}) };
    const auth = init?.auth === undefined ? this.auth : init.auth;
    if (auth !== null) headers.authorization = `Basic ${Buffer.from(auth).toString('base64')}`;
    let payload: string | undefined = init?.rawBody;
    if (payload === undefined && body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(this.base + path, { method, headers, body: payload });
    const text = await res.text();
    const contentType = res.headers.get('content-type') ?? '';
    let json: unknown;
    if (contentType.includes('application/json')) json = JSON.parse(text);
    return { status: res.status, contentType, text, headers: res.headers, json };
  }

  get(path: string) {
    return this.request('GET', path);
  }
  post(path: string, body?: unknown) {
    return this.request('POST', path, body);
  }
  put(path: string, body?: unknown) {
    return this.request('PUT', path, body);
  }
  delete(path: string) {
    return this.request('DELETE', path);
  }
}

export async function startHarness(opts: ReferenceBrokerOptions = {}): Promise<Harness> {
  const broker = await startReferenceBroker({ httpPort: 0, mqttPort: 0, ...opts });
  const auth = `${broker.appId}:${broker.appSecret}`;
  const clients: MqttClient[] = [];
  const h: Harness = {
    broker,
    api: new Api(broker.apiUrl('v4'), auth),
    v3: new Api(broker.apiUrl('v3'), auth),
    cloud: new Api(`http://${broker.host.includes(':') ? `[${broker.host}]` : broker.host}:${broker.httpPort}/api`, auth),
    clients,
    connect: (clientId, o) => {
      const c = connectClient(broker, clientId, o);
      return c.then((client) => {
        clients.push(client);
        return client;
      });
    },
    close: async () => {
      await Promise.all(clients.map((c) => c.endAsync(true).catch(() => {})));
      await broker.close();
    },
  };
  return h;
}

export function connectClient(broker: ReferenceBroker, clientId: string, opts: IClientOptions = {}): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(broker.mqttUrl, { clientId, reconnectPeriod: 0, connectTimeout: 5000, protocolVersion: 4, ...opts });
    const onError = (e: Error) => {
      c.end(true);
      reject(e);
    };
    c.once('connect', () => {
      c.off('error', onError);
      c.on('error', () => {});
      resolve(c);
    });
    c.once('error', onError);
  });
}

export interface Received {
  topic: string;
  payload: Buffer;
  qos: number;
  retain: boolean;
}

/** Collects messages on a client; next() waits for the next one (or times out). */
export function inbox(client: MqttClient): { messages: Received[]; next(timeoutMs?: number): Promise<Received>; none(ms?: number): Promise<void> } {
  const messages: Received[] = [];
  let waiters: Array<(m: Received) => void> = [];
  let read = 0;
  client.on('message', (topic, payload, packet) => {
    const m = { topic, payload, qos: packet.qos, retain: packet.retain };
    messages.push(m);
    const w = waiters;
    waiters = [];
    for (const f of w) f(m);
  });
  return {
    messages,
    next(timeoutMs = 3000) {
      if (read < messages.length) return Promise.resolve(messages[read++]!);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('no message arrived')), timeoutMs);
        waiters.push(() => {
          clearTimeout(t);
          resolve(messages[read++]!);
        });
      });
    },
    async none(ms = 300) {
      const before = messages.length;
      await sleep(ms);
      if (messages.length !== before) throw new Error(`unexpected message on ${messages[before]!.topic}`);
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until fn returns a truthy value (the API is updated by broker events, not synchronously). */
export async function eventually<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw last instanceof Error ? last : new Error('condition not met in time');
    await sleep(20);
  }
}

/** Resolves with the granted QoS; a refused subscription resolves with 128 (SUBACK 0x80). */
export function subscribe(client: MqttClient, topic: string, qos: 0 | 1 | 2 = 0): Promise<number> {
  return new Promise((resolve, reject) =>
    client.subscribe(topic, { qos }, (err, granted) => {
      if (err && /Subscribe error/.test(err.message)) return resolve(128);
      if (err) return reject(err);
      resolve(granted?.[0]?.qos ?? -1);
    }),
  );
}

export function publish(client: MqttClient, topic: string, payload: string | Buffer, opts: { qos?: 0 | 1 | 2; retain?: boolean } = {}): Promise<void> {
  return new Promise((resolve, reject) => client.publish(topic, payload, { qos: opts.qos ?? 0, retain: opts.retain ?? false }, (err) => (err ? reject(err) : resolve())));
}

/** One request through node:http (fetch refuses a GET with a body); answers status, headers and text. */
export function rawHttp(url: string, method: string, body: string | undefined, auth = 'admin:public'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers: { authorization: `Basic ${Buffer.from(auth).toString('base64')}`, ...(body !== undefined ? { 'content-length': Buffer.byteLength(body) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
