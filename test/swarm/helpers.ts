// Brokers for the swarm tests: a Debian mosquitto per test on a free loopback port (when
// installed), the reference broker in-process, and the real EMQX 4.4.19 when it answers.
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
