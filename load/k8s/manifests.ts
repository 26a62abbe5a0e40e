// The manifests of a distributed run, as plain objects (pure: a plan and a bundle in,
// objects out). The k6 side is a k6-operator TestRun (k6.io/v1alpha1) running the bundled
// scenario from a ConfigMap; the MQTT swarm is an Indexed Job whose pods take disjoint
// client ranges from their completion index. Settings are plain `env` entries: the operator's
// initializer hands only `.env` (not `.envFrom`) to `k6 archive`/`k6 inspect`, and the
// profile and options decide the script's VUs, which it checks against the parallelism. The
// app secret and the MQTT password come from a Secret by secretKeyRef only, so no credential
// is ever written into a manifest.
import { type K8sPlan, SECRET_KEYS } from './plan.ts';
import { SHARD_ENV } from '../lib/k6-shard.ts';

export const APP_NAME = 'emqx-api-harness';
export const RUN_ID_LABEL = 'emqx-harness/run-id';
/** Where Kubernetes puts an Indexed Job pod's index (also given to the container as JOB_COMPLETION_INDEX). */
export const COMPLETION_INDEX_ANNOTATION = 'batch.kubernetes.io/job-completion-index';

export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels: Record<string, string>; annotations?: Record<string, string> } } & Record<string, unknown>;

export interface ManifestNames {
  script: string;
  testRun: string;
  job: string;
}

export function namesOf(plan: K8sPlan): ManifestNames {
  return {
    script: `${plan.namePrefix}-script`,
    testRun: `${plan.namePrefix}-k6`,
    job: `${plan.namePrefix}-swarm`,
  };
}

export function labelsOf(plan: K8sPlan, component: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': APP_NAME,
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/managed-by': 'emqx-harness',
    [RUN_ID_LABEL]: plan.runId,
  };
}

function meta(plan: K8sPlan, name: string, component: string): Manifest['metadata'] {
  return { name, ...(plan.namespace ? { namespace: plan.namespace } : {}), labels: labelsOf(plan, component) };
}

/** The key the bundled scenario has in the ConfigMap (and the file the operator runs). */
export function scriptKey(plan: K8sPlan): string {
  return `${plan.scenario}.js`;
}

/** The bundled scenario, one JavaScript file, as the operator mounts it. */
export function scriptConfigMap(plan: K8sPlan, bundle: string): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta(plan, namesOf(plan).script, 'script'),
    data: { [scriptKey(plan)]: bundle },
  };
}

type EnvVar = { name: string; value?: string; valueFrom?: Record<string, unknown> };

/** What k6 and the swarm read from env, secrets excepted. */
export function settingsData(plan: K8sPlan): Record<string, string> {
  return {
    EMQX_API_URL: plan.apiUrl,
    EMQX_APP_ID: plan.appId,
    EMQX_MQTT_URL: plan.mqttUrl,
    ...(plan.mqttUsername ? { EMQX_MQTT_USERNAME: plan.mqttUsername } : {}),
    HX_RUN_ID: plan.runId,
    HX_PROFILE: plan.profile,
    HX_OPTIONS: JSON.stringify(plan.k6.options),
    // a runner's samples stay in its pod: it prints a shard report for `report merge` instead
    [SHARD_ENV]: '1',
  };
}

function settingsEnv(plan: K8sPlan, names: string[]): EnvVar[] {
  const data = settingsData(plan);
  return names.filter((n) => data[n] !== undefined).map((name) => ({ name, value: data[name]! }));
}

function resources(r: { cpu: string; memory: string }): { requests: Record<string, string>; limits: Record<string, string> } {
  // requests = limits: a load generator that gets throttled or evicted measures itself, not the broker
  return { requests: { cpu: r.cpu, memory: r.memory }, limits: { cpu: r.cpu, memory: r.memory } };
}

function secretEnv(plan: K8sPlan, name: string, key: string, optional: boolean): EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: plan.secretName, key, ...(optional ? { optional: true } : {}) } } };
}

/**
 * The settings the k6 scenario reads; the initializer gets these, so that the options it
 * inspects are the runners' (HX_SHARD_REPORT adds thresholds), and the runners also the secret.
 */
const K6_SETTINGS = ['EMQX_API_URL', 'EMQX_APP_ID', 'HX_RUN_ID', 'HX_PROFILE', 'HX_OPTIONS', SHARD_ENV];
const SWARM_SETTINGS = ['EMQX_MQTT_URL', 'EMQX_MQTT_USERNAME', 'HX_RUN_ID', 'HX_PROFILE'];

