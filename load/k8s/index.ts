// Kubernetes manifests for a distributed load run: plan (checked inputs) → bundle the
// scenario → plain manifest objects → one YAML file. `emqx-harness k8s` (scripts/k8s.ts) is
// the command line over this; docs/kubernetes.md is the user's guide.
import { type Bundle, bundleScenario } from './bundle.ts';
import { type Manifest, runManifests } from './manifests.ts';
import type { K8sPlan } from './plan.ts';
import { renderYaml } from './render.ts';

export interface K8sRun {
  plan: K8sPlan;
  bundle: Bundle;
  /** in apply order: the script ConfigMap, the TestRun, the swarm Job */
  manifests: Manifest[];
  yaml: string;
}

/** Bundle the plan's scenario file and build every manifest of the run. */
export async function buildK8sRun(plan: K8sPlan, opts: { commandLine?: string; fileName?: string } = {}): Promise<K8sRun> {
  const bundle = await bundleScenario(plan.scenarioFile);
  const manifests = runManifests(plan, bundle.code);
  return { plan, bundle, manifests, yaml: renderYaml(plan, manifests, opts) };
}

export * from './bundle.ts';
export * from './dockerfile.ts';
export * from './manifests.ts';
export * from './plan.ts';
export * from './render.ts';
