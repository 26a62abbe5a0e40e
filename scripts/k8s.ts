// `emqx-harness k8s`: the manifests that run a load test on Kubernetes — the k6 scenario
// under the k6-operator (a TestRun, N runners) and the MQTT swarm as an Indexed Job (M pods
// with disjoint client ranges). Writes YAML; applies nothing. Never reads a secret.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../src/errors.ts';
import { parseCommandArgs } from '../src/cli-args.ts';
import { newRunId } from '../src/run-config.ts';
import {
  CLIENT_APPLY_LIMIT_BYTES,
  SWARM_MARGIN_S,
  DEFAULT_K6_IMAGE,
  DEFAULT_SECRET,
  DEFAULT_SWARM_IMAGE,
  type K8sPlan,
  buildK8sRun,
  exampleDockerfile,
  namesOf,
  planK8sRun,
  renderSecretExample,
} from '../load/k8s/index.ts';

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

const HELP = `emqx-harness k8s — manifests for a load run on Kubernetes (k6-operator + an Indexed Job)

Usage: emqx-harness k8s --scenario NAME --profile NAME --parallelism N --swarm-pods M
                        --clients-per-pod K --api-url URL --mqtt-url URL [options]
       emqx-harness k8s --dockerfile

Writes one multi-document YAML: a ConfigMap of settings, a ConfigMap with the scenario bundled
into one JavaScript file, a k6-operator TestRun (k6.io/v1alpha1) with N runners, and an Indexed
Job of M swarm pods; pod I connects clients [I*K, (I+1)*K). Applies nothing. The credentials
come from a Secret you create (the file's header says how); no secret is read or written here.

Load:
  --scenario NAME        publish-batch | listings | gate (bundled from load/scenarios/NAME.ts)
  --scenario-file FILE   bundle this file instead (your own scenario; it may import only k6, k6/*
                         and its own modules; keep its VUs at least --parallelism)
  --profile NAME         smoke | stress | soak | capacity                         [HX_PROFILE]
  --parallelism N        k6 runners; the operator splits the arrival rate over them
  --k6-options JSON      the scenario's options, e.g. '{"rate":200,"batchSize":100}' [HX_OPTIONS]
                         (the same for every runner; no credentials)
  --swarm-pods M         swarm pods, all running at once
  --clients-per-pod K    MQTT clients per pod
  --duration D           how long k6 runs: 90s, 10m, 1h30m (default: the profile's; not for
                         capacity, whose length is its steps)
  --swarm-duration D     how long the swarm runs (default: k6's length + ${SWARM_MARGIN_S} s, so its
                         subscribers cover the whole k6 run, which the operator starts later)
  --swarm-args '...'     more \`emqx-harness swarm\` flags, split like a shell, passed verbatim:
                         --connect-rate, --subscribers, --sub-topic, --publishers, --pub-topic,
                         --pub-rate, --qos, --payload-size; not --clients, --duration or
                         --shard (set from the flags above), and no credentials

Target (as the pods in the cluster see it; loopback is refused):
  --api-url URL          management API base, e.g. http://emqx.emqx.svc:8081/api/v4  [EMQX_API_URL]
  --app-id ID            application id (default admin)                          [EMQX_APP_ID]
  --mqtt-url URL         MQTT endpoint for the swarm, e.g. mqtt://emqx.emqx.svc:1883 [EMQX_MQTT_URL]
  --mqtt-username NAME   MQTT username of every swarm client                     [EMQX_MQTT_USERNAME]
  --secret NAME          Secret holding the keys app-secret and mqtt-password (default ${DEFAULT_SECRET})

Cluster:
  --namespace NS         namespace of every object (default: none written; kubectl's -n decides)
  --image IMG            the swarm image: your own build of this repository
                         (default ${DEFAULT_SWARM_IMAGE}, a placeholder; see --dockerfile)
  --k6-image IMG         the k6 runner image (default ${DEFAULT_K6_IMAGE})
  --k6-cpu Q, --k6-memory Q          per runner, requests = limits (default 1, 1Gi)
  --swarm-cpu Q, --swarm-memory Q    per swarm pod, requests = limits (default 1, and 256Mi
                                     plus 64Ki per client)
  --separate             put every k6 runner on its own node
  --cleanup              let the operator delete the k6 pods when done (their logs go too:
                         collect first, or leave this off)
  --run-id ID            names and labels every object (default: time and profile)

Output:
  --out DIR|-            write DIR/<run-id>.yaml and DIR/<run-id>.secret.yaml.example
                         (default -: the YAML on stdout, notes on stderr)
  --dockerfile           print an example Dockerfile for the swarm image and exit
  -h, --help             this text

Exit codes: 0 written · 2 usage error (one line says which).`;

