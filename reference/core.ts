// Everything one running reference broker holds, handed to every API handler.

import type { ClientRegistry } from './state/clients.ts';
import type { Metrics } from './state/metrics.ts';
import type { AccessControl } from './state/access.ts';
import type { AdminState } from './state/admin.ts';
import type { AlarmStore } from './state/alarms.ts';
import type { RuleEngine } from './state/rules.ts';
import type { MqttBroker } from './mqtt/broker.ts';
import type { Deviations, ActiveDeviations } from './deviations.ts';
import type { EmqxVersion, V3Behaviour, VersionBehaviour } from './versions.ts';
import type { Query } from './http/query.ts';
import type { Variations } from './variations.ts';
import type { Snapshot } from './state/snapshot.ts';

export interface HttpInfo {
  port: number;
  openConnections: number;
}

export interface Core {
  node: string;
  host: string;
  /** The 4.x release /api/v4 (and /api) emulates, and its behaviour switches. */
  version: EmqxVersion;
  behaviour: VersionBehaviour;
  /** The 3.x release /api/v3 emulates, and its behaviour switches. */
  v3Version: EmqxVersion;
  v3: V3Behaviour;
  startedAt: number;
  registry: ClientRegistry;
  metrics: Metrics;
  access: AccessControl;
  admin: AdminState;
  alarms: AlarmStore;
  rules: RuleEngine;
  mqtt: MqttBroker;
  http: HttpInfo;
  deviations: Deviations;
  variations: Variations;
  /** /stats and /metrics as the API reads them (live, or refreshed on a timer). */
  views: { stats: Snapshot<Record<string, number>>; metrics: Snapshot<Record<string, number>> };
  timing: {
    /** How long after the answer a REST subscribe/unsubscribe takes effect (the channel gets a message). */
    subscribeDelayMs: number;
  };
}

export type ApiVersion = 'v3' | 'v4';

export interface Ctx {
  core: Core;
  api: ApiVersion;
  method: string;
  /** Path relative to the version base, e.g. `/clients/abc` (raw, not decoded). */
  relPath: string;
  params: Record<string, string>;
  query: Query;
  /** The parsed JSON body; undefined when there was none. */
  body: unknown;
  dev: ActiveDeviations;
}
