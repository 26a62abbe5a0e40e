// The reference broker: a real MQTT broker (aedes) plus the EMQX 3.x and 4.x management APIs on
// one HTTP port, answering from live broker state. Written from the EMQX documents
// (schemas/source/), docs/emqx-behaviour.md, the EMQX source and a real EMQX 4.4.19 (see README);
// it imports nothing from the harness (schemas/, src/).

import { ClientRegistry } from './state/clients.ts';
import { Metrics } from './state/metrics.ts';
import { AccessControl } from './state/access.ts';
import { AdminState } from './state/admin.ts';
import { AlarmStore } from './state/alarms.ts';
import { RuleEngine } from './state/rules.ts';
import { MqttBroker } from './mqtt/broker.ts';
import { HttpServer } from './http/server.ts';
import { Deviations } from './deviations.ts';
import { LAGGING_COUNTER_INTERVAL_MS, LATE_SUBSCRIBE_MS, Variations } from './variations.ts';
import { STATS_INTERVAL_MS, Snapshot } from './state/snapshot.ts';
import { statsV4 } from './api/common.ts';
import { DEFAULT_EMQX_V3_VERSION, DEFAULT_EMQX_VERSION, behaviourOf, parseEmqxVersion, v3BehaviourOf } from './versions.ts';
import { v4Router } from './api/v4/routes.ts';
import { v3PluginOf, v3Router } from './api/v3/routes.ts';
import type { Core } from './core.ts';

export interface ReferenceBrokerOptions {
  /** 0 picks a free port. Default 8081. */
  httpPort?: number;
  /** 0 picks a free port. Default 1883. */
  mqttPort?: number;
  /** Interface both listeners bind to. Default 127.0.0.1. */
  host?: string;
  /** EMQX node name reported by the API. Default emqx@127.0.0.1. */
  node?: string;
  appId?: string;
  appSecret?: string;
  /** The EMQX 4.x release whose behaviour /api/v4 (and /api) reproduces, e.g. "4.3.8". Default 4.4.19. */
  emqxVersion?: string;
  /** The EMQX 3.x release whose behaviour /api/v3 reproduces, e.g. "3.1.2". Default 3.2.0. */
  emqxV3Version?: string;
  /** Deliberate contract breaks, `NAME[:ARG][@/path-prefix]` (see reference/README.md). */
  deviations?: string[];
  /** Benign variations a real broker may show, by name (see reference/variations.ts and the README). */
  variations?: string[];
  /** EMQX's allow_anonymous: admit clients no auth source (auth_user, 3.x auth plugins) knows. Default true. */
  allowAnonymous?: boolean;
}

export interface ReferenceBroker {
  httpPort: number;
  mqttPort: number;
  host: string;
  node: string;
  appId: string;
  appSecret: string;
  /** The 4.x release /api/v4 reports and emulates, e.g. "4.4.19". */
  emqxVersion: string;
  /** The 3.x release /api/v3 reports (as `v3.2.0`) and emulates, e.g. "3.2.0". */
  emqxV3Version: string;
  apiUrl(version: 'v3' | 'v4'): string;
  mqttUrl: string;
  close(): Promise<void>;
}

export const DEFAULTS = {
  httpPort: 8081,
  mqttPort: 1883,
  host: '127.0.0.1',
  node: 'emqx@127.0.0.1',
  appId: 'admin',
  appSecret: 'public',
  emqxVersion: DEFAULT_EMQX_VERSION,
  emqxV3Version: DEFAULT_EMQX_V3_VERSION,
} as const;

export class ReferenceConfigError extends Error {}

/** How long after its answer a REST subscribe lands by default (see core.timing). */
export const DEFAULT_SUBSCRIBE_DELAY_MS = 20;

