// Before any test: is the target reachable, does it take the credentials, is this the
// API base, and what are its node and release? One clear line on failure, no test wall.
import { ApiClient } from './api-client.ts';
import { data } from './answers.ts';
import { TargetError } from './errors.ts';
import { normalizeVersion } from './expectations.ts';
import { connectClient } from './mqtt.ts';
import type { Target } from './target.ts';
import { nodeTransport } from './transport.ts';

export class PreflightFailed extends Error {
  override name = 'PreflightFailed';
}

export interface PreflightResult {
  target: Target;
  notes: string[];
}

export async function preflight(target: Target, opts: { mqtt: boolean } = { mqtt: true }): Promise<PreflightResult> {
  const api = new ApiClient(target, nodeTransport(target.tls));
  const notes: string[] = [];
  let call;
  try {
    call = await api.call(`${target.apiVersion}.list_brokers`);
  } catch (e) {
    if (e instanceof TargetError) throw new PreflightFailed(`cannot reach ${target.apiUrl}: ${e.message}`);
    throw e;
  }
  const res = call.response;
  if (res.status === 401 || res.status === 403) {
    throw new PreflightFailed(`${target.apiUrl} refused the credentials of app id "${target.appId}" (HTTP ${res.status}); check EMQX_APP_ID / EMQX_APP_SECRET`);
  }
  if (res.status === 404) {
    throw new PreflightFailed(`${call.label} answered 404: is ${target.apiUrl} the API base? (4.x: …/api/v4, 3.x: …/api/v3, Cloud: …/api)`);
  }
  if (res.status >= 500) notes.push(`GET /brokers answered HTTP ${res.status}; the suites will report it`);
  const first = data<{ node?: unknown; version?: unknown }>(call)[0];
  const node = target.node ?? (typeof first?.node === 'string' ? first.node : undefined);
  if (!node) notes.push('node name unknown (GET /brokers did not say): node-scoped endpoints will be skipped; set EMQX_NODE');
  const emqxVersion = target.emqxVersion ?? normalizeVersion(typeof first?.version === 'string' ? first.version : undefined);
  if (!emqxVersion) notes.push('EMQX release unknown: negative cases whose answer changed between releases will be skipped; set EMQX_VERSION');
  const resolved: Target = { ...target, node, emqxVersion };
  if (opts.mqtt && target.mqttUrl) {
    try {
      const c = await connectClient(target.mqttUrl, { clientId: `hx-preflight-${Date.now().toString(36)}`, username: target.mqttUsername, password: target.mqttPassword, tls: target.tls, timeoutMs: 5000 });
      await c.end();
    } catch (e) {
      throw new PreflightFailed(`cannot connect MQTT at ${target.mqttUrl}: ${(e as Error).message} (set EMQX_MQTT_URL / EMQX_MQTT_USERNAME / EMQX_MQTT_PASSWORD, or --no-mqtt to skip MQTT checks)`);
    }
    // checks that need usernames of their own (lookups by username, filters) run only where
    // the broker lets such a client in; with no configured username, anonymous is how we got in
    resolved.ownUsernames = !target.mqttUsername;
    if (target.mqttUsername) {
      resolved.ownUsernames = await connectClient(target.mqttUrl, { clientId: `hx-preflight-own-${Date.now().toString(36)}`, username: `hx-preflight-own-${Date.now().toString(36)}`, tls: target.tls, timeoutMs: 5000 })
        .then((c) => c.end().then(() => true))
        .catch(() => false);
      if (!resolved.ownUsernames) notes.push('the broker refuses usernames without the configured password: checks that need their own usernames will be skipped');
    }
  }
  return { target: resolved, notes };
}
