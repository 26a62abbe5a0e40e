// Broker-wide counters, kept under the 4.x names (`messages.received`). The 3.x API shows a
// subset of them under its own slashed names (`messages/received`); the mapping is below.
// Packet counters are fed by the socket framers, everything else by broker hooks.

import { PUBLISH } from '../mqtt/framer.ts';

/** Every counter the broker keeps; which of them /metrics shows depends on the release (below). */
export const V4_METRICS = [
  'actions.error',
  'actions.exception',
  'actions.failure',
  'actions.retry',
  'actions.success',
  'actions.taken',
  'bytes.received',
  'bytes.sent',
  'client.acl.allow',
  'client.acl.cache_hit',
  'client.acl.deny',
  'client.auth.anonymous',
  'client.auth.failure',
  'client.auth.success',
  'client.auth.success.anonymous',
  'client.authenticate',
  'client.check_acl',
  'client.connack',
  'client.connect',
  'client.connected',
  'client.disconnected',
  'client.subscribe',
  'client.unsubscribe',
  'delivery.dropped',
  'delivery.dropped.expired',
  'delivery.dropped.no_local',
  'delivery.dropped.qos0_msg',
  'delivery.dropped.queue_full',
  'delivery.dropped.too_large',
  'messages.acked',
  'messages.delayed',
  'messages.delivered',
  'messages.dropped',
  'messages.dropped.await_pubrel_timeout',
  'messages.dropped.expired',
  'messages.dropped.no_subscribers',
  'messages.forward',
  'messages.publish',
  'messages.qos0.received',
  'messages.qos0.sent',
  'messages.qos1.received',
  'messages.qos1.sent',
  'messages.qos2.received',
  'messages.qos2.sent',
  'messages.received',
  'messages.retained',
  'messages.sent',
  'packets.auth.received',
  'packets.auth.sent',
  'packets.connack.auth_error',
  'packets.connack.error',
  'packets.connack.sent',
  'packets.connect.received',
  'packets.disconnect.received',
  'packets.disconnect.sent',
  'packets.pingreq.received',
  'packets.pingresp.sent',
  'packets.puback.inuse',
  'packets.puback.missed',
  'packets.puback.received',
  'packets.puback.sent',
  'packets.pubcomp.inuse',
  'packets.pubcomp.missed',
  'packets.pubcomp.received',
  'packets.pubcomp.sent',
  'packets.publish.auth_error',
  'packets.publish.dropped',
  'packets.publish.error',
  'packets.publish.inuse',
  'packets.publish.received',
  'packets.publish.sent',
  'packets.pubrec.inuse',
  'packets.pubrec.missed',
  'packets.pubrec.received',
  'packets.pubrec.sent',
  'packets.pubrel.missed',
  'packets.pubrel.received',
  'packets.pubrel.sent',
  'packets.received',
  'packets.sent',
  'packets.suback.sent',
  'packets.subscribe.auth_error',
  'packets.subscribe.error',
  'packets.subscribe.received',
  'packets.unsuback.sent',
  'packets.unsubscribe.error',
  'packets.unsubscribe.received',
  'rules.matched',
  'session.created',
  'session.discarded',
  'session.resumed',
  'session.takeovered',
  'session.terminated',
] as const;

export type MetricName = (typeof V4_METRICS)[number];

/** Which counters a 4.x release lists in /metrics (the switches of versions.ts). */
export interface MetricsShape {
  ruleEngineGlobalMetrics: 'none' | 'document' | 'v43';
  aclMetrics: boolean;
  authResultMetrics: boolean;
}

const RULE_METRICS: Record<MetricsShape['ruleEngineGlobalMetrics'], readonly MetricName[]> = {
  none: [],
  document: ['rules.matched', 'actions.success', 'actions.failure'],
  v43: ['rules.matched', 'actions.success', 'actions.error', 'actions.taken', 'actions.exception', 'actions.retry'],
};
const OPTIONAL: readonly MetricName[] = [
  'rules.matched', 'actions.success', 'actions.failure', 'actions.error', 'actions.taken', 'actions.exception', 'actions.retry',
  'client.acl.allow', 'client.acl.deny', 'client.acl.cache_hit', 'messages.dropped.await_pubrel_timeout', 'messages.dropped.expired',
  'client.auth.success', 'client.auth.success.anonymous', 'client.auth.failure', 'client.auth.anonymous',
];

/**
 * The names /metrics lists for a release: src/emqx_metrics.erl of the release, plus the rule
 * engine's global counters where emqx_rule_metrics still registered them. 4.4.19 (observed):
 * no `rules.matched`, `actions.*`, `client.auth.anonymous`, `messages.dropped.expired`; has
 * `client.acl.*`, `client.auth.success*`, `client.auth.failure`,
 * `messages.dropped.await_pubrel_timeout`.
 */
export function v4MetricNames(shape: MetricsShape): MetricName[] {
  const names = new Set<MetricName>(V4_METRICS.filter((n) => !OPTIONAL.includes(n)));
  for (const n of RULE_METRICS[shape.ruleEngineGlobalMetrics]) names.add(n);
  if (shape.aclMetrics) for (const n of ['client.acl.allow', 'client.acl.deny', 'client.acl.cache_hit', 'messages.dropped.await_pubrel_timeout'] as const) names.add(n);
  else names.add('messages.dropped.expired');
  if (shape.authResultMetrics) for (const n of ['client.auth.success', 'client.auth.success.anonymous', 'client.auth.failure'] as const) names.add(n);
  else names.add('client.auth.anonymous');
  return [...names].sort();
}

