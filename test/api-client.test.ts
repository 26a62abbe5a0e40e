// The catalog-driven client over real HTTP on loopback: encoding as EMQX decodes it,
// Basic auth on every request, timing, a curl without the secret, and a clear TargetError
// for a target that is down or hangs.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiClient, encodeQueryValue } from '../src/api-client.ts';
import { TargetError } from '../src/errors.ts';
import { resolveTarget } from '../src/target.ts';
import { nodeTransport } from '../src/transport.ts';

const seen: { url: string; auth?: string; body: string }[] = [];
const server = createServer((req: IncomingMessage, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    seen.push({ url: req.url ?? '', auth: req.headers.authorization, body });
    if (req.url?.startsWith('/api/v4/hang')) return; // never answers
    if (req.url?.startsWith('/api/v4/text')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found.');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 0, data: [] }));
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const port = (server.address() as AddressInfo).port;
after(() => server.close());

const target = resolveTarget({ profile: 'emqx-v4', apiUrl: `http://127.0.0.1:${port}/api/v4`, appId: 'admin', appSecret: 's3cr3t-value', timeoutMs: 300 });
const client = new ApiClient(target, nodeTransport());

test('path parameters are percent-encoded once, query values twice', async () => {
  const call = await client.call('v4.lookup_routes', { params: { topic: 'a/b/#' } });
  assert.equal(seen.at(-1)!.url, '/api/v4/routes/a%2Fb%2F%23');
  assert.equal(call.response.status, 200);
  assert.deepEqual(call.response.json, { code: 0, data: [] });
  await client.call('v4.list_clients', { query: { _like_clientid: 'a+b%c', _page: 1 } });
  assert.equal(seen.at(-1)!.url, '/api/v4/clients?_like_clientid=a%2Bb%2525c&_page=1');
  assert.equal(encodeQueryValue('100%'), '100%2525');
  // node names and ids travel raw: EMQX makes atoms of the undecoded path
  await client.call('v4.get_node', { params: { node: 'emqx@127.0.0.1' } });
  assert.equal(seen.at(-1)!.url, '/api/v4/nodes/emqx@127.0.0.1');
  await client.call('v4.show_rule', { params: { rule_id: 'rule:7fdb2c9e' } });
  assert.equal(seen.at(-1)!.url, '/api/v4/rules/rule:7fdb2c9e');
});

test('credentials go with every request, a wrong secret on demand, none when asked', async () => {
  await client.call('v4.list_brokers');
  assert.equal(seen.at(-1)!.auth, `Basic ${Buffer.from('admin:s3cr3t-value').toString('base64')}`);
  await client.call('v4.list_brokers', { auth: 'wrong' });
  assert.notEqual(seen.at(-1)!.auth, `Basic ${Buffer.from('admin:s3cr3t-value').toString('base64')}`);
  await client.call('v4.list_brokers', { auth: 'none' });
  assert.equal(seen.at(-1)!.auth, undefined);
});

test('the curl reproduces the request without the secret', async () => {
  const call = await client.call('v4.mqtt_publish', { body: { topic: "it's", payload: 'x' } });
  assert.equal(seen.at(-1)!.body, '{"topic":"it\'s","payload":"x"}');
  assert.ok(!call.curl.includes('s3cr3t-value'), call.curl);
  assert.match(call.curl, /-u 'admin:'"\$EMQX_APP_SECRET"/);
  assert.match(call.curl, /-X POST/);
  assert.match(call.curl, /--data-raw '\{"topic":"it'\\''s","payload":"x"\}'/);
  assert.equal(call.label, 'POST /api/v4/mqtt/publish');
  assert.ok(call.response.durationMs >= 0);
});

test('a text/plain answer is kept as text, not parsed', async () => {
  const entry = (await import('../src/catalog.ts')).entryById('v4.list_brokers');
  const call = await client.raw(entry, 'GET', `http://127.0.0.1:${port}/api/v4/text`);
  assert.equal(call.response.status, 404);
  assert.equal(call.response.isJson, false);
  assert.equal(call.response.text, 'Not found.');
});

test('a hung request becomes a TargetError naming it, within the timeout', async () => {
  const entry = (await import('../src/catalog.ts')).entryById('v4.list_brokers');
  await assert.rejects(client.raw(entry, 'GET', `http://127.0.0.1:${port}/api/v4/hang`), (e: unknown) => {
    assert.ok(e instanceof TargetError);
    assert.match(e.message, /no answer within 300 ms/);
    assert.equal(e.lastRequest, `GET http://127.0.0.1:${port}/api/v4/hang`);
    return true;
  });
});

test('an unreachable target is one clear line', async () => {
  const down = new ApiClient(resolveTarget({ profile: 'emqx-v4', apiUrl: 'http://127.0.0.1:1/api/v4' }), nodeTransport());
  await assert.rejects(down.call('v4.list_brokers'), /connection refused/);
});