/**
 * The k6-operator TestRun. The operator splits the scenario's arrival rate over the runners
 * itself (execution segments), so every runner gets the same HX_OPTIONS. The initializer
 * (which runs `k6 archive` and `k6 inspect` with the `.env` on its command line) is given the
 * settings but not the secret. Without `cleanup: post` the runner pods stay, so `kubectl logs`
 * still has their summaries.
 */
export function testRun(plan: K8sPlan): Manifest {
  const names = namesOf(plan);
  const labels = labelsOf(plan, 'k6');
  const settings = settingsEnv(plan, K6_SETTINGS);
  return {
    apiVersion: 'k6.io/v1alpha1',
    kind: 'TestRun',
    metadata: meta(plan, names.testRun, 'k6'),
    spec: {
      parallelism: plan.k6.parallelism,
      script: { configMap: { name: names.script, file: scriptKey(plan) } },
      // a space-separated string (the operator's long-standing field; `args` exists only from v1.6.0)
      arguments: `--tag hx_run_id=${plan.runId}`,
      separate: plan.k6.separate,
      ...(plan.k6.cleanup ? { cleanup: 'post' } : {}),
      initializer: {
        image: plan.k6.image,
        metadata: { labels: labelsOf(plan, 'k6-initializer') },
        env: settings,
        resources: resources(plan.k6.resources),
      },
      runner: {
        image: plan.k6.image,
        metadata: { labels },
        env: [...settings, secretEnv(plan, 'EMQX_APP_SECRET', SECRET_KEYS.appSecret, false)],
        resources: resources(plan.k6.resources),
      },
    },
  };
}

/** The command of every swarm pod. `$(` is doubled: Kubernetes would expand `$(VAR)` in it. */
export function swarmCommand(plan: K8sPlan): string[] {
  // one run id for every pod and for k6: payload stamps and shard reports must agree on it
  return ['npx', 'emqx-harness', 'swarm', '--shard', `auto/${plan.swarm.pods}`, '--print-report', '--run-id', plan.runId, '--clients', String(plan.swarm.clientsPerPod), '--duration', plan.swarm.duration, ...plan.swarm.args].map((a) =>
    a.replaceAll('$(', '$$$$('),
  );
}

/**
 * The swarm: an Indexed Job of M pods, all at once. Pod I reads its index from
 * JOB_COMPLETION_INDEX and connects clients [I*K, (I+1)*K). A pod is never retried
 * (backoffLimitPerIndex 0): a late shard would run outside the others' time window. A failed
 * index does not stop the other pods, whose reports would be lost with them; backoffLimit is
 * the pod count, so it never cuts in before every index had its one try. The deadline stops a
 * pod that hangs; the swarm itself stops at its duration.
 */
export function swarmJob(plan: K8sPlan): Manifest {
  const names = namesOf(plan);
  const labels = labelsOf(plan, 'swarm');
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: meta(plan, names.job, 'swarm'),
    spec: {
      completionMode: 'Indexed',
      completions: plan.swarm.pods,
      parallelism: plan.swarm.pods,
      backoffLimitPerIndex: 0,
      backoffLimit: plan.swarm.pods,
      activeDeadlineSeconds: plan.swarm.deadlineS,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'swarm',
              image: plan.swarm.image,
              command: swarmCommand(plan),
              env: [
                ...settingsEnv(plan, SWARM_SETTINGS),
                // npx inside the image: no update check around the report line
                { name: 'NPM_CONFIG_UPDATE_NOTIFIER', value: 'false' },
                // Kubernetes sets it for Indexed Jobs too; said here so the command's `auto` has it on any version
                { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX_ANNOTATION}']` } } },
                // optional: a broker without MQTT authentication needs no password
                secretEnv(plan, 'EMQX_MQTT_PASSWORD', SECRET_KEYS.mqttPassword, true),
              ],
              resources: resources(plan.swarm.resources),
            },
          ],
        },
      },
    },
  };
}

/** The Secret the user creates; values are placeholders, never real ones. Not part of what is applied. */
export function secretTemplate(plan: K8sPlan): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: plan.secretName, ...(plan.namespace ? { namespace: plan.namespace } : {}), labels: { 'app.kubernetes.io/name': APP_NAME } },
    type: 'Opaque',
    stringData: { [SECRET_KEYS.appSecret]: 'REPLACE-with-the-app-secret', [SECRET_KEYS.mqttPassword]: 'REPLACE-with-the-MQTT-password-or-delete-this-key' },
  };
}

/** What `kubectl apply` gets, in the order it should create them. */
export function runManifests(plan: K8sPlan, bundle: string): Manifest[] {
  return [scriptConfigMap(plan, bundle), testRun(plan), swarmJob(plan)];
}
