// What the harness sends and what its reproducing curl sends must be the same bytes, for
// every transport: a malformed body that reached the broker as valid JSON (Playwright
// re-encodes strings that don't parse) made EMQX answer 500 where the curl got 400.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from '@playwright/test';
import { ApiClient, type ApiCall } from '../src/api-client.ts';
import { resolveTarget } from '../src/target.ts';
import { nodeTransport, type Transport } from '../src/transport.ts';
import { playwrightTransport } from '../contracts/lib/playwright-transport.ts';

const received: Buffer[] = [];
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    received.push(Buffer.concat(chunks));
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"code":0}');
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const port = (server.address() as AddressInfo).port;
const ctx = await request.newContext();
after(async () => {
  await ctx.dispose();
  server.close();
});

const target = resolveTarget({ profile: 'emqx-v4', apiUrl: `http://127.0.0.1:${port}/api/v4`, appId: 'admin', appSecret: 'bytes-secret' });
const BODIES = ['{not json', '"{not json"', '123', 'null', '{"topic":"a/b","payload":"é ✓"}', '', '[{"topic":"t"}'];

/** Run the finding's curl as a user would, with the secret from the environment. */
// (asynchronously: the server answering it lives in this process)
async function runCurl(call: ApiCall): Promise<Buffer> {
  await promisify(execFile)('bash', ['-c', call.curl.replace(/^curl /, 'curl -o /dev/null ')], { env: { ...process.env, EMQX_APP_SECRET: 'bytes-secret' } });
  return received.at(-1)!;
}

for (const [name, transport] of [
  ['playwright', playwrightTransport(ctx)],
  ['node', nodeTransport()],
] as [string, Transport][]) {
  test(`${name} transport: the body on the wire is the body of the curl, byte for byte`, async () => {
    const api = new ApiClient(target, transport);
    for (const body of BODIES) {
      const call = await api.call('v4.mqtt_publish', { rawBody: body });
      const sent = received.at(-1)!;
      assert.equal(sent.toString('utf8'), body, `${name} sent ${JSON.stringify(sent.toString('utf8'))} for ${JSON.stringify(body)}`);
      assert.ok((await runCurl(call)).equals(sent), `curl sent other bytes than the harness for ${JSON.stringify(body)}`);
    }
  });
}
