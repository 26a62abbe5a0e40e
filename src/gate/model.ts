// The gate file as the harness reads it (docs/gating.md) and what applying it leaves in a
// report. Types only: the report models import these without pulling in the parser.
import type { CheckKind } from '../findings.ts';
import type { Thresholds } from '../../load/lib/options.ts';

export const GATE_PROFILES = ['reference', 'emqx-v4', 'emqx-v3', 'emqx-cloud'] as const;
export const GATE_API_VERSIONS = ['v3', 'v4', 'cloud'] as const;
export const CHECK_KINDS: readonly CheckKind[] = ['status', 'envelope', 'schema', 'pagination', 'semantics', 'mqtt-effect', 'negative', 'undocumented-field'];

export interface Waiver {
  /** catalog id, `*` matches any run of characters: `v4.list_clients`, `v4.list_*_metrics` */
  endpoint: string;
  check: CheckKind;
  /** JSON pointer pattern: `*` one token (or, inside a token, any characters), `**` any number of tokens; omitted = any pointer */
  pointer?: string;
  reason: string;
  owner: string;
  /** YYYY-MM-DD, the last day the waiver holds */
  expires: string;
}

export interface GateLoad {
  p95Ms?: number;
  p99Ms?: number;
  failedRate?: number;
  codeErrorRate?: number;
  checkRate?: number;
  /** the largest share (0..1) of the swarm's QoS 1 messages that may be lost; replaces the zero-loss rule for QoS 1 */
  maxLossQos1?: number;
  /** the smallest share (0..1) of k6's publish_batch messages the swarm must receive; replaces the no-loss rule for REST→MQTT */
  minRestToMqttRatio?: number;
}

export interface Gate {
  version?: 1;
  description?: string;
  target?: { profile?: (typeof GATE_PROFILES)[number]; apiVersion?: (typeof GATE_API_VERSIONS)[number] };
  contract?: {
    /** the check kinds whose failures fail the gate (default: every kind but undocumented-field) */
    checks?: CheckKind[];
    /** known deviations count as failures (like --strict-docs) */
    strictDocs?: boolean;
    /** undocumented fields count as failures (like --strict-fields) */
    strictFields?: boolean;
  };
  waivers?: Waiver[];
  load?: GateLoad;
}

/** A gate file read and validated; `file` is the path as the user gave it. */
export interface LoadedGate {
  file: string;
  gate: Gate;
}

/** What applying a gate to a contract run left in findings.json (`gate`). */
export interface ContractGateResult {
  file: string;
  passed: boolean;
  /** findings whose verdict the gate's waivers turned into `waived` */
  waived: number;
  /** findings that fail the gate */
  failing: number;
  /** failures of check kinds the gate leaves out: reported, not failing */
  outside: number;
  /** one line per expired waiver; each fails the gate */
  expired: string[];
  /** one line per waiver that matched nothing; warnings */
  stale: string[];
}

/** What applying a gate to a load run left in load.json (`gate`). */
export interface LoadGateResult {
  file: string;
  passed: boolean;
  /** the thresholds the gate set (k6 ran with them) */
  thresholds: Partial<Thresholds>;
  /** what failed the run under the gate, one line each */
  problems: string[];
}
