// The swarm's options: one plain object (SwarmOptions) that the CLI, the programmatic API and
// the workers share, its defaults and validation, and the pure helpers everything else leans
// on: placeholder expansion, durations, shards, rate arithmetic and the role layout.
//
// Roles by client index (local to a shard, 0 … clients-1): subscribers are the FIRST
// `subscribers` clients, publishers the LAST `publishers` clients. With clients = subscribers +
// publishers the roles are disjoint; with fewer clients some clients do both; clients in neither
// role only connect and hold their connection.
import { UsageError } from '../../src/errors.ts';

export type Qos = 0 | 1 | 2;

/**
 * How a broker counts copies when one client holds several subscriptions matching a topic
 * (observed, see the table in topics.ts):
 * - `per-subscription`: one copy per matching subscription, each `$share` group its own copy
 *   (mosquitto 2.0 with MQTT 5);
 * - `per-filter`: a client's subscriptions are keyed by their real filter (`$share/g/f` is `f`):
 *   the first subscription of a filter counts, later ones with the same filter change nothing;
 *   then one copy per matching subscription (EMQX 4.4, MQTT 3.1.1 and 5);
 * - `per-client`: one copy per client for all its matching non-shared subscriptions, plus one per
 *   matching `$share` group (aedes, so the reference broker);
 * - `per-client-all`: one copy per client whatever matched, shared or not (mosquitto 2.0 with
 *   MQTT 3.1.1);
 * - `auto`: measured at the start with one probe client when some client has two or more
 *   subscriptions (models only differ then), `per-subscription` otherwise.
 */
export type OverlapModel = 'per-subscription' | 'per-filter' | 'per-client' | 'per-client-all';

export const OVERLAP_MODELS: readonly OverlapModel[] = ['per-subscription', 'per-filter', 'per-client', 'per-client-all'];

export interface SwarmOptions {
  /** mqtt://host:port or mqtts://host:port (tcp://, ssl://, tls:// accepted) */
  mqttUrl: string;
  /** the run id: stamped into every payload; `{run}` in patterns */
  runId: string;
  /** clients of this shard */
  clients: number;
  /** new connections per second over the whole shard; 0 = as fast as `maxConnecting` allows */
  connectRate: number;
  /** connection attempts in progress at once over the whole shard (TCP + CONNECT, before CONNACK) */
  maxConnecting: number;
  clientIdPattern: string;
  /** a username per client (placeholders allowed); otherwise `username` for all */
  usernamePattern?: string;
  /** EMQX_MQTT_USERNAME: env only in the CLI */
  username?: string;
  /** EMQX_MQTT_PASSWORD: env only, never a flag */
  password?: string;
  protocol: 4 | 5;
  /** clean session (3.1.1) / clean start (5); false = persistent sessions */
  clean: boolean;
  /** MQTT 5 persistent sessions: Session Expiry Interval in seconds */
  sessionExpiry: number;
  /**
   * Leave persistent sessions on the broker at the end. Otherwise they are ended: MQTT 5 with
   * Session Expiry 0 in DISCONNECT, MQTT 3.1.1 with one more connect per client, clean session.
   */
  keepSessions?: boolean;
  keepalive: number;
  caFile?: string;
  insecure: boolean;
  connectTimeoutMs: number;

  subscribers: number;
  /** filter patterns each subscriber subscribes to (one SUBSCRIBE with all of them) */
  subTopics: string[];
  subQos: Qos;

  publishers: number;
  pubTopic: string;
  /** publisher j publishes at qos[j % qos.length] */
  qos: Qos[];
  /** messages per second per publisher; 0 = as fast as the socket and the in-flight window allow */
  pubRate: number;
  /** messages per publisher; undefined = until `durationMs` */
  messages?: number;
  payloadSize: number;
  /** QoS 1/2 messages a publisher may have unacknowledged (MQTT 5: at most the broker's Receive Maximum) */
  inflight: number;

  /** how long publishers publish (or, without publishers, how long connections are held) */
  durationMs: number;
  /** after publishing: the longest wait for in-flight messages */
  drainTimeoutMs: number;
  /** the drain also ends when nothing arrived for this long and nothing is in flight */
  drainQuietMs: number;

  shard: { index: number; count: number };
  /** worker processes the clients are spread over */
  workers: number;
  overlap: OverlapModel | 'auto';
  /** count messages stamped with this run id and a source starting with this prefix as REST→MQTT (k6: `k6-`) */
  restSource?: string;
}

