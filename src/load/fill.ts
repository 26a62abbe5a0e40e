// Gives the listings something to walk: connected MQTT clients, each with two subscriptions
// (one of its own, one shared by all), so /clients, /subscriptions and /routes have pages.
// Everything is named with the run's prefix and goes away when the clients disconnect.
import { type TestClient, connectClient } from '../mqtt.ts';

export interface Filled {
  clientids: string[];
  close(): Promise<void>;
}

export async function fillBroker(mqttUrl: string, opts: { count: number; prefix: string; username?: string; password?: string; tls?: { caFile?: string; insecure?: boolean } }): Promise<Filled> {
  const clients: TestClient[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(clients.map((c) => c.end()));
  };
  try {
    // a few at a time: a burst of CONNECTs is not what this is for
    for (let i = 0; i < opts.count; i += 20) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(20, opts.count - i) }, (_, k) =>
          connectClient(mqttUrl, { clientId: `${opts.prefix}-fill-${i + k}`, username: opts.username, password: opts.password, tls: opts.tls, timeoutMs: 10_000 }),
        ),
      );
      clients.push(...batch);
      await Promise.all(batch.map((c, k) => c.subscribe([`hx/fill/${opts.prefix}/${i + k}`, `hx/fill/${opts.prefix}/all`])));
    }
  } catch (e) {
    await close();
    throw e;
  }
  return { clientids: clients.map((c) => c.clientId), close };
}
