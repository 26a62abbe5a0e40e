// Is this parsed JSON a LoadReport? `report merge` and `report RUN_DIR` read files a user
// names (a shard's load.json, a line from `swarm --print-report`), and a wrong file has to be
// refused with what is wrong and where, not crash a view halfway. The checks follow
// src/load/model.ts field by field; fields the model does not know are let through, so a
// newer harness's report still reads.
import { decodeHistogram } from '../histogram.ts';
import type { LoadReport } from '../model.ts';

/** What is wrong with `value` as a LoadReport, one line per problem (`k6.totals.requests: …`); empty when it is one. */
export function loadReportProblems(value: unknown): string[] {
  const problems: string[] = [];
  const c = new Checker(problems);
  if (!c.object(value, '(top level)')) return problems;
  const report = value as Record<string, unknown>;
  if (Array.isArray(report.findings)) return [...problems, '(top level): this is a contract report (findings.json), not a load report (load.json)'];
  if (c.object(report.run, 'run')) checkRun(c, report.run as Record<string, unknown>);
  if (report.k6 !== undefined && c.object(report.k6, 'k6')) checkK6(c, report.k6 as Record<string, unknown>);
  if (report.swarm !== undefined && c.object(report.swarm, 'swarm')) checkSwarm(c, report.swarm as Record<string, unknown>);
  if (report.restToMqtt !== undefined && c.object(report.restToMqtt, 'restToMqtt')) {
    const r = report.restToMqtt as Record<string, unknown>;
    for (const k of ['sent', 'delivered', 'duplicated', 'ratio']) c.count(r[k], `restToMqtt.${k}`, k === 'ratio');
    c.optionalHistogram(r.latency, 'restToMqtt.latency');
  }
  return problems;
}

export function isLoadReport(value: unknown): value is LoadReport {
  return loadReportProblems(value).length === 0;
}

function checkRun(c: Checker, run: Record<string, unknown>): void {
  c.string(run.id, 'run.id');
  if (run.kind !== 'load') c.fail('run.kind', `should be "load", is ${run.kind === undefined ? 'missing' : show(run.kind)}`);
  for (const k of ['target', 'profile', 'harnessVersion']) c.string(run[k], `run.${k}`);
  for (const k of ['emqxVersion', 'scenario']) if (run[k] !== undefined) c.string(run[k], `run.${k}`);
  c.date(run.startedAt, 'run.startedAt');
  if (run.finishedAt !== undefined) c.date(run.finishedAt, 'run.finishedAt');
  if (run.interrupted !== undefined && c.object(run.interrupted, 'run.interrupted')) c.string((run.interrupted as Record<string, unknown>).reason, 'run.interrupted.reason');
  if (!(Number.isInteger(run.shards) && (run.shards as number) >= 1)) c.fail('run.shards', `should be a whole number ≥ 1, is ${show(run.shards)}`);
  if (run.notes !== undefined && !(Array.isArray(run.notes) && run.notes.every((n) => typeof n === 'string'))) c.fail('run.notes', 'should be a list of strings');
}

function checkK6(c: Checker, k6: Record<string, unknown>): void {
  if (k6.skipped !== undefined) c.string(k6.skipped, 'k6.skipped');
  c.string(k6.scenario, 'k6.scenario');
  c.string(k6.profile, 'k6.profile');
  if (k6.exitCode !== undefined && !Number.isInteger(k6.exitCode)) c.fail('k6.exitCode', `should be a whole number, is ${show(k6.exitCode)}`);
  if (k6.k6Version !== undefined) c.string(k6.k6Version, 'k6.k6Version');
  if (c.array(k6.thresholds, 'k6.thresholds')) {
    (k6.thresholds as unknown[]).forEach((t, i) => {
      const at = `k6.thresholds[${i}]`;
      if (!c.object(t, at)) return;
      const r = t as Record<string, unknown>;
      c.string(r.metric, `${at}.metric`);
      c.string(r.expression, `${at}.expression`);
      if (typeof r.ok !== 'boolean') c.fail(`${at}.ok`, `should be true or false, is ${show(r.ok)}`);
    });
  }
  if (c.object(k6.totals, 'k6.totals')) {
    const t = k6.totals as Record<string, unknown>;
    for (const k of ['requests', 'failedRequests', 'codeErrors', 'checksPassed', 'checksFailed', 'iterations', 'droppedIterations']) c.count(t[k], `k6.totals.${k}`);
    if (t.messagesAccepted !== undefined) c.count(t.messagesAccepted, 'k6.totals.messagesAccepted');
  }
  c.optionalHistogram(k6.latency, 'k6.latency');
  c.optionalHistogramMap(k6.latencyByEndpoint, 'k6.latencyByEndpoint');
  c.optionalHistogramMap(k6.latencyByPageDepth, 'k6.latencyByPageDepth');
  c.timeline(k6.timeline, 'k6.timeline');
  if (k6.capacity !== undefined && c.object(k6.capacity, 'k6.capacity')) {
    const cap = k6.capacity as Record<string, unknown>;
    if (c.array(cap.steps, 'k6.capacity.steps')) {
      (cap.steps as unknown[]).forEach((s, i) => {
        const at = `k6.capacity.steps[${i}]`;
        if (!c.object(s, at)) return;
        const step = s as Record<string, unknown>;
        for (const k of ['rate', 'startS', 'durationS', 'achievedRate', 'p95Ms', 'p99Ms', 'failedRate', 'codeErrorRate', 'checkRate', 'droppedIterations']) c.count(step[k], `${at}.${k}`, true);
        if (typeof step.held !== 'boolean') c.fail(`${at}.held`, `should be true or false, is ${show(step.held)}`);
        if (!(Array.isArray(step.breaches) && step.breaches.every((b) => typeof b === 'string'))) c.fail(`${at}.breaches`, 'should be a list of strings');
      });
    }
    if (cap.kneeRate !== undefined) c.count(cap.kneeRate, 'k6.capacity.kneeRate', true);
    if (typeof cap.neverBroke !== 'boolean') c.fail('k6.capacity.neverBroke', `should be true or false, is ${show(cap.neverBroke)}`);
    c.count(cap.highestRateTried, 'k6.capacity.highestRateTried', true);
  }
}

