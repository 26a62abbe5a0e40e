// Assembling a run's report: the coverage gate fails an endpoint no check touched, latency
// percentiles come from the recorded timings, and the leftover check finds (and removes)
// what a run left on a real broker.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { ApiClient } from '../src/api-client.ts';
import { catalog } from '../src/catalog.ts';
import type { Finding } from '../src/findings.ts';
import { findLeftovers } from '../src/leftovers.ts';
import { coverageGaps, coverageOf, latencyOf } from '../src/run-report.ts';
import { resolveTarget } from '../src/target.ts';
import { nodeTransport } from '../src/transport.ts';
import { startReferenceBroker } from '../reference/index.ts';

const pass = (endpoint: string): Finding => ({ endpoint, check: 'schema', verdict: 'pass', message: 'ok' });

test('the coverage gate fails exactly the endpoints no check touched', () => {
  const all = catalog('v4').map((e) => e.id);
  const findings = all.filter((id) => id !== 'v4.list_routes').map(pass);
  const coverage = coverageOf(['v4'], findings);
  assert.equal(coverage.length, 51);
  const gaps = coverageGaps(coverage);
  assert.deepEqual(gaps.map((g) => [g.endpoint, g.verdict]), [['v4.list_routes', 'fail']]);
  assert.match(gaps[0]!.message, /GET \/routes: no contract test covered this endpoint/);
  assert.deepEqual(coverageGaps(coverageOf(['v4'], all.map(pass))), []);
});

test('latency percentiles per endpoint', () => {
  const timings = Array.from({ length: 100 }, (_, i) => ({ endpoint: 'v4.list_clients', ms: i + 1 }));
  assert.deepEqual(latencyOf(timings), [{ endpoint: 'v4.list_clients', samples: 100, p50Ms: 51, p95Ms: 96, maxMs: 100 }]);
});

test('the leftover check reports what a run left behind, removes it, and ignores what is not the run\'s', async () => {
  const broker = await startReferenceBroker({ httpPort: 0, mqttPort: 0 });
  after(() => broker.close());
  // the Cloud base path serves /auth_user, which /api/v4 (as EMQX 4.4.19) does not
  const api = new ApiClient(resolveTarget({ profile: 'emqx-cloud', apiUrl: broker.apiUrl('v4').replace(/\/v4$/, ''), appId: broker.appId, appSecret: broker.appSecret }), nodeTransport());
  await api.call('v4.add_auth_users', { body: [{ login: 'hxleft-user', password: 'x', is_superuser: false }, { login: 'someone-else', password: 'x', is_superuser: false }] });
  await api.call('v4.create_rule', { body: { rawsql: 'SELECT * FROM "t"', actions: [{ name: 'do_nothing', params: {} }], description: 'hxleft rule' } });
  const found = await findLeftovers(api, 'hxleft');
  assert.deepEqual(found.map((f) => f.endpoint).sort(), ['v4.list_auth_users', 'v4.list_rules']);
  assert.ok(found.every((f) => f.verdict === 'fail' && /removed now/.test(f.message)), found.map((f) => f.message).join('\n'));
  assert.deepEqual(await findLeftovers(api, 'hxleft'), [], 'removed on the first pass');
  const users = (await api.call('v4.list_auth_users')).response.json as { data: { login: string }[] };
  assert.ok(users.data.some((u) => u.login === 'someone-else'), 'what is not the run\'s stays');
});

test('a sweep that cannot read its listing is a finding; an endpoint decided absent is not swept', async () => {
  const broker = await startReferenceBroker({ httpPort: 0, mqttPort: 0, deviations: ['flaky-500:1@/rules'] });
  after(() => broker.close());
  const api = new ApiClient(resolveTarget({ profile: 'emqx-v4', apiUrl: broker.apiUrl('v4'), appId: broker.appId, appSecret: broker.appSecret }), nodeTransport());
  const presence = { 'v4.list_auth_users': { present: false, reason: 'test' }, 'v4.list_acl_rules': { present: false, reason: 'test' } };
  const found = await findLeftovers(api, 'hxnone', presence);
  assert.deepEqual(found.map((f) => [f.endpoint, f.verdict]), [['v4.list_rules', 'fail']]);
  assert.match(found[0]!.message, /could not read v4.list_rules: HTTP 500/);
});
