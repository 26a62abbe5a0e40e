// The MQTT credentials a run uses: the configured ones for every client, and checks that need
// usernames of their own only where the broker lets such clients in.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { ApiClient } from '../src/api-client.ts';
import { preflight } from '../src/preflight.ts';
import { resolveTarget } from '../src/target.ts';
import { nodeTransport } from '../src/transport.ts';
import { startReferenceBroker } from '../reference/index.ts';

const broker = await startReferenceBroker({ httpPort: 0, mqttPort: 0, allowAnonymous: false });
after(() => broker.close());
const settings = { appId: broker.appId, appSecret: broker.appSecret, mqttUrl: broker.mqttUrl };
// a user the broker knows (its Cloud API's auth table, checked at CONNECT)
const cloud = new ApiClient(resolveTarget({ profile: 'emqx-cloud', apiUrl: broker.apiUrl('v4').replace(/\/v4$/, ''), ...settings }), nodeTransport());
await cloud.call('v4.add_auth_users', { body: [{ login: 'hx-configured', password: 'pw-configured', is_superuser: false }] });

test('a broker that refuses anonymous clients: the configured credentials get in, own usernames are marked unavailable', async () => {
  const pf = await preflight(resolveTarget({ profile: 'emqx-v4', apiUrl: broker.apiUrl('v4'), ...settings, mqttUsername: 'hx-configured', mqttPassword: 'pw-configured' }));
  assert.equal(pf.target.ownUsernames, false);
  assert.ok(pf.notes.some((n) => /usernames without the configured password/.test(n)), pf.notes.join('\n'));
});

test('wrong configured MQTT credentials are one clear line naming the settings', async () => {
  await assert.rejects(
    preflight(resolveTarget({ profile: 'emqx-v4', apiUrl: broker.apiUrl('v4'), ...settings, mqttUsername: 'hx-configured', mqttPassword: 'wrong' })),
    (e: Error) => e.name === 'PreflightFailed' && /cannot connect MQTT .*return code .*EMQX_MQTT_PASSWORD/.test(e.message) && !e.message.includes('\n'),
  );
});

test('a broker that lets anyone in: own usernames are available', async () => {
  const open = await startReferenceBroker({ httpPort: 0, mqttPort: 0 });
  after(() => open.close());
  const pf = await preflight(resolveTarget({ profile: 'emqx-v4', apiUrl: open.apiUrl('v4'), appId: open.appId, appSecret: open.appSecret, mqttUrl: open.mqttUrl }));
  assert.equal(pf.target.ownUsernames, true);
});