export const DEFAULTS = {
  clients: 1,
  connectRate: 1000,
  maxConnecting: 64,
  clientIdPattern: 'hx-{run}-{i}',
  protocol: 4 as const,
  clean: true,
  sessionExpiry: 300,
  keepalive: 60,
  connectTimeoutMs: 10_000,
  subTopics: ['hx/{run}/#'],
  subQos: 2 as Qos,
  pubTopic: 'hx/{run}/{i}',
  qos: [0] as Qos[],
  pubRate: 1,
  payloadSize: 64,
  inflight: 64,
  durationMs: 60_000,
  drainTimeoutMs: 10_000,
  drainQuietMs: 1_000,
  overlap: 'auto' as const,
};

/** Placeholders each pattern may use. */
const PLACEHOLDERS: Record<string, readonly string[]> = {
  'client id': ['i', 'run'],
  username: ['i', 'run'],
  'subscription topic': ['i', 'run'],
  'publish topic': ['i', 'run', 'seq'],
};

export function checkPattern(kind: keyof typeof PLACEHOLDERS & string, pattern: string): void {
  const allowed = PLACEHOLDERS[kind]!;
  for (const m of pattern.matchAll(/\{([^}]*)\}/g)) {
    if (!allowed.includes(m[1]!)) throw new UsageError(`${kind} pattern "${pattern}": unknown placeholder {${m[1]}} (allowed: ${allowed.map((p) => `{${p}}`).join(', ')})`);
  }
}

/** `{i}`, `{run}` and `{seq}` replaced; other text kept as is. */
export function expandPattern(pattern: string, v: { i: number; run: string; seq?: number }): string {
  if (!pattern.includes('{')) return pattern;
  return pattern.replace(/\{(i|run|seq)\}/g, (_, k: string) => (k === 'i' ? String(v.i) : k === 'run' ? v.run : String(v.seq ?? 0)));
}

/** `30s`, `5m`, `1h`, `250ms`, or a plain number of seconds. */
export function parseDuration(raw: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(raw.trim());
  if (!m) throw new UsageError(`${flag} must be a duration like 30s, 5m, 1h or 500ms, got "${raw}"`);
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  const ms = unit === 'ms' ? n : unit === 's' ? n * 1000 : unit === 'm' ? n * 60_000 : n * 3_600_000;
  return Math.round(ms);
}

/** `I/N` (I from 0) or `auto/N` with I from JOB_COMPLETION_INDEX (Kubernetes Indexed Jobs). */
export function parseShard(raw: string, env: NodeJS.ProcessEnv = process.env): { index: number; count: number } {
  const m = /^(auto|\d+)\/(\d+)$/.exec(raw.trim());
  if (!m) throw new UsageError(`--shard must be I/N or auto/N (e.g. 0/4), got "${raw}"`);
  const count = Number(m[2]);
  let index: number;
  if (m[1] === 'auto') {
    const fromEnv = env.JOB_COMPLETION_INDEX;
    if (fromEnv === undefined || !/^\d+$/.test(fromEnv)) throw new UsageError('--shard auto/N needs JOB_COMPLETION_INDEX (set by Kubernetes Indexed Jobs) to be a whole number');
    index = Number(fromEnv);
  } else index = Number(m[1]);
  if (count < 1 || index >= count) throw new UsageError(`--shard ${raw}: the index must be from 0 to N-1 and N at least 1`);
  return { index, count };
}

/** `0`, `1`, `2` or a comma list (`0,1,2`: publishers take them in turn). */
export function parseQosList(raw: string, flag = '--qos'): Qos[] {
  const parts = raw.split(',').map((s) => s.trim());
  if (parts.length === 0 || parts.some((p) => !/^[012]$/.test(p))) throw new UsageError(`${flag} must be 0, 1, 2 or a comma list of them, got "${raw}"`);
  return parts.map((p) => Number(p) as Qos);
}

/** How many events are due `elapsedMs` after the start at `rate` per second (0 = unlimited: Infinity). */
export function dueCount(rate: number, elapsedMs: number): number {
  if (rate <= 0) return Infinity;
  if (elapsedMs <= 0) return 0;
  return Math.floor((rate * elapsedMs) / 1000 + 1e-9);
}

/** Each publisher's rate from a total rate (messages per second over all publishers of the shard). */
export function perPublisherRate(totalRate: number, publishers: number): number {
  return publishers > 0 ? totalRate / publishers : 0;
}

/** A worker's share of a shard-wide rate or limit, in proportion to the clients it hosts. */
export function shareOf(total: number, part: number, whole: number): number {
  return whole > 0 ? (total * part) / whole : 0;
}

/** The global client index (`{i}`) of a shard-local index. */
export function globalIndex(o: Pick<SwarmOptions, 'shard' | 'clients'>, local: number): number {
  return o.shard.index * o.clients + local;
}