/** 3.x name → 4.x counter it shows (the 3.x document's example lists exactly these keys). */
const V3_NAMES: ReadonlyArray<readonly [string, MetricName]> = [
  ['bytes/received', 'bytes.received'],
  ['bytes/sent', 'bytes.sent'],
  ['packets/received', 'packets.received'],
  ['packets/sent', 'packets.sent'],
  ['packets/connect', 'packets.connect.received'],
  ['packets/connack', 'packets.connack.sent'],
  ['packets/publish/received', 'packets.publish.received'],
  ['packets/publish/sent', 'packets.publish.sent'],
  ['packets/puback/received', 'packets.puback.received'],
  ['packets/puback/sent', 'packets.puback.sent'],
  ['packets/puback/missed', 'packets.puback.missed'],
  ['packets/pubrec/received', 'packets.pubrec.received'],
  ['packets/pubrec/sent', 'packets.pubrec.sent'],
  ['packets/pubrec/missed', 'packets.pubrec.missed'],
  ['packets/pubrel/received', 'packets.pubrel.received'],
  ['packets/pubrel/sent', 'packets.pubrel.sent'],
  ['packets/pubrel/missed', 'packets.pubrel.missed'],
  ['packets/pubcomp/received', 'packets.pubcomp.received'],
  ['packets/pubcomp/sent', 'packets.pubcomp.sent'],
  ['packets/pubcomp/missed', 'packets.pubcomp.missed'],
  ['packets/subscribe', 'packets.subscribe.received'],
  ['packets/suback', 'packets.suback.sent'],
  ['packets/unsubscribe', 'packets.unsubscribe.received'],
  ['packets/unsuback', 'packets.unsuback.sent'],
  ['packets/pingreq', 'packets.pingreq.received'],
  ['packets/pingresp', 'packets.pingresp.sent'],
  ['packets/disconnect/received', 'packets.disconnect.received'],
  ['packets/disconnect/sent', 'packets.disconnect.sent'],
  ['packets/auth', 'packets.auth.received'],
  ['messages/received', 'messages.received'],
  ['messages/sent', 'messages.sent'],
  ['messages/qos0/received', 'messages.qos0.received'],
  ['messages/qos0/sent', 'messages.qos0.sent'],
  ['messages/qos1/received', 'messages.qos1.received'],
  ['messages/qos1/sent', 'messages.qos1.sent'],
  ['messages/qos2/received', 'messages.qos2.received'],
  ['messages/qos2/sent', 'messages.qos2.sent'],
  ['messages/qos2/expired', 'delivery.dropped.expired'],
  ['messages/qos2/dropped', 'delivery.dropped.queue_full'],
  ['messages/dropped', 'messages.dropped'],
  ['messages/retained', 'messages.retained'],
  ['messages/forward', 'messages.forward'],
  ['messages/expired', 'messages.dropped.expired'],
];

const RECEIVED: Partial<Record<number, MetricName>> = {
  1: 'packets.connect.received',
  3: 'packets.publish.received',
  4: 'packets.puback.received',
  5: 'packets.pubrec.received',
  6: 'packets.pubrel.received',
  7: 'packets.pubcomp.received',
  8: 'packets.subscribe.received',
  10: 'packets.unsubscribe.received',
  12: 'packets.pingreq.received',
  14: 'packets.disconnect.received',
  15: 'packets.auth.received',
};

const SENT: Partial<Record<number, MetricName>> = {
  2: 'packets.connack.sent',
  3: 'packets.publish.sent',
  4: 'packets.puback.sent',
  5: 'packets.pubrec.sent',
  6: 'packets.pubrel.sent',
  7: 'packets.pubcomp.sent',
  9: 'packets.suback.sent',
  11: 'packets.unsuback.sent',
  13: 'packets.pingresp.sent',
  14: 'packets.disconnect.sent',
  15: 'packets.auth.sent',
};

const QOS_RECEIVED: readonly MetricName[] = ['messages.qos0.received', 'messages.qos1.received', 'messages.qos2.received'];
const QOS_SENT: readonly MetricName[] = ['messages.qos0.sent', 'messages.qos1.sent', 'messages.qos2.sent'];

export class Metrics {
  private readonly counters = new Map<MetricName, number>(V4_METRICS.map((n) => [n, 0]));

  inc(name: MetricName, by = 1): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + by);
  }

  get(name: MetricName): number {
    return this.counters.get(name) ?? 0;
  }

  packetReceived(type: number, flags: number): void {
    this.inc('packets.received');
    const name = RECEIVED[type];
    if (name) this.inc(name);
    if (type === PUBLISH) {
      this.inc('messages.received');
      const q = QOS_RECEIVED[(flags >> 1) & 3];
      if (q) this.inc(q);
    } else if (type === 4 || type === 5) {
      this.inc('messages.acked');
    }
  }

  packetSent(type: number, flags: number): void {
    this.inc('packets.sent');
    const name = SENT[type];
    if (name) this.inc(name);
    if (type === PUBLISH) {
      this.inc('messages.sent');
      const q = QOS_SENT[(flags >> 1) & 3];
      if (q) this.inc(q);
    }
  }

  /** `messages.retained` is a gauge in EMQX (retained messages stored), so it is passed in. */
  v4(retained: number, shape: MetricsShape): Record<string, number> {
    const out: Record<string, number> = {};
    for (const k of v4MetricNames(shape)) out[k] = this.get(k);
    out['messages.retained'] = retained;
    return out;
  }

  v3(retained: number): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [v3, v4] of V3_NAMES) out[v3] = v4 === 'messages.retained' ? retained : this.get(v4);
    return out;
  }
}
