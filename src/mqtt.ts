// Real MQTT clients (mqtt.js) for the semantic checks: connect with a deadline, and wait
// for messages with one, so a check that waits for a delivery fails instead of hanging.
import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

export interface ReceivedMessage {
  topic: string;
  payload: Buffer;
  qos: number;
  retain: boolean;
}

export interface ConnectOptions {
  clientId: string;
  username?: string;
  password?: string;
  clean?: boolean;
  keepalive?: number;
  protocolVersion?: 3 | 4 | 5;
  timeoutMs?: number;
  /** for mqtts:// and wss://: the CA file to trust, or accept any certificate */
  tls?: { caFile?: string; insecure?: boolean };
}

export class ConnectRefused extends Error {
  override name = 'ConnectRefused';
}

/** A connected client that keeps every message it receives, for later assertions. */
export class TestClient {
  readonly received: ReceivedMessage[] = [];
  private waiters: { match: (m: ReceivedMessage) => boolean; resolve: (m: ReceivedMessage) => void }[] = [];

  constructor(
    readonly client: MqttClient,
    readonly clientId: string,
    readonly username?: string,
  ) {
    client.on('message', (topic, payload, packet) => {
      const m = { topic, payload, qos: packet.qos, retain: packet.retain };
      this.received.push(m);
      this.waiters = this.waiters.filter((w) => (w.match(m) ? (w.resolve(m), false) : true));
    });
  }

  get connected(): boolean {
    return this.client.connected;
  }

  async subscribe(topic: string | string[], qos: 0 | 1 | 2 = 0): Promise<void> {
    const granted = await this.client.subscribeAsync(topic, { qos });
    const refused = granted.filter((g) => g.qos === 128);
    if (refused.length) throw new Error(`subscription refused: ${refused.map((g) => g.topic).join(', ')}`);
  }

  async publish(topic: string, payload: string | Buffer, opts: { qos?: 0 | 1 | 2; retain?: boolean } = {}): Promise<void> {
    await this.client.publishAsync(topic, payload, { qos: opts.qos ?? 0, retain: opts.retain ?? false });
  }

  /** The first message (already received or still to come) that matches, or null after the deadline. */
  waitFor(match: (m: ReceivedMessage) => boolean, timeoutMs = 3000): Promise<ReceivedMessage | null> {
    const had = this.received.find(match);
    if (had) return Promise.resolve(had);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(null);
      }, timeoutMs);
      const waiter = { match, resolve: (m: ReceivedMessage) => (clearTimeout(timer), resolve(m)) };
      this.waiters.push(waiter);
    });
  }

  /** Resolves true when the broker closes the connection within the deadline. */
  waitForClose(timeoutMs = 3000): Promise<boolean> {
    if (!this.client.connected) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.client.once('close', () => (clearTimeout(timer), resolve(true)));
    });
  }

  async end(): Promise<void> {
    await this.client.endAsync(true).catch(() => undefined);
  }
}

/** Connect, or reject with the broker's refusal (ConnectRefused) or a timeout. Never reconnects by itself. */
export function connectClient(url: string, opts: ConnectOptions): Promise<TestClient> {
  const options: IClientOptions = {
    clientId: opts.clientId,
    username: opts.username,
    password: opts.password,
    clean: opts.clean ?? true,
    keepalive: opts.keepalive ?? 60,
    protocolVersion: opts.protocolVersion ?? 4,
    // MQTT 3.1 names its protocol MQIsdp; EMQX refuses level 3 named MQTT (return code 1)
    protocolId: opts.protocolVersion === 3 ? 'MQIsdp' : 'MQTT',
    reconnectPeriod: 0,
    connectTimeout: opts.timeoutMs ?? 5000,
    ...(opts.tls?.caFile ? { ca: readFileSync(opts.tls.caFile) } : {}),
    ...(opts.tls?.insecure ? { rejectUnauthorized: false } : {}),
  };
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(url, options);
    const fail = (e: Error): void => {
      client.end(true);
      reject(e);
    };
    const onError = (e: Error & { code?: number }): void =>
      fail(typeof e.code === 'number' ? new ConnectRefused(`CONNECT refused for ${opts.clientId} (return code ${e.code}: ${e.message})`) : e);
    const onClose = (): void => fail(new ConnectRefused(`the broker closed the connection of ${opts.clientId} before CONNACK`));
    client.once('error', onError);
    client.once('close', onClose);
    client.once('connect', () => {
      client.removeListener('error', onError);
      client.removeListener('close', onClose);
      // later errors (a kick, a refused publish) are the checks' business, not an exception
      client.on('error', () => undefined);
      resolve(new TestClient(client, opts.clientId, opts.username));
    });
  });
}
