// Brokers for the swarm tests: a Debian mosquitto per test on a free loopback port (when
// installed), the reference broker in-process, and the real EMQX 4.4.19 when it answers.
import type { SwarmInput } from '../../load/swarm/index.ts';
import { portAnswers } from '../../scripts/lib/mosquitto.ts';

export { MOSQUITTO, type Mosquitto, freePort, hasMosquitto, portAnswers, startMosquitto } from '../../scripts/lib/mosquitto.ts';

/** The real EMQX the tests may use: EMQX_MQTT_URL when set, else 127.0.0.1:31883 when it answers. */
export async function realEmqx(): Promise<string | undefined> {
  const url = process.env.EMQX_MQTT_URL ?? 'mqtt://127.0.0.1:31883';
  const u = new URL(url);
  return (await portAnswers(u.hostname, Number(u.port || 1883))) ? url : undefined;
}

/** A run id no other test run shares (topics, client ids). */
export function testRunId(tag: string): string {
  return `t${tag}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

// The delivery-exactness setup the mosquitto, reference and EMQX tests share.
export const SUBSCRIBERS = 8;
export const PUBLISHERS = 6; // QoS 0, 1, 2, 0, 1, 2
export const MESSAGES = 150;

/**
 * 8 subscribers, each with two overlapping wildcards matching every publish, two $share groups
 * matching every publish (g2's filter is also one of the plain ones), one filter matching nothing.
 */
export function overlapping(mqttUrl: string, tag: string, extra: Partial<SwarmInput> = {}): SwarmInput {
  return {
    mqttUrl,
    runId: testRunId(tag),
    clients: SUBSCRIBERS + PUBLISHERS,
    connectRate: 0,
    subscribers: SUBSCRIBERS,
    subTopics: ['hx/{run}/#', 'hx/{run}/+/x', '$share/g/hx/{run}/+/+', '$share/g2/hx/{run}/#', 'hx/{run}/none/{i}'],
    publishers: PUBLISHERS,
    pubTopic: 'hx/{run}/{i}/x',
    qos: [0, 1, 2],
    pubRate: 500,
    messages: MESSAGES,
    payloadSize: 64,
    workers: 2,
    drainQuietMs: 500,
    ...extra,
  };
}
