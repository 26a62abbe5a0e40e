// Target resolution: profiles, env, and one clear line for every bad setting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../src/errors.ts';
import { describeTarget, resolveTarget, secretsOf, targetInputFromEnv } from '../src/target.ts';

test('profiles give EMQX defaults; a real target is neither mutated nor disrupted by default', () => {
  const v4 = resolveTarget({ profile: 'emqx-v4' });
  assert.equal(v4.apiUrl, 'http://127.0.0.1:8081/api/v4');
  assert.equal(v4.apiVersion, 'v4');
  assert.equal(v4.allowMutations, false);
  assert.equal(v4.allowDisruptive, false);
  const v3 = resolveTarget({ profile: 'emqx-v3' });
  assert.equal(v3.apiUrl, 'http://127.0.0.1:8080/api/v3');
  assert.equal(v3.apiVersion, 'v3');
});

test('the API version follows the URL unless given', () => {
  assert.equal(resolveTarget({ profile: 'emqx-v4', apiUrl: 'http://h:8080/api/v3/' }).apiVersion, 'v3');
  assert.equal(resolveTarget({ profile: 'emqx-cloud', apiUrl: 'https://x.emqx.cloud:8443/api', appId: 'a', appSecret: 'b' }).apiVersion, 'v4');
});

test('env names map to the target', () => {
  const t = resolveTarget(targetInputFromEnv({ EMQX_PROFILE: 'emqx-v4', EMQX_API_URL: 'http://h:1/api/v4', EMQX_APP_ID: 'id', EMQX_APP_SECRET: 'sec', EMQX_VERSION: 'v4.3.8', EMQX_NODE: 'n@h' }));
  assert.equal(t.appId, 'id');
  assert.equal(t.emqxVersion, '4.3.8');
  assert.equal(t.node, 'n@h');
  assert.deepEqual(secretsOf(t), ['sec']);
  assert.ok(!describeTarget(t).includes('sec'));
});

test('bad settings are one-line usage errors', () => {
  const bad: [Parameters<typeof resolveTarget>[0], RegExp][] = [
    [{ profile: 'nope' }, /unknown profile "nope"/],
    [{ profile: 'emqx-cloud' }, /needs the API URL/],
    [{ profile: 'emqx-cloud', apiUrl: 'https://x/api' }, /AppID and AppSecret/],
    [{ apiUrl: 'not a url' }, /not a URL/],
    [{ apiUrl: 'ftp://h/api/v4' }, /must be http/],
    [{ apiUrl: 'http://u:p@h/api/v4' }, /not in the URL/],
    [{ apiVersion: 'v5' }, /v3 or v4/],
    [{ emqxVersion: 'banana' }, /EMQX_VERSION/],
    [{ caFile: '/nonexistent/ca.pem' }, /CA file not found/],
    [{ mqttUrl: 'http://h' }, /EMQX_MQTT_URL/],
  ];
  for (const [input, re] of bad) {
    assert.throws(() => resolveTarget(input), (e: unknown) => e instanceof UsageError && re.test(e.message) && !e.message.includes('\n'), JSON.stringify(input));
  }
});
