// A target is held to what its own EMQX release does: the same broker answer passes as
// 4.3.8 and fails as 4.4.19 (a kick of an unknown client: code 112 up to 4.3.8, 0 from 4.3.9).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startReferenceBroker } from '../../reference/index.ts';
import { describe, failures, runCli } from './run-cli.ts';

const broker = await startReferenceBroker({ httpPort: 0, mqttPort: 0, emqxVersion: '4.3.8', appSecret: 'versions-test-secret' });
after(() => broker.close());
const args = ['--profile', 'emqx-v4', '--api-url', broker.apiUrl('v4'), '--mqtt-url', broker.mqttUrl, '--allow-mutations', '--allow-disruptive', '--grep', 'v4.kickout_client.unknown-client'];
const env = { EMQX_APP_SECRET: 'versions-test-secret' };

test('the release read from GET /brokers (4.3.8) decides the expected answer: code 112 passes', async () => {
  const run = await runCli(args, { env });
  assert.equal(run.code, 0, `${run.stderr}\n${describe(failures(run))}`);
  assert.equal(run.report!.run.emqxVersion, '4.3.8');
  const kick = run.report!.findings.find((f) => f.endpoint === 'v4.kickout_client' && f.check === 'negative');
  assert.equal(kick?.verdict, 'pass');
});

test('the same broker declared as 4.4.19 fails the same case, naming the code', async () => {
  const run = await runCli([...args, '--emqx-version', '4.4.19'], { env });
  assert.equal(run.code, 1);
  const kick = failures(run).find((f) => f.endpoint === 'v4.kickout_client' && f.check === 'negative');
  assert.ok(kick, describe(failures(run)));
  assert.equal(kick.pointer, '/code');
  assert.equal(kick.expected, '0');
  assert.equal(kick.actual, '112');
});
