// Which real EMQX 4.x the real-broker tests use: EMQX_* when set; otherwise the node the CI
// starts on 127.0.0.1:38081 / :31883 (admin:public) if it answers; otherwise none, and the
// tests skip saying so. The probe waits up to 10 s: a busy node must not turn into a skip.
export const LOCAL_REAL_BROKER = { EMQX_API_URL: 'http://127.0.0.1:38081/api/v4', EMQX_MQTT_URL: 'mqtt://127.0.0.1:31883', EMQX_APP_ID: 'admin', EMQX_APP_SECRET: 'public' };

export const NO_REAL_BROKER = 'no real EMQX 4.x answers: set EMQX_API_URL, EMQX_APP_ID, EMQX_APP_SECRET, EMQX_MQTT_URL to a real EMQX 4.4 (CI starts one on 127.0.0.1:38081)';

export async function realBroker(): Promise<Record<string, string> | undefined> {
  const fromEnv = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => k.startsWith('EMQX_') && v !== undefined)) as Record<string, string>;
  const settings = fromEnv.EMQX_API_URL ? fromEnv : LOCAL_REAL_BROKER;
  try {
    const auth = Buffer.from(`${settings.EMQX_APP_ID ?? 'admin'}:${settings.EMQX_APP_SECRET ?? 'public'}`).toString('base64');
    const res = await fetch(`${settings.EMQX_API_URL}/brokers`, { headers: { authorization: `Basic ${auth}` }, signal: AbortSignal.timeout(10_000) });
    const body = (await res.json()) as { data?: { version?: string }[] };
    return /^4\./.test(body.data?.[0]?.version ?? '') ? settings : undefined;
  } catch {
    return undefined;
  }
}
