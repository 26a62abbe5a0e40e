// What `compare` reads: two run folders, or their findings.json / load.json, checked before
// anything is compared. Every wrong input is one UsageError line naming the argument and what
// is wrong with it (exit 2): a missing path, a folder that holds no run, a file that is not a
// report, a contract run against a load run.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors.ts';
import type { LoadReport } from '../load/model.ts';
import { loadReportProblems } from '../load/report/validate.ts';
import type { RunReport } from '../report/model.ts';

export type LoadedRun = { kind: 'contract'; report: RunReport; source: string } | { kind: 'load'; report: LoadReport; source: string };

/** The runs one argument can stand for: a folder may hold a contract run, a load run, or both. */
export interface RunCandidates {
  arg: string;
  contract?: LoadedRun & { kind: 'contract' };
  load?: LoadedRun & { kind: 'load' };
}

export function readRunArgument(arg: string): RunCandidates {
  const path = resolve(arg);
  if (!existsSync(path)) throw new UsageError(`${arg}: no such file or folder`);
  if (statSync(path).isDirectory()) return readFolder(arg, path);
  const text = readText(arg, path);
  // `latest` is a text file holding the run id where symlinks are not allowed (src/report/write.ts)
  const id = text.trim();
  if (/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(id) && !id.includes('\n') && existsSync(join(dirname(path), id)) && statSync(join(dirname(path), id)).isDirectory()) {
    return readFolder(arg, join(dirname(path), id));
  }
  const value = parseJson(arg, text);
  const contract = contractReportProblems(value);
  if (contract.length === 0) return { arg, contract: { kind: 'contract', report: value as RunReport, source: arg } };
  const load = loadReportProblems(value);
  if (load.length === 0) return { arg, load: { kind: 'load', report: value as LoadReport, source: arg } };
  const looksContract = value !== null && typeof value === 'object' && 'findings' in value;
  const problems = looksContract ? contract : load;
  throw new UsageError(`${arg}: not a ${looksContract ? 'contract report (findings.json)' : 'load report (load.json)'}: ${summarize(problems)}`);
}

function readFolder(arg: string, dir: string): RunCandidates {
  const out: RunCandidates = { arg };
  const findings = join(dir, 'findings.json');
  const load = join(dir, 'load.json');
  if (!existsSync(findings) && !existsSync(load)) throw new UsageError(`${arg}: the folder holds neither findings.json nor load.json (not a run folder)`);
  if (existsSync(findings)) {
    const shown = join(arg, 'findings.json');
    const value = parseJson(shown, readText(shown, findings));
    const problems = contractReportProblems(value);
    if (problems.length) throw new UsageError(`${shown}: not a contract report: ${summarize(problems)}`);
    out.contract = { kind: 'contract', report: value as RunReport, source: shown };
  }
  if (existsSync(load)) {
    const shown = join(arg, 'load.json');
    const value = parseJson(shown, readText(shown, load));
    const problems = loadReportProblems(value);
    if (problems.length) throw new UsageError(`${shown}: not a load report: ${summarize(problems)}`);
    out.load = { kind: 'load', report: value as LoadReport, source: shown };
  }
  return out;
}

/** Two contract runs or two load runs; anything else is a usage error naming what each argument holds. */
export function chooseRuns(a: RunCandidates, b: RunCandidates): { a: LoadedRun; b: LoadedRun } {
  const kinds = (['contract', 'load'] as const).filter((k) => a[k] && b[k]);
  if (kinds.length === 1) {
    const k = kinds[0]!;
    return { a: a[k]!, b: b[k]! };
  }
  if (kinds.length === 2) {
    throw new UsageError(`${a.arg} and ${b.arg} both hold a contract run and a load run; name the files to compare (findings.json or load.json)`);
  }
  const holds = (c: RunCandidates): string => (c.contract && c.load ? 'a contract and a load run' : c.contract ? 'a contract run' : 'a load run');
  throw new UsageError(`${a.arg} holds ${holds(a)} and ${b.arg} holds ${holds(b)}: compare two contract runs or two load runs`);
}

/** What is wrong with a value as findings.json, enough for a comparison not to crash; empty when nothing is. */
export function contractReportProblems(value: unknown): string[] {
  const problems: string[] = [];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return ['(top level): should be an object'];
  const v = value as Record<string, unknown>;
  const run = v.run as Record<string, unknown> | undefined;
  if (!run || typeof run !== 'object' || Array.isArray(run)) problems.push('run: should be an object');
  else {
    for (const k of ['id', 'startedAt']) if (typeof run[k] !== 'string') problems.push(`run.${k}: should be a string`);
    for (const k of ['apiVersion', 'emqxVersion', 'target', 'profile']) if (run[k] !== undefined && typeof run[k] !== 'string') problems.push(`run.${k}: should be a string`);
    if (run.kind === 'load') problems.push('run.kind: this is a load report (load.json), not a contract report (findings.json)');
  }
  if (!Array.isArray(v.findings)) problems.push('findings: should be a list');
  else {
    (v.findings as unknown[]).forEach((f, i) => {
      if (problems.length >= 5) return;
      const x = f as Record<string, unknown> | null;
      if (!x || typeof x !== 'object') problems.push(`findings[${i}]: should be an object`);
      else for (const k of ['endpoint', 'check', 'verdict', 'message']) if (typeof x[k] !== 'string') problems.push(`findings[${i}].${k}: should be a string`);
    });
  }
  if (!Array.isArray(v.coverage)) problems.push('coverage: should be a list');
  if (!Array.isArray(v.latency)) problems.push('latency: should be a list');
  if (v.shapes !== undefined && (v.shapes === null || typeof v.shapes !== 'object' || Array.isArray(v.shapes))) problems.push('shapes: should be an object');
  return problems;
}

function readText(shown: string, path: string): string {
  try {
    const text = readFileSync(path, 'utf8');
    if (text.trim() === '') throw new UsageError(`${shown}: the file is empty`);
    return text;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${shown}: cannot read it: ${(e as Error).message.split('\n')[0]}`);
  }
}

function parseJson(shown: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${shown}: not a report: not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
}

function summarize(problems: string[]): string {
  const shown = problems.slice(0, 3).join('; ');
  return problems.length > 3 ? `${shown}; and ${problems.length - 3} more` : shown;
}