function checkSwarm(c: Checker, swarm: Record<string, unknown>): void {
  if (swarm.skipped !== undefined) c.string(swarm.skipped, 'swarm.skipped');
  if (c.object(swarm.clients, 'swarm.clients')) {
    const cl = swarm.clients as Record<string, unknown>;
    for (const k of ['target', 'connected', 'failed']) c.count(cl[k], `swarm.clients.${k}`);
    if (c.object(cl.failuresByReason, 'swarm.clients.failuresByReason')) {
      for (const [reason, n] of Object.entries(cl.failuresByReason as Record<string, unknown>)) c.count(n, `swarm.clients.failuresByReason[${JSON.stringify(reason)}]`);
    }
  }
  c.optionalHistogram(swarm.connectLatency, 'swarm.connectLatency');
  c.optionalHistogram(swarm.subscribeLatency, 'swarm.subscribeLatency');
  if (c.object(swarm.e2eLatency, 'swarm.e2eLatency')) c.optionalHistogramMap(swarm.e2eLatency, 'swarm.e2eLatency');
  if (c.object(swarm.delivery, 'swarm.delivery')) {
    for (const [qos, d] of Object.entries(swarm.delivery as Record<string, unknown>)) {
      const at = `swarm.delivery[${JSON.stringify(qos)}]`;
      if (!c.object(d, at)) continue;
      for (const k of ['published', 'expected', 'received', 'lost', 'duplicated']) c.count((d as Record<string, unknown>)[k], `${at}.${k}`);
    }
  }
  c.timeline(swarm.timeline, 'swarm.timeline');
  if (swarm.cpu !== undefined && c.object(swarm.cpu, 'swarm.cpu')) {
    for (const k of ['userMs', 'systemMs', 'cores']) c.count((swarm.cpu as Record<string, unknown>)[k], `swarm.cpu.${k}`, true);
  }
}

/** Collects problems; each check says whether the value passed, so callers descend only into good objects. */
class Checker {
  constructor(private readonly problems: string[]) {}

  fail(at: string, what: string): false {
    if (this.problems.length < MAX_PROBLEMS) this.problems.push(`${at}: ${what}`);
    return false;
  }

  object(v: unknown, at: string): boolean {
    return (v !== null && typeof v === 'object' && !Array.isArray(v)) || this.fail(at, `should be an object, is ${v === undefined ? 'missing' : show(v)}`);
  }

  array(v: unknown, at: string): boolean {
    return Array.isArray(v) || this.fail(at, `should be a list, is ${v === undefined ? 'missing' : show(v)}`);
  }

  string(v: unknown, at: string): boolean {
    return typeof v === 'string' || this.fail(at, `should be a string, is ${v === undefined ? 'missing' : show(v)}`);
  }

  date(v: unknown, at: string): boolean {
    if (!this.string(v, at)) return false;
    return Number.isFinite(Date.parse(v as string)) || this.fail(at, `should be an ISO date and time, is ${show(v)}`);
  }

  /** a number ≥ 0; whole unless `fractional` */
  count(v: unknown, at: string, fractional = false): boolean {
    const ok = typeof v === 'number' && Number.isFinite(v) && v >= 0 && (fractional || Number.isInteger(v));
    return ok || this.fail(at, `should be a ${fractional ? '' : 'whole '}number ≥ 0, is ${v === undefined ? 'missing' : show(v)}`);
  }

  optionalHistogram(v: unknown, at: string): void {
    if (v === undefined || !this.object(v, at)) return;
    const h = v as Record<string, unknown>;
    this.count(h.count, `${at}.count`);
    for (const k of ['p50', 'p90', 'p95', 'p99', 'max']) this.count(h[k], `${at}.${k}`, true);
    if (!this.string(h.hdr, `${at}.hdr`)) return;
    // an encoded histogram that does not decode would only fail later, in the middle of a merge
    try {
      decodeHistogram(h.hdr as string);
    } catch {
      this.fail(`${at}.hdr`, 'is not an encoded HDR histogram (hdr-histogram-js compressed base64)');
    }
  }

  optionalHistogramMap(v: unknown, at: string): void {
    if (v === undefined || !this.object(v, at)) return;
    for (const [key, h] of Object.entries(v as Record<string, unknown>)) {
      if (h === undefined) this.fail(`${at}[${JSON.stringify(key)}]`, 'is missing');
      else this.optionalHistogram(h, `${at}[${JSON.stringify(key)}]`);
    }
  }

  timeline(v: unknown, at: string): void {
    if (!this.array(v, at)) return;
    (v as unknown[]).forEach((p, i) => {
      if (!this.object(p, `${at}[${i}]`)) return;
      for (const [metric, value] of Object.entries(p as Record<string, unknown>)) {
        if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(`${at}[${i}].${metric}`, `should be a number, is ${show(value)}`);
      }
      if (!('t' in (p as object))) this.fail(`${at}[${i}].t`, 'is missing');
    });
  }
}

const MAX_PROBLEMS = 20;

function show(v: unknown): string {
  if (v === undefined) return 'undefined';
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}