export function isSubscriber(o: Pick<SwarmOptions, 'subscribers'>, local: number): boolean {
  return local < o.subscribers;
}

export function isPublisher(o: Pick<SwarmOptions, 'publishers' | 'clients'>, local: number): boolean {
  return local >= o.clients - o.publishers;
}

/** Publisher ordinal j (0 … publishers-1) of a publishing client, by its local index. */
export function publisherOrdinal(o: Pick<SwarmOptions, 'publishers' | 'clients'>, local: number): number {
  return local - (o.clients - o.publishers);
}

/** The worker that hosts a shard-local client index: clients are dealt out round-robin. */
export function workerOf(local: number, workers: number): number {
  return local % workers;
}

export interface ParsedUrl {
  tls: boolean;
  host: string;
  port: number;
  /** the URL without credentials, for reports */
  display: string;
}

export function parseMqttUrl(raw: string): ParsedUrl {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new UsageError(`--mqtt-url is not a URL: "${raw}" (expected mqtt://host:1883 or mqtts://host:8883)`);
  }
  const scheme = u.protocol.replace(/:$/, '');
  const tls = scheme === 'mqtts' || scheme === 'ssl' || scheme === 'tls';
  if (!tls && scheme !== 'mqtt' && scheme !== 'tcp') throw new UsageError(`--mqtt-url must start with mqtt:// or mqtts://, got "${scheme}://"`);
  if (u.username || u.password) throw new UsageError('--mqtt-url must not carry credentials; set EMQX_MQTT_USERNAME and EMQX_MQTT_PASSWORD');
  if (!u.hostname) throw new UsageError(`--mqtt-url has no host: "${raw}"`);
  const port = u.port ? Number(u.port) : tls ? 8883 : 1883;
  const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
  return { tls, host, port, display: `${tls ? 'mqtts' : 'mqtt'}://${u.host || `${u.hostname}:${port}`}` };
}

const int = (v: number, name: string, min: number, max = Number.MAX_SAFE_INTEGER): void => {
  if (!Number.isInteger(v) || v < min || v > max) throw new UsageError(`${name} must be a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}, got ${v}`);
};

