// mqtts:// against a mosquitto TLS listener with a self-signed certificate: trusted with the CA
// file, refused without it (one reason, before any load), accepted with insecure.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TargetError } from '../../src/errors.ts';
import { startSwarm, type SwarmInput } from '../../load/swarm/index.ts';
import { hasMosquitto, type Mosquitto, startMosquitto, testRunId } from './helpers.ts';

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

describe('TLS', { skip: !hasMosquitto ? 'mosquitto is not installed' : !hasOpenssl ? 'openssl is not installed' : false }, () => {
  let m: Mosquitto;
  let dir: string;
  let url: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hx-swarm-tls-'));
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1']);
    assert.equal(made.status, 0, made.stderr?.toString());
    assert.ok(existsSync(join(dir, 'cert.pem')));
    // mosquitto started as root drops to its own user before it reads the key
    chmodSync(dir, 0o755);
    chmodSync(join(dir, 'key.pem'), 0o644);
    m = await startMosquitto([`certfile ${join(dir, 'cert.pem')}`, `keyfile ${join(dir, 'key.pem')}`]);
    url = `mqtts://localhost:${m.port}`;
  });
  after(async () => {
    await m?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (extra: Partial<SwarmInput>): Promise<unknown> =>
    startSwarm({ mqttUrl: url, runId: testRunId('tls'), clients: 3, subscribers: 2, subTopics: ['hx/{run}/#'], publishers: 1, qos: [1], pubRate: 0, messages: 50, workers: 2, drainQuietMs: 300, ...extra }).done;

  test('trusted with --ca-file: every message arrives', async () => {
    const r = (await run({ caFile: join(dir, 'cert.pem') })) as Awaited<ReturnType<typeof startSwarm>['done']>;
    assert.deepEqual(r.swarm.delivery['1'], { published: 50, expected: 100, received: 100, lost: 0, duplicated: 0 });
    assert.equal(r.target, url);
  });

  test('a self-signed certificate without the CA: refused before any load, saying why', async () => {
    await assert.rejects(run({}), (e: unknown) => e instanceof TargetError && /^cannot connect to mqtts:\/\/localhost:\d+ with MQTT 3\.1\.1: (DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)$/.test(e.message));
  });

  test('--insecure accepts it', async () => {
    const r = (await run({ insecure: true, protocol: 5 })) as Awaited<ReturnType<typeof startSwarm>['done']>;
    assert.equal(r.swarm.delivery['1']!.received, 100);
  });
});
