// reference/main.ts as a process: prints where it listens (never the secret), serves, stops on
// SIGTERM; user errors are one line and exit 2.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MAIN = join(ROOT, 'reference', 'main.ts');

function runSync(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30_000 });
}

test('starts, prints its URLs and app id but not the secret, serves, and stops on SIGTERM', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--http-port', '0', '--mqtt-port', '0', '--node', 'emqx@cli-test', '--emqx-version', '4.3.8', '--emqx-v3-version', '3.1.2'], {
    cwd: ROOT,
    env: { ...process.env, REFERENCE_APP_SECRET: 'top-secret-value' },
  });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => (out += d));
  let err = '';
  child.stderr.on('data', (d) => (err += String(d)));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no banner; stdout=${out} stderr=${err}`)), 20_000);
    child.stdout.on('data', () => {
      if (out.includes('app id:')) {
        clearTimeout(t);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`exited early with ${code}: ${err}`)));
  });
  assert.match(out, /mqtt\s+mqtt:\/\/127\.0\.0\.1:\d+/);
  assert.match(out, /api v4\s+http:\/\/127\.0\.0\.1:\d+\/api\/v4/);
  assert.match(out, /api v3\s+http:\/\/127\.0\.0\.1:\d+\/api\/v3/);
  assert.match(out, /app id: admin\s+secret: \(set\)/);
  assert.equal(out.includes('top-secret-value'), false);
  const api = /api v4\s+(\S+)/.exec(out)![1]!;
  const res = await fetch(`${api}/brokers/emqx@cli-test`, { headers: { authorization: `Basic ${Buffer.from('admin:top-secret-value').toString('base64')}` } });
  const body = (await res.json()) as { data: { version: string } };
  assert.equal(body.data.version, '4.3.8');
  const v3 = /api v3\s+(\S+)/.exec(out)![1]!;
  const res3 = await fetch(`${v3}/brokers/`, { headers: { authorization: `Basic ${Buffer.from('admin:top-secret-value').toString('base64')}` } });
  assert.equal(((await res3.json()) as { data: Array<{ version: string }> }).data[0]!.version, 'v3.1.2');
  assert.match(out, /EMQX 4\.3\.8 behaviour on \/api\/v4, 3\.1\.2 on \/api\/v3/);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.match(out, /SIGTERM, stopping/);
});

test('user errors: one line on stderr, exit 2, no stack trace', () => {
  for (const [args, pattern] of [
    [['--http-port', 'eighty'], /--http-port expects a port number/],
    [['--frobnicate'], /unknown option "--frobnicate"/],
    [['--deviate', 'nonsense'], /unknown deviation "nonsense"; valid: drop-field, type-change/],
    [['--emqx-version', '9.9.9'], /unsupported EMQX version/],
    [['--emqx-version', '3.2.0'], /--emqx-v3-version/],
    [['--emqx-v3-version', '4.4.19'], /unsupported EMQX 3\.x version "4\.4\.19"/],
    [['--emqx-v3-version'], /--emqx-v3-version needs a value/],
    [['--vary', 'shuffle'], /unknown variation "shuffle"; valid: order, lag-counters, late-subscribe, extra-fields, echo-defaults/],
    [['--vary'], /--vary needs a value/],
  ] as const) {
    const r = runSync([...args, '--mqtt-port', '0']);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, pattern);
    assert.equal(/\n\s+at /.test(r.stderr), false);
  }
});

test('REFERENCE_EMQX_V3_VERSION sets the 3.x release (checked like the flag)', () => {
  const r = runSync(['--mqtt-port', '0'], { REFERENCE_EMQX_V3_VERSION: '4.0.0' });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr.trim(), /^reference: unsupported EMQX 3\.x version "4\.0\.0"/);
});

test('--help lists the flags, every deviation and every variation', () => {
  const r = runSync(['--help']);
  assert.equal(r.status, 0);
  for (const s of ['--http-port', '--mqtt-port', '--emqx-v3-version', 'REFERENCE_EMQX_V3_VERSION', '--deviate', '--deny-anonymous', 'drop-field', 'json-framework-errors', 'REFERENCE_HTTP_PORT', 'listed-404', 'list-500-after-delete', 'json-as-text', 'batch-first-only', '--vary', 'REFERENCE_VARY', 'lag-counters', 'late-subscribe', 'echo-defaults', 'extra-fields']) assert.ok(r.stdout.includes(s), s);
});

test('--vary (repeatable) and REFERENCE_VARY turn variations on; unknown names in the env are refused too', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--http-port', '0', '--mqtt-port', '0', '--vary', 'order', '--vary=extra-fields'], {
    cwd: ROOT,
    env: { ...process.env, REFERENCE_VARY: 'lag-counters, late-subscribe' },
  });
  let out = '';
  child.stdout.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no banner: ${out}`)), 20_000);
    child.stdout.on('data', (d: string) => {
      out += d;
      if (out.includes('variations:')) {
        clearTimeout(t);
        resolve();
      }
    });
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.match(out, /variations: lag-counters late-subscribe order extra-fields/);
  const r = runSync(['--mqtt-port', '0', '--http-port', '0'], { REFERENCE_VARY: 'order,bogus' });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr.trim(), /^reference: unknown variation "bogus"; valid: /);
});
