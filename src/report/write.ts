// Writes a run's report folder: findings.json and the views of it, each through the one
// redaction, then points `latest` at the run. Safe for a partial run: Ctrl-C calls this with
// whatever findings exist, so nothing here assumes a finished run.
import { existsSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunReport } from './model.ts';
import { redact, redactStrings } from './redact.ts';
import { junitXml } from './junit.ts';
import { summaryMarkdown } from './markdown.ts';
import { reportHtml } from './html.ts';

export const REPORT_FILES = ['findings.json', 'junit.xml', 'summary.md', 'index.html'] as const;

export function writeReport(
  reportsRoot: string,
  report: RunReport,
  opts: { secrets?: string[] } = {},
): { dir: string; files: string[] } {
  const secrets = opts.secrets ?? [];
  const dir = join(reportsRoot, report.run.id);
  mkdirSync(dir, { recursive: true });

  // Redacting the data first keeps every encoding a view applies (JSON, XML, HTML) from
  // hiding a secret from the final pass; the final pass guards anything a view adds itself.
  const clean = redactStrings(report, secrets);
  const views: Record<(typeof REPORT_FILES)[number], () => string> = {
    'findings.json': () => findingsJson(clean),
    'junit.xml': () => junitXml(clean),
    'summary.md': () => summaryMarkdown(clean),
    'index.html': () => reportHtml(clean),
  };
  const files = REPORT_FILES.map((name) => {
    const path = join(dir, name);
    writeAtomically(path, redact(views[name](), secrets));
    return path;
  });

  if (isNewestRun(reportsRoot, report)) pointLatestAt(reportsRoot, report.run.id);
  return { dir, files };
}

/**
 * Exactly the keys of the model, in the documented order (`gate` only when the run had one,
 * `shapes` only when it recorded some), whatever else the object carries.
 */
export function findingsJson(report: RunReport): string {
  const { run, findings, coverage, latency, gate, shapes } = report;
  return `${JSON.stringify({ run, findings, coverage, latency, ...(gate ? { gate } : {}), ...(shapes ? { shapes } : {}) }, null, 2)}\n`;
}

// A reader (a browser on `latest`, CI uploading artifacts) never sees a half-written file.
export function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** The facts `latest` is decided on; contract (findings.json) and load (load.json) runs both carry them. */
export interface RunStamp {
  run: { id: string; startedAt: string };
}

// Re-rendering an older run (`emqx-harness report`) must not steal `latest` from a newer one.
// The run `latest` points at is a contract run (findings.json), a load run (load.json) or both.
export function isNewestRun(reportsRoot: string, report: RunStamp): boolean {
  try {
    const dir = latestRunDir(reportsRoot);
    const file = ['findings.json', 'load.json'].map((name) => join(dir, name)).find((path) => existsSync(path));
    if (!file) return true;
    const current = JSON.parse(readFileSync(file, 'utf8')) as RunStamp;
    if (current.run.id === report.run.id) return true;
    const theirs = Date.parse(current.run.startedAt);
    const ours = Date.parse(report.run.startedAt);
    return !(Number.isFinite(theirs) && Number.isFinite(ours) && theirs > ours);
  } catch {
    return true; // no latest yet, or one that no longer reads: take it
  }
}

function latestRunDir(reportsRoot: string): string {
  const latest = join(reportsRoot, 'latest');
  return lstatSync(latest).isFile() ? join(reportsRoot, readFileSync(latest, 'utf8').trim()) : latest;
}

/**
 * `latest` is a relative symlink (the folder can be moved or mounted elsewhere), replaced by
 * a rename so it never dangles or vanishes mid-update. Where symlinks are not allowed
 * (Windows without developer mode, some mounted volumes) it is a text file holding the run id.
 */
export function pointLatestAt(reportsRoot: string, runId: string): void {
  const latest = join(reportsRoot, 'latest');
  const tmp = join(reportsRoot, `.latest.${process.pid}.tmp`);
  rmSync(tmp, { force: true });
  try {
    symlinkSync(runId, tmp, 'dir');
    renameSync(tmp, latest);
  } catch {
    rmSync(tmp, { force: true });
    writeAtomically(latest, `${runId}\n`);
  }
}
