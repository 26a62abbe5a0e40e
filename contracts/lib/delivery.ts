// Proving a message did NOT arrive without sleeping: publish a control message after it
// on the same path; once the control arrives, anything sent before it would have too.
import type { ReceivedMessage, TestClient } from '../../src/mqtt.ts';

export async function arrivedBefore(
  client: TestClient,
  unwanted: (m: ReceivedMessage) => boolean,
  sendControl: () => Promise<unknown>,
  isControl: (m: ReceivedMessage) => boolean,
  timeoutMs = 5000,
): Promise<{ controlSeen: boolean; unwantedSeen: boolean }> {
  await sendControl();
  const control = await client.waitFor(isControl, timeoutMs);
  return { controlSeen: control !== null, unwantedSeen: client.received.some(unwanted) };
}
