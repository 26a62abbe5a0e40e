// The manifests of a distributed run: valid for Kubernetes (kubernetes-models, plus no field
// Kubernetes does not define) and for the k6-operator's TestRun CRD (its schema, as data, with
// ajv); the scenario bundled into one file that imports only k6; disjoint client ranges per
// swarm pod; no credential anywhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { Job } from 'kubernetes-models/batch/v1';
import { ConfigMap, Secret } from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';
import { UsageError } from '../../src/errors.ts';
import {
  COMPLETION_INDEX_ANNOTATION,
  type K8sPlan,
  type Manifest,
  type PlanInput,
  RUN_ID_LABEL,
  buildK8sRun,
  bundleScenario,
  importsOf,
  jobDeadlineS,
  parseDuration,
  parseSwarmArgs,
  planK8sRun,
  scriptConfigMap,
  secretTemplate,
  shardRange,
  splitShellWords,
  swarmCommand,
  swarmJob,
  testRun,
} from '../../load/k8s/index.ts';
import { K8S_TYPES, unknownFields } from './fixtures/known-fields.ts';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const STAND_IN = here('./fixtures/stand-in.ts');
const REPO = here('../../');
const CRD_SCHEMA = JSON.parse(readFileSync(here('../../load/k8s/testrun-crd-schema.json'), 'utf8')) as Record<string, unknown>;

function plan(over: PlanInput = {}, scenarioFile = STAND_IN): K8sPlan {
  return planK8sRun(
    {
      scenario: 'publish-batch',
      profile: 'stress',
      parallelism: '3',
      swarmPods: '4',
      clientsPerPod: '250',
      apiUrl: 'http://emqx.emqx.svc:8081/api/v4',
      mqttUrl: 'mqtt://emqx.emqx.svc:1883',
      runId: 'k8s-test-1',
      image: 'registry.example/emqx-api-harness:1',
      ...over,
    },
    // the stand-in takes the place of load/scenarios/<name>.ts
    () => scenarioFile,
    () => 'default-run',
  );
}

const built = await buildK8sRun(plan());
const byKind = (kind: string, list: Manifest[] = built.manifests): Manifest => list.find((m) => m.kind === kind)!;

/** kubernetes-models' own check (types, required fields, formats) and no field Kubernetes does not define. */
function assertValidK8s(m: Manifest): void {
  const { apiVersion: _a, kind, ...data } = m;
  const Model = { Job, ConfigMap, Secret }[kind as 'Job' | 'ConfigMap' | 'Secret'];
  assert.ok(Model, `no model for ${kind}`);
  new Model(data as never).validate();
  assert.deepEqual(unknownFields(m, K8S_TYPES[kind as keyof typeof K8S_TYPES]), [], `${kind}: fields Kubernetes does not define`);
}

