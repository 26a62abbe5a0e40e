// The report model: one run's findings plus what the views need (run facts, coverage,
// latency). findings.json is this object; junit.xml, summary.md, index.html and the
// terminal summary are views of it (docs/architecture.md, "Findings").
import type { CheckKind, Finding, Verdict } from '../findings.ts';
import type { ContractGateResult } from '../gate/model.ts';
import type { RunShapes } from '../compare/shape.ts';

export interface RunInfo {
  /** e.g. 2026-11-22T05-16-24Z-reference */
  id: string;
  /** the API base URL(s) checked, credentials never included */
  target: string;
  /** `v4`, `v3`, or `v4+v3` when one run checks both */
  apiVersion: string;
  /** the EMQX version the target declared or was told, if known */
  emqxVersion?: string;
  profile: 'reference' | 'emqx-v3' | 'emqx-v4' | 'emqx-cloud' | string;
  startedAt: string;
  finishedAt?: string;
  /** set when the run ended early: Ctrl-C, a target that stopped answering */
  interrupted?: { reason: string; lastRequest?: string };
  harnessVersion: string;
  /** what was allowed on this target */
  policy: { mutations: boolean; disruptive: boolean };
}

export interface EndpointLatency {
  endpoint: string;
  samples: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

export interface RunReport {
  run: RunInfo;
  findings: Finding[];
  /** per catalog endpoint of the checked versions: the check kinds that ran on it */
  coverage: { endpoint: string; method: string; path: string; checks: CheckKind[] }[];
  latency: EndpointLatency[];
  /** set when the run was held to a gate file (--gate): its verdict, waivers applied, expired and stale */
  gate?: ContractGateResult;
  /**
   * per target and catalog endpoint, the shape of its successful answers in this run (pointer
   * pattern → JSON types, no values; src/compare/shape.ts), for `emqx-harness compare`.
   * Absent in runs from before shapes were recorded.
   */
  shapes?: RunShapes;
}

export const VERDICTS: Verdict[] = ['pass', 'fail', 'known-deviation', 'not-implemented', 'skipped', 'waived'];

export function countByVerdict(findings: Finding[]): Record<Verdict, number> {
  const out = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  for (const f of findings) out[f.verdict]++;
  return out;
}