/** Check a complete options object; throws UsageError with one line naming the flag. */
export function validateOptions(o: SwarmOptions): SwarmOptions {
  parseMqttUrl(o.mqttUrl);
  if (!o.runId || /[|\s/+#]/.test(o.runId)) throw new UsageError(`--run-id must be non-empty without "|", "/", "+", "#" or spaces, got "${o.runId}"`);
  int(o.clients, '--clients', 1, 10_000_000);
  if (!(o.connectRate >= 0) || !Number.isFinite(o.connectRate)) throw new UsageError(`--connect-rate must be 0 (unlimited) or a positive number, got ${o.connectRate}`);
  int(o.maxConnecting, '--max-connecting', 1, 100_000);
  int(o.keepalive, '--keepalive', 0, 65535);
  int(o.sessionExpiry, '--session-expiry', 0, 0xffffffff);
  int(o.connectTimeoutMs, '--connect-timeout', 1);
  if (o.protocol !== 4 && o.protocol !== 5) throw new UsageError(`--protocol must be 4 (MQTT 3.1.1) or 5 (MQTT 5), got ${String(o.protocol)}`);
  int(o.subscribers, '--subscribers', 0, o.clients);
  int(o.publishers, '--publishers', 0, o.clients);
  if (o.subscribers > 0 && o.subTopics.length === 0) throw new UsageError('--subscribers needs at least one --sub-topic');
  if (o.qos.length === 0 || o.qos.some((q) => q !== 0 && q !== 1 && q !== 2)) throw new UsageError('--qos must be 0, 1, 2 or a comma list of them');
  if (![0, 1, 2].includes(o.subQos)) throw new UsageError('--sub-qos must be 0, 1 or 2');
  if (!(o.pubRate >= 0) || !Number.isFinite(o.pubRate)) throw new UsageError(`--pub-rate must be 0 (as fast as possible) or a positive number, got ${o.pubRate}`);
  if (o.messages !== undefined) int(o.messages, '--messages', 0);
  int(o.payloadSize, '--payload-size', 0, 256 * 1024 * 1024);
  int(o.inflight, '--inflight', 1, 65535);
  int(o.durationMs, '--duration', 1);
  int(o.drainTimeoutMs, '--drain-timeout', 0);
  int(o.drainQuietMs, '--drain-quiet', 1);
  int(o.workers, '--workers', 1, 64);
  int(o.shard.count, '--shard N', 1);
  int(o.shard.index, '--shard I', 0, o.shard.count - 1);
  if (o.overlap !== 'auto' && !OVERLAP_MODELS.includes(o.overlap)) throw new UsageError(`--overlap must be auto, ${OVERLAP_MODELS.join(', ')}, got "${o.overlap}"`);
  checkPattern('client id', o.clientIdPattern);
  if (o.clients * o.shard.count > 1 && !o.clientIdPattern.includes('{i}')) throw new UsageError('--client-id must contain {i} when there is more than one client (client ids must differ)');
  if (o.usernamePattern !== undefined) checkPattern('username', o.usernamePattern);
  for (const t of o.subTopics) {
    checkPattern('subscription topic', t);
    const problem = filterProblem(expandPattern(t, { i: 0, run: o.runId }));
    if (problem) throw new UsageError(`--sub-topic "${t}": ${problem}`);
  }
  checkPattern('publish topic', o.pubTopic);
  const sample = expandPattern(o.pubTopic, { i: 0, run: o.runId, seq: 0 });
  if (!sample || /[+#]/.test(sample) || sample.startsWith('$share/')) throw new UsageError(`--pub-topic "${o.pubTopic}" must be a topic name (no + or #)`);
  if (o.restSource !== undefined && (!o.restSource || o.restSource.includes('|'))) throw new UsageError('the REST source prefix must be non-empty and without "|"');
  return o;
}

/** Why a filter is not a valid MQTT topic filter (wildcards only as whole levels, # last), or undefined. */
export function filterProblem(f: string): string | undefined {
  if (!f) return 'an empty filter';
  let filter = f;
  if (f.startsWith('$share/')) {
    const rest = f.slice('$share/'.length);
    const slash = rest.indexOf('/');
    if (slash <= 0 || slash === rest.length - 1) return '$share/ needs a group and a filter: $share/<group>/<filter>';
    if (/[+#]/.test(rest.slice(0, slash))) return 'a $share group name cannot contain + or #';
    filter = rest.slice(slash + 1);
  }
  const words = filter.split('/');
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w.includes('#') && (w !== '#' || i !== words.length - 1)) return '# must be a whole level and the last one';
    if (w.includes('+') && w !== '+') return '+ must be a whole level';
  }
  return undefined;
}

/** Complete a partial options object with the defaults (the API's entry point), then validate. */
export function withDefaults(p: Partial<SwarmOptions> & Pick<SwarmOptions, 'mqttUrl' | 'runId'>, cores: number): SwarmOptions {
  const clients = p.clients ?? DEFAULTS.clients;
  const o: SwarmOptions = {
    mqttUrl: p.mqttUrl,
    runId: p.runId,
    clients,
    connectRate: p.connectRate ?? DEFAULTS.connectRate,
    maxConnecting: p.maxConnecting ?? DEFAULTS.maxConnecting,
    clientIdPattern: p.clientIdPattern ?? DEFAULTS.clientIdPattern,
    usernamePattern: p.usernamePattern,
    username: p.username,
    password: p.password,
    protocol: p.protocol ?? DEFAULTS.protocol,
    clean: p.clean ?? DEFAULTS.clean,
    sessionExpiry: p.sessionExpiry ?? DEFAULTS.sessionExpiry,
    keepSessions: p.keepSessions ?? false,
    keepalive: p.keepalive ?? DEFAULTS.keepalive,
    caFile: p.caFile,
    insecure: p.insecure ?? false,
    connectTimeoutMs: p.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
    subscribers: p.subscribers ?? 0,
    subTopics: p.subTopics ?? DEFAULTS.subTopics,
    subQos: p.subQos ?? DEFAULTS.subQos,
    publishers: p.publishers ?? 0,
    pubTopic: p.pubTopic ?? DEFAULTS.pubTopic,
    qos: p.qos ?? DEFAULTS.qos,
    pubRate: p.pubRate ?? DEFAULTS.pubRate,
    messages: p.messages,
    payloadSize: p.payloadSize ?? DEFAULTS.payloadSize,
    inflight: p.inflight ?? DEFAULTS.inflight,
    durationMs: p.durationMs ?? DEFAULTS.durationMs,
    drainTimeoutMs: p.drainTimeoutMs ?? DEFAULTS.drainTimeoutMs,
    drainQuietMs: p.drainQuietMs ?? DEFAULTS.drainQuietMs,
    shard: p.shard ?? { index: 0, count: 1 },
    workers: p.workers ?? Math.max(1, Math.min(cores, clients)),
    overlap: p.overlap ?? DEFAULTS.overlap,
    restSource: p.restSource,
  };
  return validateOptions(o);
}
