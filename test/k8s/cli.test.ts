// `emqx-harness k8s` as a user meets it: help, one-line errors, the YAML on stdout or in a
// folder, the example Dockerfile, and secrets in the environment that never reach any output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { runK8s } from '../../scripts/k8s.ts';
import { UsageError } from '../../src/errors.ts';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const TSX = join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'cli.mjs');
const STAND_IN = here('./fixtures/stand-in.ts');
const APP_SECRET = 'k8s-cli-app-s3cret-5e1f';
const MQTT_PASSWORD = 'k8s-cli-mqtt-s3cret-c0de';

const BASE = ['--scenario', 'publish-batch', '--scenario-file', STAND_IN, '--profile', 'smoke', '--parallelism', '2', '--swarm-pods', '3', '--clients-per-pod', '100', '--api-url', 'http://emqx.emqx.svc:8081/api/v4', '--mqtt-url', 'mqtt://emqx.emqx.svc:1883', '--run-id', 'cli-test'];

function cli(args: string[], env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [TSX, here('./fixtures/cli-main.ts'), ...args], {
    encoding: 'utf8',
    // the caller's EMQX_* / HX_* settings stay out unless a test gives them
    env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(EMQX_|HX_)/.test(k))), ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function captured(fn: () => Promise<number>): Promise<{ code: number; out: string }> {
  const log = console.log;
  let out = '';
  console.log = (...a: unknown[]) => void (out += `${a.join(' ')}\n`);
  try {
    return { code: await fn(), out };
  } finally {
    console.log = log;
  }
}

test('--help returns 0 and lists every option', async () => {
  const { code, out } = await captured(() => runK8s(['--help']));
  assert.equal(code, 0);
  const src = readFileSync(here('../../scripts/k8s.ts'), 'utf8');
  const declared = [...src.slice(src.indexOf("parseCommandArgs('k8s'")).matchAll(/^\s+'?([a-z][a-z0-9-]*)'?: \{ type: '(?:string|boolean)'/gm)].map((m) => m[1]!);
  assert.ok(declared.length > 20, `found ${declared.length} declared options`);
  for (const o of declared) assert.match(out, new RegExp(`--${o}\\b`), `--help does not mention --${o}`);
  for (const env of ['EMQX_API_URL', 'EMQX_MQTT_URL', 'HX_OPTIONS', 'app-secret', 'mqtt-password']) assert.ok(out.includes(env), env);
});

test('a bad flag is a UsageError of one line', async () => {
  for (const args of [['--nope'], ['--parallelism'], ['stray'], [...BASE, '--parallelism', '0'], [...BASE, '--swarm-args', '--password hunter2']]) {
    await assert.rejects(runK8s(args), (e: Error) => e instanceof UsageError && !e.message.includes('\n') && e.message.length > 0, args.join(' '));
  }
  await assert.rejects(runK8s(['--nope']), /Unknown option '--nope' \(see emqx-harness k8s --help\)/);
  // as a process: exit 2, one line on stderr, nothing on stdout
  const r = cli([...BASE, '--api-url', 'http://localhost:8081/api/v4']);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /^emqx-harness: --api-url points at localhost/);
});

test('stdout gets the YAML and stderr the notes; no secret from the env reaches either', () => {
  const r = cli([...BASE, '--swarm-args', '--subscribers 50 --sub-topic hx/#', '--mqtt-username', 'swarm'], { EMQX_APP_SECRET: APP_SECRET, EMQX_MQTT_PASSWORD: MQTT_PASSWORD, EMQX_APP_ID: 'loadtester' });
  assert.equal(r.code, 0, r.stderr);
  for (const s of [APP_SECRET, MQTT_PASSWORD]) assert.ok(!r.stdout.includes(s) && !r.stderr.includes(s), 'a secret reached the output');
  const docs = parseAllDocuments(r.stdout) as unknown as { toJS(): { kind: string } }[];
  assert.deepEqual(docs.map((d) => d.toJS().kind), ['ConfigMap', 'TestRun', 'Job']);
  // EMQX_APP_ID is a setting, not a secret: it is used
  assert.match(r.stdout, /name: EMQX_APP_ID\n\s+value: loadtester/);
  assert.match(r.stderr, /note: the swarm image ghcr\.io\/OWNER\/emqx-api-harness:latest is a placeholder/);
  assert.match(r.stdout, /- --sub-topic\n\s+- hx\/#/);
});

test('--out DIR writes the YAML and a Secret example kubectl apply -f DIR leaves alone', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hx-k8s-out-'));
  const r = cli([...BASE, '--out', dir, '--image', 'registry.example/hx:2', '--namespace', 'load'], { EMQX_APP_SECRET: APP_SECRET, EMQX_MQTT_PASSWORD: MQTT_PASSWORD });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readdirSync(dir).sort(), ['cli-test.secret.yaml.example', 'cli-test.yaml']);
  assert.match(r.stdout, /wrote .*cli-test\.yaml \(ConfigMap hx-cli-test-script, TestRun hx-cli-test-k6, Job hx-cli-test-swarm\)/);
  assert.doesNotMatch(r.stdout, /placeholder/);
  const files = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8'));
  for (const text of [...files, r.stdout, r.stderr]) for (const s of [APP_SECRET, MQTT_PASSWORD]) assert.ok(!text.includes(s), 'a secret reached the output');
  const yaml = readFileSync(join(dir, 'cli-test.yaml'), 'utf8');
  assert.match(yaml, /kubectl apply --server-side -f cli-test\.yaml/);
  assert.match(yaml, /kubectl -n load create secret generic emqx-harness/);
  const example = parseAllDocuments(readFileSync(join(dir, 'cli-test.secret.yaml.example'), 'utf8')) as unknown as { toJS(): Record<string, any> }[];
  const secret = example[0]!.toJS();
  assert.equal(secret.kind, 'Secret');
  assert.equal(secret.metadata.namespace, 'load');
  assert.deepEqual(Object.keys(secret.stringData), ['app-secret', 'mqtt-password']);
  assert.ok(Object.values(secret.stringData).every((v) => String(v).startsWith('REPLACE')));
});

test('--dockerfile prints an example image that runs npx emqx-harness', async () => {
  let out = '';
  const write = process.stdout.write;
  process.stdout.write = ((c: string) => ((out += c), true)) as typeof process.stdout.write;
  let code: number;
  try {
    code = await runK8s(['--dockerfile']);
  } finally {
    process.stdout.write = write;
  }
  assert.equal(code, 0);
  assert.match(out, /^FROM node:20/m);
  assert.match(out, /^COPY package\.json package-lock\.json \.\/$/m);
  assert.match(out, /^RUN npm ci$/m);
  assert.match(out, /^COPY \. \.$/m);
  assert.match(out, /^ENTRYPOINT \["npx", "emqx-harness"\]$/m);
  assert.match(out, /build.*yourself|docker build/);
});
