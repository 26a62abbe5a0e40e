// The comparison of two runs: compare.json is this object; compare.md (the PR comment) and
// compare.html are views of it (docs/compare.md).
import type { CheckKind, Verdict } from '../findings.ts';
import type { JsonType } from './shape.ts';

export interface CompareReport {
  kind: 'contract' | 'load';
  /** the older / baseline run */
  a: RunSide;
  /** the newer run, judged against A */
  b: RunSide;
  /** fail: newly failing checks or load regressions (exit 1) */
  gate: { verdict: 'pass' | 'fail'; reasons: string[] };
  /** what the reader should know to read the comparison right (different releases, grep, interrupted runs) */
  notes: string[];
  contract?: ContractComparison;
  load?: LoadComparison;
}

export interface RunSide {
  id: string;
  /** the file the run was read from, as given */
  source: string;
  target: string;
  apiVersion?: string;
  emqxVersion?: string;
  profile: string;
  startedAt: string;
  scenario?: string;
  interrupted?: string;
}

// --- contract runs -----------------------------------------------------------------------

export type ContractChangeKind =
  | 'newly-failing'
  | 'newly-passing'
  | 'no-longer-failing'
  | 'newly-not-implemented'
  | 'no-longer-not-implemented'
  | 'known-deviation-appeared'
  | 'known-deviation-gone'
  | 'undocumented-field-appeared'
  | 'undocumented-field-gone'
  | 'newly-skipped'
  | 'no-longer-skipped';

export type VerdictCounts = Partial<Record<Verdict, number>>;

/**
 * One change at one finding identity: (target, endpoint, check) and, for failures, known
 * deviations and undocumented fields, the JSON-pointer pattern. Named as run B names it;
 * `targetA` / `endpointA` say how run A named it when the runs check different API versions.
 */
/** An endpoint as run B names it, and as run A did when the runs check different API versions. */
export interface ComparedEndpoint {
  target: string;
  endpoint: string;
  targetA?: string;
  endpointA?: string;
  /** `GET /clients/{clientid}` */
  request: string;
  /** A's request, when A named the endpoint differently */
  requestA?: string;
}

export interface ContractChange extends ComparedEndpoint {
  kind: ContractChangeKind;
  /** newly failing: fails the comparison (exit 1) */
  gates: boolean;
  check: CheckKind;
  /** the JSON-pointer pattern (array items as `*`); absent for changes of a whole check */
  pointer?: string;
  /** the verdicts at this identity in A and in B */
  a: VerdictCounts;
  b: VerdictCounts;
  /** a finding of the run that has it (B for what appeared, A for what went away) */
  example?: FindingExample;
}

export interface FindingExample {
  run: 'a' | 'b';
  verdict: Verdict;
  message: string;
  expected?: string;
  actual?: string;
  reason?: string;
  erratum?: string;
  doc?: string;
}

/**
 * A negative case whose expected answer differs between the releases the two runs were held
 * to (schemas/expectations/negative.json). `held` says whether both runs confirmed it: the
 * endpoint's negative checks all passed in both, so the broker answered each release's way.
 */
export interface BehaviourChange {
  target: string;
  endpoint: string;
  request: string;
  expectation: string;
  title: string;
  a: { release: string; answer: string };
  b: { release: string; answer: string };
  held: boolean;
  /** why it is not confirmed, when it is not */
  note?: string;
}

export type ShapeChangeKind = 'added' | 'removed' | 'retyped' | 'renamed';

export interface ShapeChange {
  kind: ShapeChangeKind;
  /** the field in B (for removed: in A) */
  pointer: string;
  /** renamed: the field in A */
  from?: string;
  a?: JsonType[];
  b?: JsonType[];
  /** renamed or removed: how many fields below it moved or went with it */
  below?: number;
}

export interface EndpointShapeDiff extends ComparedEndpoint {
  changes: ShapeChange[];
}

export interface ContractComparison {
  /** findings per verdict in each run, and how many of the failures are undocumented fields (which fail no run by default) */
  totals: { a: Record<Verdict, number>; b: Record<Verdict, number>; undocumented: { a: number; b: number } };
  /** how the runs' targets were paired */
  targets: { a: string; b: string; crossVersion: boolean }[];
  changes: ContractChange[];
  behaviour: BehaviourChange[];
  shapes: EndpointShapeDiff[];
  /** shape facts that are not changes: endpoints answered successfully in one run only, runs without shapes */
  shapeNotes: string[];
  /** checks (target, endpoint, check) that ran in one run only: a --grep, a policy, another API version */
  onlyIn: { a: string[]; b: string[] };
}

// --- load runs ---------------------------------------------------------------------------

export interface MetricComparison {
  /** stable id, e.g. `k6.latency.p95`, `swarm.qos1.loss` */
  id: string;
  group: string;
  label: string;
  unit: 'ms' | '/s' | 'fraction' | 'count';
  /** which direction is worse */
  worse: 'up' | 'down';
  a?: number;
  b?: number;
  /** (b − a) / a; absent when a is 0 or either side is missing */
  change?: number;
  verdict: 'regression' | 'improvement' | 'unchanged' | 'not-comparable';
  note?: string;
}

export interface LoadComparison {
  tolerance: number;
  metrics: MetricComparison[];
}