export async function startReferenceBroker(opts: ReferenceBrokerOptions = {}): Promise<ReferenceBroker> {
  const host = opts.host ?? DEFAULTS.host;
  const node = opts.node ?? DEFAULTS.node;
  const appId = opts.appId ?? DEFAULTS.appId;
  const appSecret = opts.appSecret ?? DEFAULTS.appSecret;
  const version = parseEmqxVersion(opts.emqxVersion ?? DEFAULTS.emqxVersion);
  if (!version || version.major !== 4) {
    const hint = version?.major === 3 ? '; the 3.x release of /api/v3 is set with emqxV3Version / --emqx-v3-version' : '';
    throw new ReferenceConfigError(`unsupported EMQX version "${opts.emqxVersion}" (expected 4.x.y${hint})`);
  }
  const v3Version = parseEmqxVersion(opts.emqxV3Version ?? DEFAULTS.emqxV3Version);
  if (!v3Version || v3Version.major !== 3) throw new ReferenceConfigError(`unsupported EMQX 3.x version "${opts.emqxV3Version}" (expected 3.x.y)`);
  let deviations: Deviations;
  let variations: Variations;
  try {
    deviations = Deviations.parse(opts.deviations);
    variations = Variations.parse(opts.variations);
  } catch (e) {
    throw new ReferenceConfigError((e as Error).message);
  }

  const registry = new ClientRegistry();
  const metrics = new Metrics();
  const access = new AccessControl();
  const admin = new AdminState({ id: appId, secret: appSecret });
  const alarms = new AlarmStore();
  // The rule engine needs the broker to republish and the broker needs the rule engine to run
  // rules on each message; the core object closes that loop.
  const core = { node, host, version, behaviour: behaviourOf(version), v3Version, v3: v3BehaviourOf(v3Version), startedAt: Date.now(), registry, metrics, access, admin, alarms, deviations, variations, http: { port: 0, openConnections: 0 } } as Partial<Core> as Core;
  // emqx_mgmt:do_subscribe/2 only sends the channel a message (`Pid ! {subscribe, …}`) and
  // answers: the subscription exists a moment later
  core.timing = { subscribeDelayMs: variations.has('late-subscribe') ? LATE_SUBSCRIBE_MS : DEFAULT_SUBSCRIBE_DELAY_MS };
  core.rules = new RuleEngine({
    node,
    publish: (m) => void core.mqtt.publish({ topic: m.topic, payload: m.payload, qos: m.qos as 0 | 1 | 2, retain: m.retain, from: '', via: m.via }),
    countMatched: () => metrics.inc('rules.matched'),
    countAction: (ok) => {
      metrics.inc('actions.taken');
      metrics.inc(ok ? 'actions.success' : 'actions.failure');
      if (!ok) metrics.inc('actions.error');
    },
  }, core.behaviour, variations.has('echo-defaults'));
  core.mqtt = await MqttBroker.start({
    host,
    port: opts.mqttPort ?? DEFAULTS.mqttPort,
    node,
    registry,
    metrics,
    access,
    admin,
    alarms,
    rules: () => core.rules,
    allowAnonymous: opts.allowAnonymous ?? true,
    ignoreBan: () => deviations.has('ignore-ban'),
    dropMqttEvery: () => {
      const d = deviations.active('drop-mqtt');
      return d ? Number(d.arg ?? 10) : 0;
    },
  });
  const lag = variations.has('lag-counters') ? LAGGING_COUNTER_INTERVAL_MS : undefined;
  core.views = {
    stats: new Snapshot(() => statsV4(core), lag ?? STATS_INTERVAL_MS),
    metrics: new Snapshot(() => metrics.v4(core.mqtt.retained.size, core.behaviour), lag),
  };
  const http = new HttpServer(core, {
    host,
    port: opts.httpPort ?? DEFAULTS.httpPort,
    appId,
    appSecret,
    routers: { v3: v3Router(core.v3), v4: v4Router(core.behaviour, 'v4'), cloud: v4Router(core.behaviour, 'cloud') },
    pluginOf: (api, name) => (api === 'v3' ? v3PluginOf(name) : undefined),
  });
  try {
    core.http.port = await http.listen();
  } catch (e) {
    core.views.stats.close();
    core.views.metrics.close();
    await core.mqtt.close();
    throw e;
  }

  const mqttPort = core.mqtt.port;
  const httpPort = core.http.port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    httpPort,
    mqttPort,
    host,
    node,
    appId,
    appSecret,
    emqxVersion: version.text,
    emqxV3Version: v3Version.text,
    apiUrl: (v) => `http://${urlHost}:${httpPort}/api/${v}`,
    mqttUrl: `mqtt://${urlHost}:${mqttPort}`,
    close: () => {
      closing ??= (async () => {
        core.views.stats.close();
        core.views.metrics.close();
        await http.close();
        await core.mqtt.close();
      })();
      return closing;
    },
  };
}
