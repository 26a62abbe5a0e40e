// Proving a message did NOT arrive without sleeping: publish a control message after it
// on the same path; once the control arrives, anything sent before it would have too.
import type { TestClient } from '../../src/mqtt.ts';

export async function arrivedBefore(
  client: TestClient,
  topic: string,
  sendControl: () => Promise<unknown>,
  controlTopic: string,
  timeoutMs = 5000,
): Promise<{ controlSeen: boolean; unwantedSeen: boolean }> {
  await sendControl();
  const control = await client.waitFor((m) => m.topic === controlTopic, timeoutMs);
  return { controlSeen: control !== null, unwantedSeen: client.received.some((m) => m.topic === topic) };
}