const ajv = new Ajv({ allErrors: true, strict: true });
const validateTestRun = ajv.compile(CRD_SCHEMA);
function testRunErrors(m: unknown): string[] {
  return validateTestRun(m) ? [] : (validateTestRun.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

test('the Job, the ConfigMap and the Secret template are valid Kubernetes objects', () => {
  assert.deepEqual(
    built.manifests.map((m) => m.kind),
    ['ConfigMap', 'TestRun', 'Job'],
  );
  assertValidK8s(byKind('Job'));
  assertValidK8s(byKind('ConfigMap'));
  assertValidK8s(secretTemplate(plan()));
  // with a namespace and every optional part too
  const p = plan({ namespace: 'load', mqttUsername: 'swarm', swarmArgs: '--qos 1 --subscribers 100', k6Cpu: '2', swarmMemory: '2Gi', cleanup: true, separate: true });
  assertValidK8s(swarmJob(p));
  assertValidK8s(scriptConfigMap(p, 'export default function () {}'));
  assertValidK8s(secretTemplate(p));
});

test('the Kubernetes checks can fail: a wrong type and a misspelt field are caught', () => {
  const job = structuredClone(byKind('Job')) as Manifest & { spec: Record<string, unknown> };
  job.spec.completions = '4';
  assert.throws(() => assertValidK8s(job), /completions must be integer/);
  const typo = structuredClone(byKind('Job')) as Manifest & { spec: Record<string, unknown> };
  typo.spec.backoffLimitPerindex = 0;
  assert.throws(() => assertValidK8s(typo), /backoffLimitPerindex/);
});

test('the Job is an Indexed Job that stops by itself and is never retried into a late shard', () => {
  const p = plan();
  const job = byKind('Job') as Manifest & { spec: Record<string, any> };
  assert.equal(job.spec.completionMode, 'Indexed');
  assert.equal(job.spec.completions, 4);
  assert.equal(job.spec.parallelism, 4);
  assert.equal(job.spec.backoffLimitPerIndex, 0);
  assert.equal(job.spec.backoffLimit, 4);
  assert.equal(job.spec.template.spec.restartPolicy, 'Never');
  // the swarm's duration, its connect ramp and start-up all fit before the deadline
  assert.ok(job.spec.activeDeadlineSeconds > p.swarm.durationS + 250 / 100, String(job.spec.activeDeadlineSeconds));
  assert.equal(job.spec.activeDeadlineSeconds, jobDeadlineS(p.swarm.durationS, 250));
  const c = job.spec.template.spec.containers[0];
  assert.deepEqual(c.resources.requests, c.resources.limits);
  assert.ok(c.resources.requests.cpu && c.resources.requests.memory);
  // a longer run gets a longer deadline; the connect rate shortens the ramp
  assert.ok(jobDeadlineS(3600, 250) > jobDeadlineS(600, 250));
  assert.ok(jobDeadlineS(600, 10_000, 1000) < jobDeadlineS(600, 10_000));
});

test('every object carries the app and run-id labels', () => {
  for (const m of [...built.manifests, secretTemplate(plan())]) {
    assert.equal(m.metadata.labels['app.kubernetes.io/name'], 'emqx-api-harness', m.kind);
    if (m.kind !== 'Secret') assert.equal(m.metadata.labels[RUN_ID_LABEL], 'k8s-test-1', m.kind);
  }
  const job = byKind('Job') as Manifest & { spec: Record<string, any> };
  assert.equal(job.spec.template.metadata.labels[RUN_ID_LABEL], 'k8s-test-1');
  const tr = byKind('TestRun') as Manifest & { spec: Record<string, any> };
  assert.equal(tr.spec.runner.metadata.labels[RUN_ID_LABEL], 'k8s-test-1');
  // no namespace unless asked: `kubectl -n` decides
  assert.ok(built.manifests.every((m) => m.metadata.namespace === undefined));
  assert.ok(plan({ namespace: 'load' }) && swarmJob(plan({ namespace: 'load' })).metadata.namespace === 'load');
});

test('the TestRun validates against the k6-operator CRD schema', () => {
  assert.deepEqual(testRunErrors(byKind('TestRun')), []);
  assert.deepEqual(testRunErrors(testRun(plan({ cleanup: true, separate: true, namespace: 'load', parallelism: '10', k6Options: '{"rate":500,"maxVUs":400}' }))), []);
  const tr = byKind('TestRun') as Manifest & { spec: Record<string, any> };
  assert.equal(tr.apiVersion, 'k6.io/v1alpha1');
  assert.equal(tr.spec.parallelism, 3);
  assert.deepEqual(tr.spec.script, { configMap: { name: byKind('ConfigMap').metadata.name, file: 'publish-batch.js' } });
  assert.ok((byKind('ConfigMap') as Manifest & { data: Record<string, string> }).data['publish-batch.js']);
  assert.equal(tr.spec.cleanup, undefined, 'the runner pods stay until their logs are collected');
  assert.equal((testRun(plan({ cleanup: true })) as Manifest & { spec: Record<string, unknown> }).spec.cleanup, 'post');
  // the schema file names its upstream source and version
  assert.match(String(CRD_SCHEMA.$comment), /grafana\/k6-operator.*config\/crd\/bases\/k6\.io_testruns\.yaml.*v1\.6\.0/s);
});

test('the CRD schema check can fail: wrong types, values and fields are caught', () => {
  const broken = (edit: (spec: Record<string, any>) => void): string[] => {
    const tr = structuredClone(byKind('TestRun')) as Manifest & { spec: Record<string, any> };
    edit(tr.spec);
    return testRunErrors(tr);
  };
  assert.match(broken((s) => (s.parallelism = '3')).join(), /\/spec\/parallelism must be integer/);
  assert.match(broken((s) => (s.separate = 'yes')).join(), /\/spec\/separate must be boolean/);
  assert.match(broken((s) => (s.cleanup = 'always')).join(), /\/spec\/cleanup must be equal to one of the allowed values/);
  assert.match(broken((s) => delete s.script).join(), /must have required property 'script'/);
  assert.match(broken((s) => (s.runner.resources.limits.memory = 'lots')).join(), /\/spec\/runner\/resources\/limits\/memory/);
  assert.match(broken((s) => (s.runner.env[0].value = 5)).join(), /\/spec\/runner\/env\/0\/value must be string/);
  assert.match(broken((s) => (s.paralelism = 3)).join(), /must NOT have additional properties/);
  assert.match(broken((s) => (s.script.configMap = { file: 'x.js' })).join(), /must have required property 'name'/);
});

test('the bundled scenario imports nothing but k6 and k6/*', async () => {
  const code = (byKind('ConfigMap') as Manifest & { data: Record<string, string> }).data['publish-batch.js']!;
  const imports = importsOf(code);
  assert.deepEqual(imports, ['k6', 'k6/encoding', 'k6/http']);
  // its own module was inlined, not imported
  assert.match(code, /hx-stand-in-scenario/);
  assert.doesNotMatch(code, /from\s*["'][^"']*stand-in-lib/);
  // the scan itself sees every form of import
  assert.deepEqual(importsOf('import a from "k6/http";\nimport "./side.js";\nexport * from \'node:fs\';\nconst x = await import("mqtt");\nrequire("os");\nimport {\n  b,\n  c\n} from "k6/metrics";'), [
    './side.js',
    'k6/http',
    'k6/metrics',
    'mqtt',
    'node:fs',
    'os',
  ]);
  // a scenario reaching for node:* or node_modules does not bundle, in one line
  await assert.rejects(bundleScenario(here('./fixtures/imports-node.ts')), (e: Error) => e instanceof UsageError && /node:fs.*is not a k6 module/.test(e.message) && !e.message.includes('\n'));
  await assert.rejects(bundleScenario(here('./fixtures/missing.ts')), /scenario file not found/);
});

test('the real scenarios bundle into k6-only files', async (t) => {
  const names = ['publish-batch', 'listings', 'gate'].filter((n) => existsSync(join(REPO, 'load', 'scenarios', `${n}.ts`)));
  if (names.length === 0) return t.skip('load/scenarios/*.ts are not in the tree');
  for (const n of names) {
    const b = await bundleScenario(join(REPO, 'load', 'scenarios', `${n}.ts`));
    assert.ok(b.imports.length > 0 && b.imports.every((m) => m === 'k6' || m.startsWith('k6/')), `${n}: ${b.imports.join(', ')}`);
    assert.match(b.code, /export\s*\{[^}]*\bdefault\b|handleSummary/, n);
  }
});

test('k6 itself accepts the bundle and the options the initializer will see', async (t) => {
  const k6 = findK6();
  if (!k6) return t.skip('k6 is not installed (K6_BIN or PATH); the bundle was checked by its imports only');
  const scenarios = ['publish-batch', 'gate'].filter((n) => existsSync(join(REPO, 'load', 'scenarios', `${n}.ts`)));
  const cases: [string, K8sPlan][] = [['stand-in', plan()], ...scenarios.map((n): [string, K8sPlan] => [n, plan({ scenario: n, parallelism: '50' }, join(REPO, 'load', 'scenarios', `${n}.ts`))])];
  for (const [name, p] of cases) {
    const run = await buildK8sRun(p);
    const dir = mkdtempSync(join(tmpdir(), 'hx-k8s-'));
    const file = join(dir, `${p.scenario}.js`);
    writeFileSync(file, (byKind('ConfigMap', run.manifests) as Manifest & { data: Record<string, string> }).data[`${p.scenario}.js`]!);
    // as the operator's initializer does: only `.env`, each as -e
    const tr = byKind('TestRun', run.manifests) as Manifest & { spec: Record<string, any> };
    const env = (tr.spec.initializer.env as { name: string; value: string }[]).flatMap((e) => ['-e', `${e.name}=${e.value}`]);
    const r: SpawnSyncReturns<string> = spawnSync(k6, ['inspect', '--execution-requirements', ...env, file], { encoding: 'utf8', env: { PATH: process.env.PATH, K6_NO_USAGE_REPORT: 'true', K6_AUTO_EXTENSION_RESOLUTION: 'false' } });
    assert.equal(r.status, 0, `${name}: ${r.stderr}`);
    const inspected = JSON.parse(r.stdout) as { maxVUs: number };
    // the operator refuses more runners than VUs
    assert.ok(inspected.maxVUs >= p.k6.parallelism, `${name}: maxVUs ${inspected.maxVUs} < parallelism ${p.k6.parallelism}`);
  }
});

function findK6(): string | undefined {
  const candidates = process.env.K6_BIN ? [process.env.K6_BIN] : (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, 'k6'));
  return candidates.find((c) => {
    try {
      accessSync(c, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

test('swarm pods take disjoint client ranges from JOB_COMPLETION_INDEX', () => {
  const p = plan({ swarmPods: '7', clientsPerPod: '1000' });
  const ranges = Array.from({ length: p.swarm.pods }, (_, i) => shardRange(i, p.swarm.clientsPerPod));
  for (let i = 0; i < ranges.length; i++) {
    assert.equal(ranges[i]!.to - ranges[i]!.from, 1000);
    for (let j = i + 1; j < ranges.length; j++) {
      const [a, b] = [ranges[i]!, ranges[j]!];
      assert.ok(a.to <= b.from || b.to <= a.from, `pod ${i} [${a.from}, ${a.to}) overlaps pod ${j} [${b.from}, ${b.to})`);
    }
  }
  // together they are exactly 0 … M*K-1
  assert.equal(ranges[0]!.from, 0);
  assert.equal(ranges.at(-1)!.to, 7000);
  assert.ok(ranges.every((r, i) => i === 0 || r.from === ranges[i - 1]!.to));

  const c = (swarmJob(p) as Manifest & { spec: Record<string, any> }).spec.template.spec.containers[0];
  const cmd = c.command as string[];
  assert.deepEqual(cmd.slice(0, 3), ['npx', 'emqx-harness', 'swarm']);
  // `--shard auto/M`: the swarm reads its index from JOB_COMPLETION_INDEX and takes [I*K, (I+1)*K)
  assert.equal(cmd[cmd.indexOf('--shard') + 1], 'auto/7');
  assert.equal(cmd[cmd.indexOf('--clients') + 1], '1000');
  assert.equal(cmd[cmd.indexOf('--run-id') + 1], 'k8s-test-1');
  assert.ok(cmd.includes('--print-report'));
  const indexEnv = (c.env as { name: string; valueFrom?: any }[]).find((e) => e.name === 'JOB_COMPLETION_INDEX');
  assert.deepEqual(indexEnv?.valueFrom, { fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX_ANNOTATION}']` } });
});

test('no secret reaches a manifest: secretKeyRef only, and secret values in the env are never read', async () => {
  const saved = { app: process.env.EMQX_APP_SECRET, mqtt: process.env.EMQX_MQTT_PASSWORD };
  process.env.EMQX_APP_SECRET = 'k8s-app-s3cret-71c2';
  process.env.EMQX_MQTT_PASSWORD = 'k8s-mqtt-s3cret-04aa';
  try {
    const run = await buildK8sRun(plan({ mqttUsername: 'swarm' }));
    for (const secret of ['k8s-app-s3cret-71c2', 'k8s-mqtt-s3cret-04aa']) assert.ok(!run.yaml.includes(secret));
    const tr = byKind('TestRun', run.manifests) as Manifest & { spec: Record<string, any> };
    const job = byKind('Job', run.manifests) as Manifest & { spec: Record<string, any> };
    const appSecret = tr.spec.runner.env.find((e: { name: string }) => e.name === 'EMQX_APP_SECRET');
    assert.deepEqual(appSecret, { name: 'EMQX_APP_SECRET', valueFrom: { secretKeyRef: { name: 'emqx-harness', key: 'app-secret' } } });
    // the initializer puts its env on a command line: it gets no secret
    assert.ok(!tr.spec.initializer.env.some((e: { name: string }) => /SECRET|PASSWORD/.test(e.name)));
    const pw = job.spec.template.spec.containers[0].env.find((e: { name: string }) => e.name === 'EMQX_MQTT_PASSWORD');
    assert.deepEqual(pw, { name: 'EMQX_MQTT_PASSWORD', valueFrom: { secretKeyRef: { name: 'emqx-harness', key: 'mqtt-password', optional: true } } });
    // every env entry named like a credential comes from a Secret
    const envs = [...tr.spec.runner.env, ...tr.spec.initializer.env, ...job.spec.template.spec.containers[0].env] as { name: string; value?: string; valueFrom?: any }[];
    for (const e of envs.filter((x) => /SECRET|PASSWORD/.test(x.name))) assert.ok(e.valueFrom?.secretKeyRef && e.value === undefined, e.name);
    // another Secret by name
    assert.match((await buildK8sRun(plan({ secret: 'my-emqx' }))).yaml, /name: my-emqx\n\s+key: app-secret/);
  } finally {
    for (const [k, v] of [['EMQX_APP_SECRET', saved.app], ['EMQX_MQTT_PASSWORD', saved.mqtt]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
});

test('the YAML is the manifests, one document each, after a header of comments', () => {
  const docs = parseAllDocuments(built.yaml);
  assert.ok(!Array.isArray(docs) || docs.every((d) => d.errors.length === 0));
  const objects = (docs as ReturnType<typeof parseAllDocuments> & unknown[]).map((d) => (d as { toJS(): unknown }).toJS());
  assert.deepEqual(objects, JSON.parse(JSON.stringify(built.manifests)));
  assert.match(built.yaml, /^# emqx-api-harness: distributed load run k8s-test-1\n/);
  assert.match(built.yaml, /kubectl create secret generic emqx-harness --from-literal=app-secret="\$EMQX_APP_SECRET"/);
  // the swarm pods' reports and the k6 runners' logs, each runner's log only when it holds its shard line
  assert.match(built.yaml, /npx emqx-harness report merge \$\(ls -d shards-k8s-test-1\/\*\.json shards-k8s-test-1\/\*\.k6\.log 2>\/dev\/null\)\n/);
  assert.match(built.yaml, /kubectl logs "\$p" > "\$f"; grep -q '"hxK6Shard"' "\$f" \|\|/);
  assert.doesNotMatch(built.yaml, /[&*]a\d/, 'no YAML anchors or aliases');
  // the Secret appears only as a comment: applying the file creates no Secret
  assert.ok(objects.every((o) => (o as Manifest).kind !== 'Secret'));
  // the bundle is a literal block, readable in the ConfigMap
  assert.match(built.yaml, /publish-batch\.js: \|/);
});

test('settings go to the pods as env; HX_OPTIONS is the same for every runner', () => {
  const p = plan({ k6Options: '{"rate":400,"batchSize":50,"maxVUs":400}', duration: '10m', mqttUsername: 'swarm' });
  const tr = testRun(p) as Manifest & { spec: Record<string, any> };
  const env = Object.fromEntries((tr.spec.runner.env as { name: string; value?: string }[]).filter((e) => e.value !== undefined).map((e) => [e.name, e.value]));
  // HX_SHARD_REPORT: each runner prints its shard report, since its samples stay in its pod
  assert.deepEqual(env, { EMQX_API_URL: 'http://emqx.emqx.svc:8081/api/v4', EMQX_APP_ID: 'admin', HX_RUN_ID: 'k8s-test-1', HX_PROFILE: 'stress', HX_OPTIONS: '{"rate":400,"batchSize":50,"maxVUs":400,"durationS":600}', HX_SHARD_REPORT: '1' });
  // the initializer inspects the options the runners will have
  assert.deepEqual(tr.spec.initializer.env, tr.spec.runner.env.filter((e: { value?: string }) => e.value !== undefined));
  assert.equal(tr.spec.runner.image, 'grafana/k6:1.3.0');
  assert.equal(tr.spec.arguments, '--tag hx_run_id=k8s-test-1');
  const c = (swarmJob(p) as Manifest & { spec: Record<string, any> }).spec.template.spec.containers[0];
  const swarmEnv = Object.fromEntries((c.env as { name: string; value?: string }[]).filter((e) => e.value !== undefined).map((e) => [e.name, e.value]));
  assert.equal(swarmEnv.EMQX_MQTT_URL, 'mqtt://emqx.emqx.svc:1883');
  assert.equal(swarmEnv.EMQX_MQTT_USERNAME, 'swarm');
  // the swarm outlasts k6 unless told otherwise
  assert.equal(p.swarm.duration, '720s');
  assert.equal(plan({ duration: '10m', swarmDuration: '15m' }).swarm.duration, '900s');
  assert.equal(plan({ profile: 'smoke' }).swarm.durationS, 5 + 120);
});

test('--swarm-args split like a shell, pass through verbatim, and refuse credentials and owned flags', () => {
  assert.deepEqual(splitShellWords(`--sub-topic 'hx/load/#' --pub-topic "a b" --qos=1  x\\ y`), ['--sub-topic', 'hx/load/#', '--pub-topic', 'a b', '--qos=1', 'x y']);
  assert.deepEqual(splitShellWords(`--x "" ''`), ['--x', '', '']);
  assert.throws(() => splitShellWords(`--sub-topic 'open`), /unclosed single quote/);
  for (const bad of ['--password x', '--mqtt-password=x', '--app-secret x', '--token t']) {
    assert.throws(() => parseSwarmArgs(bad), (e: Error) => e instanceof UsageError && /may not carry credentials/.test(e.message), bad);
  }
  for (const owned of ['--clients 5', '--shard 0/2', '--duration 5m', '--print-report', '--run-id x']) {
    assert.throws(() => parseSwarmArgs(owned), /may not set/, owned);
  }
  const p = plan({ swarmArgs: `--connect-rate 500 --subscribers 100 --sub-topic 'hx/$(HOME)/#' --qos 1` });
  const cmd = swarmCommand(p);
  assert.deepEqual(cmd.slice(-8), ['--connect-rate', '500', '--subscribers', '100', '--sub-topic', 'hx/$$(HOME)/#', '--qos', '1']);
  // the connect rate shortens the ramp the deadline allows for
  assert.equal(p.swarm.deadlineS, jobDeadlineS(p.swarm.durationS, 250, 500));
});

test('bad settings are one-line usage errors', () => {
  const cases: [PlanInput, RegExp][] = [
    [{ parallelism: '0' }, /--parallelism must be a whole number from 1/],
    [{ parallelism: '2.5' }, /--parallelism must be a whole number/],
    [{ swarmPods: '-1' }, /--swarm-pods must be a whole number/],
    [{ clientsPerPod: 'many' }, /--clients-per-pod must be a whole number/],
    [{ scenario: 'nope' }, /--scenario must be one of publish-batch, listings, gate/],
    [{ profile: undefined }, /--profile is required/],
    [{ apiUrl: 'not a url' }, /--api-url is not a URL/],
    [{ apiUrl: 'ftp://emqx/api/v4' }, /--api-url must be http/],
    [{ apiUrl: 'http://127.0.0.1:8081/api/v4' }, /inside a pod is the pod itself/],
    [{ apiUrl: 'http://admin:public@emqx:8081/api/v4' }, /may not carry credentials/],
    [{ apiUrl: undefined }, /--api-url \(or EMQX_API_URL\) is required/],
    [{ mqttUrl: 'http://emqx:1883' }, /--mqtt-url must be mqtt:/],
    [{ mqttUrl: 'mqtt://localhost:1883' }, /the pod itself/],
    [{ namespace: 'Load_Test' }, /--namespace must be a DNS-1123 label/],
    [{ runId: 'has space' }, /--run-id must be/],
    [{ secret: 'Bad_Name' }, /--secret must be a Kubernetes object name/],
    [{ duration: 'soon' }, /--duration must be a duration/],
    [{ duration: '30d' }, /--duration must be a duration/],
    [{ duration: '200h' }, /at most 7 days/],
    [{ profile: 'capacity', duration: '5m' }, /does not apply to the capacity profile/],
    [{ k6Options: '{rate:1}' }, /--k6-options must be a JSON object/],
    [{ k6Options: '[1]' }, /--k6-options must be a JSON object/],
    [{ k6Options: '{"appSecret":"x"}' }, /may not carry credentials/],
    [{ k6Options: '{"rates":5}' }, /unknown option\(s\) rates/],
    [{ k6Options: '{"qos":3}' }, /qos must be 0, 1 or 2/],
    [{ k6Options: '{"runId":"x"}' }, /use --run-id/],
    [{ parallelism: '500' }, /more than the scenario's 200 VUs/],
    [{ swarmArgs: '--connect-rate fast' }, /--connect-rate in --swarm-args must be a number/],
    [{ k6Cpu: 'two' }, /--k6-cpu must be a Kubernetes quantity/],
    [{ swarmMemory: '1GB' }, /--swarm-memory must be a Kubernetes quantity/],
    [{ image: 'has space:1' }, /--image must be an image reference/],
  ];
  for (const [over, re] of cases) {
    assert.throws(
      () => plan(over),
      (e: Error) => e instanceof UsageError && re.test(e.message) && !e.message.includes('\n'),
      `${JSON.stringify(over)} should fail with ${re}`,
    );
  }
});

test('durations read like k6 and the load CLI write them', () => {
  assert.equal(parseDuration('90s'), 90);
  assert.equal(parseDuration('10m'), 600);
  assert.equal(parseDuration('1h30m'), 5400);
  assert.equal(parseDuration('1.5h'), 5400);
  assert.equal(parseDuration('500ms'), 0.5);
  assert.equal(parseDuration('45'), 45);
  assert.equal(parseDuration('10 m'), undefined);
  assert.equal(parseDuration(''), undefined);
});
