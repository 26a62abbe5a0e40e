// Applying a gate to a load run: its k6 thresholds go into the options before k6 starts,
// and after the run the swarm and REST→MQTT requirements are checked (docs/gating.md,
// "Load runs"). Pure.
import type { Thresholds } from '../../load/lib/options.ts';
import type { LoadReport } from '../load/model.ts';
import { formatCount, formatPercent, loadFailures } from '../load/report/facts.ts';
import type { Gate, LoadGateResult, LoadedGate } from './model.ts';

const THRESHOLD_KEYS = ['p95Ms', 'p99Ms', 'failedRate', 'codeErrorRate', 'checkRate'] as const;

/** The k6 thresholds the gate sets (they override the profile's). */
export function gateLoadThresholds(gate: Gate): Partial<Thresholds> {
  const l = gate.load ?? {};
  return Object.fromEntries(THRESHOLD_KEYS.filter((k) => l[k] !== undefined).map((k) => [k, l[k]!]));
}

/**
 * The thresholds of the command line and of the gate together: where both set one, the
 * stricter holds (lower latency and error rates, higher check rate), so a flag never
 * weakens a gate.
 */
export function withGateThresholds(flags: Partial<Thresholds>, gate: Gate): Partial<Thresholds> {
  const out: Partial<Thresholds> = { ...flags };
  for (const [k, v] of Object.entries(gateLoadThresholds(gate)) as [keyof Thresholds, number][]) {
    const flag = flags[k];
    out[k] = flag === undefined ? v : k === 'checkRate' ? Math.max(flag, v) : Math.min(flag, v);
  }
  return out;
}

/**
 * Everything that fails a load run under the gate, one line each: what fails a run without
 * a gate (breached k6 thresholds, k6 failing, loss at QoS 1/2, REST→MQTT messages lost at
 * QoS ≥ 1), except that `maxLossQos1` and `minRestToMqttRatio` replace the zero-loss rules
 * they name; a requirement the run could not measure fails too.
 */
export function loadGateProblems(report: LoadReport, gate: Gate, opts: { restQos?: number } = {}): string[] {
  const l = gate.load ?? {};
  const qos1 = report.swarm && !report.swarm.skipped ? report.swarm.delivery['1'] : undefined;
  // the built-in rules, less those the gate replaces
  const judged: LoadReport = l.maxLossQos1 !== undefined && qos1 && report.swarm ? { ...report, swarm: { ...report.swarm, delivery: { ...report.swarm.delivery, '1': { ...qos1, lost: 0 } } } } : report;
  const out = loadFailures(judged);
  const k6 = report.k6;
  if (k6?.skipped !== undefined && Object.keys(gateLoadThresholds(gate)).length) out.push(`the gate sets k6 thresholds but k6 did not run (${k6.skipped})`);
  if (k6 && !k6.skipped && k6.exitCode === 99 && k6.thresholds.every((t) => t.ok)) out.push('k6 reported a breached threshold (exit 99)');
  const c = k6?.capacity;
  if (c && c.kneeRate === undefined && !c.neverBroke) out.push(`capacity: even the first step (${c.steps[0]?.rate ?? '?'}/s) broke${c.steps[0]?.breaches.length ? `: ${c.steps[0].breaches.join(', ')}` : ''}`);

  if (l.maxLossQos1 !== undefined) {
    if (!qos1 || qos1.expected === 0) out.push('the gate sets load.maxLossQos1 but the run measured no QoS 1 delivery (run with --with-swarm and QoS 1 in --swarm-qos)');
    else if (qos1.lost / qos1.expected > l.maxLossQos1) {
      out.push(`QoS 1: ${formatCount(qos1.lost)} of ${formatCount(qos1.expected)} messages lost (${formatPercent(qos1.lost / qos1.expected)}), the gate allows ${formatPercent(l.maxLossQos1)} (load.maxLossQos1)`);
    }
  }
  const rest = report.restToMqtt;
  if (l.minRestToMqttRatio !== undefined) {
    if (!rest || rest.sent === 0) out.push('the gate sets load.minRestToMqttRatio but the run measured no REST→MQTT delivery (run with --with-swarm and a scenario that publishes)');
    else if (rest.ratio < l.minRestToMqttRatio) {
      out.push(`REST→MQTT: ${formatCount(rest.delivered)} of ${formatCount(rest.sent)} messages delivered (${formatPercent(rest.ratio)}), the gate needs ${formatPercent(l.minRestToMqttRatio)} (load.minRestToMqttRatio)`);
    }
  } else if (rest && (opts.restQos ?? 0) >= 1 && rest.delivered < rest.sent) {
    out.push(`REST→MQTT: ${formatCount(rest.sent - rest.delivered)} of ${formatCount(rest.sent)} messages accepted at QoS ${opts.restQos} never reached a subscriber`);
  }
  return out;
}

/** The gate's part of load.json: the thresholds k6 ran with and what failed under the gate. */
export function loadGateResult(loaded: LoadedGate, report: LoadReport, run: { thresholds: Thresholds; qos: number }): LoadGateResult {
  const problems = loadGateProblems(report, loaded.gate, { restQos: run.qos });
  return { file: loaded.file, passed: problems.length === 0, thresholds: run.thresholds, problems };
}

/** The lines the terminal shows after a gated load run: the verdict, then each problem. */
export function loadGateLines(g: LoadGateResult): string[] {
  return [`${g.passed ? '✓' : '✗'} gate ${g.file}: ${g.passed ? 'passed' : `failed (${g.problems.length} problem${g.problems.length === 1 ? '' : 's'})`}`, ...g.problems.map((p) => `  ✗ ${p}`)];
}
