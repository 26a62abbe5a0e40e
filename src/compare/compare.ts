// Two runs in, one CompareReport out: the run facts of each side, the comparison of their
// kind, and the gate (newly failing checks or load regressions fail it).
import type { LoadReport } from '../load/model.ts';
import type { RunReport } from '../report/model.ts';
import { compareContractRuns } from './contract.ts';
import type { LoadedRun } from './inputs.ts';
import { compareLoadRuns, DEFAULT_TOLERANCE } from './load.ts';
import type { CompareReport, RunSide } from './model.ts';

export function compareRuns(a: LoadedRun, b: LoadedRun, opts: { tolerance?: number } = {}): CompareReport {
  if (a.kind === 'contract' && b.kind === 'contract') {
    const { comparison, notes } = compareContractRuns(a.report, b.report);
    const failing = comparison.changes.filter((c) => c.gates);
    if (a.report.run.interrupted) notes.push(`A was interrupted (${a.report.run.interrupted.reason}): only the checks that ran are compared.`);
    if (b.report.run.interrupted) notes.push(`B was interrupted (${b.report.run.interrupted.reason}): only the checks that ran are compared.`);
    return {
      kind: 'contract',
      a: contractSide(a.report, a.source),
      b: contractSide(b.report, b.source),
      gate: failing.length ? { verdict: 'fail', reasons: [`${failing.length} newly failing check${failing.length === 1 ? '' : 's'}`] } : { verdict: 'pass', reasons: [] },
      notes,
      contract: comparison,
    };
  }
  if (a.kind === 'load' && b.kind === 'load') {
    const tolerance = opts.tolerance ?? DEFAULT_TOLERANCE;
    const { comparison, notes } = compareLoadRuns(a.report, b.report, tolerance);
    const regressions = comparison.metrics.filter((m) => m.verdict === 'regression');
    return {
      kind: 'load',
      a: loadSide(a.report, a.source),
      b: loadSide(b.report, b.source),
      gate: regressions.length
        ? { verdict: 'fail', reasons: [`${regressions.length} load regression${regressions.length === 1 ? '' : 's'} beyond ${Math.round(tolerance * 1000) / 10}%: ${named(regressions.map((m) => m.label))}`] }
        : { verdict: 'pass', reasons: [] },
      notes,
      load: comparison,
    };
  }
  throw new Error('compareRuns: a contract run and a load run (chooseRuns refuses this)');
}

function named(labels: string[], max = 3): string {
  return labels.length <= max ? labels.join(', ') : `${labels.slice(0, max).join(', ')} and ${labels.length - max} more`;
}

function contractSide(r: RunReport, source: string): RunSide {
  return {
    id: r.run.id,
    source,
    target: r.run.target,
    ...(r.run.apiVersion ? { apiVersion: r.run.apiVersion } : {}),
    ...(r.run.emqxVersion ? { emqxVersion: r.run.emqxVersion } : {}),
    profile: r.run.profile,
    startedAt: r.run.startedAt,
    ...(r.run.interrupted ? { interrupted: r.run.interrupted.reason } : {}),
  };
}

function loadSide(r: LoadReport, source: string): RunSide {
  return {
    id: r.run.id,
    source,
    target: r.run.target,
    ...(r.run.emqxVersion ? { emqxVersion: r.run.emqxVersion } : {}),
    profile: r.run.profile,
    startedAt: r.run.startedAt,
    ...(r.run.scenario ? { scenario: r.run.scenario } : {}),
    ...(r.run.interrupted ? { interrupted: r.run.interrupted.reason } : {}),
  };
}
