// The one decision about whether an endpoint exists: listed routes are present (a 404 there
// is the broker's failure), unlisted ones are absent only when a harmless probe answers
// exactly like a route that cannot exist, and the route list's typed bindings match.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiClient } from '../src/api-client.ts';
import { decidePresence, notImplementedFindings, obeysPresence, routeKey } from '../src/presence.ts';
import { resolveTarget } from '../src/target.ts';
import { nodeTransport } from '../src/transport.ts';
import { startReferenceBroker } from '../reference/index.ts';

test('route keys: {param}, :param and typed :atom:param bindings, with or without slashes, are one key', () => {
  const k = routeKey('GET', '/nodes/{node}/clients');
  assert.equal(routeKey('get', 'nodes/:node/clients/'), k);
  assert.equal(routeKey('GET', '/nodes/:atom:node/clients'), k);
  assert.equal(routeKey('DELETE', '/emqx_acl/{login}/{topic}'), routeKey('DELETE', 'emqx_acl/:bin:login/:bin:topic'));
  assert.notEqual(routeKey('POST', '/nodes/{node}/clients'), k);
});

const broker = await startReferenceBroker({ httpPort: 0, mqttPort: 0, deviations: ['listed-404@/routes', 'missing-endpoint@/resource_types'] });
after(() => broker.close());
const client = (apiUrl: string, profile = 'emqx-v4') => new ApiClient(resolveTarget({ profile, apiUrl, appId: broker.appId, appSecret: broker.appSecret }), nodeTransport());

test('on /api/v4 as EMQX 4.4.19: the Cloud-only routes are absent, a listed route that answers 404 stays present', async () => {
  const p = await decidePresence(client(broker.apiUrl('v4')), { node: broker.node, probeId: 'hxtest-probe' });
  const absent = Object.entries(p).filter(([, d]) => !d.present).map(([id]) => id).sort();
  assert.deepEqual(absent, ['v4.add_acl_rules', 'v4.add_auth_users', 'v4.delete_acl_rule', 'v4.delete_auth_user', 'v4.list_acl_rules', 'v4.list_auth_users', 'v4.list_resource_types', 'v4.show_resource_type', 'v4.update_auth_user']);
  assert.equal(p['v4.list_routes']!.present, true, 'listed, so its 404 will be a failure');
  assert.match(p['v4.list_auth_users']!.reason, /absent from the target's route list, and GET .* answers HTTP 404 exactly like a route that cannot exist/);
  const ni = notImplementedFindings(p, 'v4');
  assert.equal(ni.length, 9);
  assert.ok(ni.every((f) => f.verdict === 'not-implemented' && f.curl?.startsWith('curl ')));
  assert.equal(obeysPresence({ endpoint: 'v4.list_auth_users', check: 'schema', verdict: 'pass', message: 'x' }, p), false, 'no other verdict on an absent endpoint');
  assert.equal(obeysPresence({ endpoint: 'v4.list_routes', check: 'status', verdict: 'fail', message: 'x' }, p), true);
});

test('under the Cloud base path the same routes exist', async () => {
  const p = await decidePresence(client(broker.apiUrl('v4').replace(/\/v4$/, ''), 'emqx-cloud'), { node: broker.node, probeId: 'hxtest-probe' });
  assert.equal(p['v4.list_auth_users']!.present, true);
  assert.equal(p['v4.delete_acl_rule']!.present, true);
});

test('a target without a route list: each endpoint is probed, and only an unknown-route answer means absent', async () => {
  // a broker that serves /brokers only and answers anything else like EMQX's unknown route
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/api/v4/brokers')) res.writeHead(200, { 'content-type': 'application/json' }).end('{"code":0,"data":[]}');
    else res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found.');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  after(() => server.close());
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v4`;
  const p = await decidePresence(client(url), { node: 'emqx@127.0.0.1', probeId: 'hxtest-probe' });
  assert.equal(p['v4.list_brokers']!.present, true);
  assert.equal(p['v4.get_broker']!.present, true);
  assert.equal(p['v4.list_clients']!.present, false);
  assert.match(p['v4.list_clients']!.reason, /lists no routes/);
});