export async function runK8s(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs('k8s', joinSwarmArgs(argv), {
      help: { type: 'boolean', short: 'h' },
      dockerfile: { type: 'boolean' },
      scenario: { type: 'string' },
      'scenario-file': { type: 'string' },
      profile: { type: 'string' },
      parallelism: { type: 'string' },
      'k6-options': { type: 'string' },
      'swarm-pods': { type: 'string' },
      'clients-per-pod': { type: 'string' },
      duration: { type: 'string' },
      'swarm-duration': { type: 'string' },
      'swarm-args': { type: 'string' },
      'api-url': { type: 'string' },
      'app-id': { type: 'string' },
      'mqtt-url': { type: 'string' },
      'mqtt-username': { type: 'string' },
      secret: { type: 'string' },
      namespace: { type: 'string' },
      image: { type: 'string' },
      'k6-image': { type: 'string' },
      'k6-cpu': { type: 'string' },
      'k6-memory': { type: 'string' },
      'swarm-cpu': { type: 'string' },
      'swarm-memory': { type: 'string' },
      separate: { type: 'boolean' },
      cleanup: { type: 'boolean' },
      'run-id': { type: 'string' },
      out: { type: 'string' },
  });
  const v = parsed.values;
  if (v.help) {
    console.log(HELP);
    return 0;
  }
  if (v.dockerfile) {
    process.stdout.write(exampleDockerfile());
    return 0;
  }
  // the secret env variables are never read here: the manifests reference the Secret by name
  const env = process.env;
  const plan = planK8sRun(
    {
      scenario: v.scenario,
      scenarioFile: v['scenario-file'] !== undefined ? resolve(v['scenario-file']) : undefined,
      profile: v.profile ?? env.HX_PROFILE,
      parallelism: v.parallelism,
      swarmPods: v['swarm-pods'],
      clientsPerPod: v['clients-per-pod'],
      duration: v.duration,
      swarmDuration: v['swarm-duration'],
      k6Options: v['k6-options'] ?? env.HX_OPTIONS,
      swarmArgs: v['swarm-args'],
      namespace: v.namespace,
      image: v.image,
      k6Image: v['k6-image'],
      apiUrl: v['api-url'] ?? env.EMQX_API_URL,
      appId: v['app-id'] ?? env.EMQX_APP_ID,
      mqttUrl: v['mqtt-url'] ?? env.EMQX_MQTT_URL,
      mqttUsername: v['mqtt-username'] ?? env.EMQX_MQTT_USERNAME,
      secret: v.secret,
      runId: v['run-id'],
      separate: v.separate,
      cleanup: v.cleanup,
      k6Cpu: v['k6-cpu'],
      k6Memory: v['k6-memory'],
      swarmCpu: v['swarm-cpu'],
      swarmMemory: v['swarm-memory'],
    },
    (s) => join(REPO_ROOT, 'load', 'scenarios', `${s}.ts`),
    (profile) => newRunId(profile),
  );

  const toStdout = v.out === undefined || v.out === '-';
  const fileName = `${plan.runId}.yaml`;
  const run = await buildK8sRun(plan, { commandLine: commandLine(argv), fileName: toStdout ? 'FILE.yaml' : fileName });
  const notes = notesFor(plan, run.bundle.jsonBytes);

  if (toStdout) {
    process.stdout.write(run.yaml);
    for (const n of notes) console.error(`note: ${n}`);
    return 0;
  }
  const dir = resolve(v.out!);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, fileName), run.yaml);
    // not .yaml: `kubectl apply -f DIR` must not apply placeholders over a real Secret
    writeFileSync(join(dir, `${plan.runId}.secret.yaml.example`), renderSecretExample(plan));
  } catch (e) {
    throw new UsageError(`cannot write to ${v.out}: ${(e as Error).message.split('\n')[0]}`);
  }
  const file = relative(process.cwd(), join(dir, fileName)) || fileName;
  const names = namesOf(plan);
  console.log(`wrote ${file} (${run.manifests.map((m) => `${m.kind} ${m.metadata.name}`).join(', ')})`);
  console.log(`next: create the Secret "${plan.secretName}" (see the file's header), then kubectl apply --server-side -f ${file}`);
  console.log(`      and collect the shard reports when testrun/${names.testRun} and job/${names.job} are done (docs/kubernetes.md)`);
  for (const n of notes) console.log(`note: ${n}`);
  return 0;
}

/** `--swarm-args '--qos 1'` as `--swarm-args=--qos 1`: parseArgs refuses a value that starts with a dash. */
function joinSwarmArgs(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--swarm-args' && i + 1 < argv.length) out.push(`--swarm-args=${argv[++i]}`);
    else out.push(argv[i]!);
  }
  return out;
}

function notesFor(plan: K8sPlan, bundleJsonBytes: number): string[] {
  const notes: string[] = [];
  if (plan.swarm.image === DEFAULT_SWARM_IMAGE) notes.push(`the swarm image ${DEFAULT_SWARM_IMAGE} is a placeholder: build and push your own (emqx-harness k8s --dockerfile) and pass --image`);
  if (bundleJsonBytes > CLIENT_APPLY_LIMIT_BYTES) notes.push(`the bundled scenario is ${bundleJsonBytes} bytes as JSON: apply with --server-side (client-side apply keeps a copy in a 256 KiB annotation)`);
  return notes;
}

/** The command as written into the file's header: flags only, and none of them carries a secret. */
function commandLine(argv: string[]): string {
  return ['emqx-harness', 'k8s', ...argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`))].join(' ');
}
