// Turns what the suites left in reports/<run>/ (findings.jsonl, the status file, the
// target-down marker) into the RunReport every view is made from, with coverage, the
// coverage gate, per-endpoint latency and the response shapes (src/compare/shape.ts).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ApiVersion, catalog } from './catalog.ts';
import { type CheckKind, type Finding, failureFinding } from './findings.ts';
import { type RunShapes, mergeRunShapes, sortRunShapes } from './compare/shape.ts';
import type { EndpointLatency, RunReport } from './report/model.ts';

export interface CollectedRun {
  findings: Finding[];
  timings: { endpoint: string; ms: number }[];
  /** per target and endpoint, the shape of the successful answers; undefined when none was recorded */
  shapes?: RunShapes;
  status?: string;
  targetDown?: { reason: string; lastRequest?: string };
}

export function collectRun(reportDir: string, files = { log: 'findings.jsonl', status: 'playwright-status.json', down: '.target-down.json' }): CollectedRun {
  const { findings, timings, shapes } = readLog(join(reportDir, files.log));
  const readJson = <T>(name: string): T | undefined => (existsSync(join(reportDir, name)) ? (JSON.parse(readFileSync(join(reportDir, name), 'utf8')) as T) : undefined);
  return {
    findings,
    timings,
    ...(shapes ? { shapes } : {}),
    status: readJson<{ status: string }>(files.status)?.status,
    targetDown: readJson(files.down),
  };
}

function readLog(path: string): Pick<CollectedRun, 'findings' | 'timings' | 'shapes'> {
  const findings: Finding[] = [];
  const timings: { endpoint: string; ms: number }[] = [];
  let shapes: RunShapes | undefined;
  if (existsSync(path)) {
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      // the reporter's records carry findings and timings; the workers' shape records only shapes
      const rec = JSON.parse(line) as { findings?: Finding[]; timings?: { endpoint: string; ms: number }[]; shapes?: RunShapes };
      findings.push(...(rec.findings ?? []));
      timings.push(...(rec.timings ?? []));
      if (rec.shapes) shapes = mergeRunShapes(shapes ?? {}, rec.shapes);
    }
  }
  return { findings, timings, ...(shapes ? { shapes: sortRunShapes(shapes) } : {}) };
}

export function latencyOf(timings: { endpoint: string; ms: number }[]): EndpointLatency[] {
  const by = new Map<string, number[]>();
  for (const t of timings) (by.get(t.endpoint) ?? by.set(t.endpoint, []).get(t.endpoint)!).push(t.ms);
  const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  return [...by.entries()]
    .map(([endpoint, ms]) => {
      const s = [...ms].sort((a, b) => a - b);
      const round = (x: number): number => Math.round(x * 10) / 10;
      return { endpoint, samples: s.length, p50Ms: round(pct(s, 0.5)), p95Ms: round(pct(s, 0.95)), maxMs: round(s.at(-1)!) };
    })
    .sort((a, b) => a.endpoint.localeCompare(b.endpoint));
}

export function coverageOf(versions: ApiVersion[], findings: Finding[]): RunReport['coverage'] {
  const checks = new Map<string, Set<CheckKind>>();
  for (const f of findings) (checks.get(f.endpoint) ?? checks.set(f.endpoint, new Set()).get(f.endpoint)!).add(f.check);
  return versions.flatMap((v) => catalog(v).map((e) => ({ endpoint: e.id, method: e.method, path: e.path, checks: [...(checks.get(e.id) ?? [])].sort() })));
}

/** The gate: in a complete run, an endpoint no check touched is a failure of the suite itself. */
export function coverageGaps(coverage: RunReport['coverage']): Finding[] {
  return coverage
    .filter((c) => c.checks.length === 0)
    .map((c) => failureFinding(c.endpoint, 'status', `${c.method} ${c.path}: no contract test covered this endpoint (coverage gate)`));
}
