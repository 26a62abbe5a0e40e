// Writes a load run's folder: load.json (the LoadReport itself) and its views, load.html and
// junit.xml, each through the one redaction and atomically, then points `latest` at the run
// when it is the newest, with the same helpers as the contract report (src/report/write.ts).
// A run folder can hold both a contract and a load run; neither writer touches the other's
// files, except junit.xml, which the run that writes last owns.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { redact, redactStrings } from '../report/redact.ts';
import { isNewestRun, pointLatestAt, writeAtomically } from '../report/write.ts';
import type { LoadReport } from './model.ts';
import { loadHtml } from './report/html.ts';
import { loadJunitXml } from './report/junit.ts';

export { loadTerminalSummary, type LoadTerminalOptions } from './report/terminal.ts';

export const LOAD_REPORT_FILES = ['load.json', 'load.html', 'junit.xml'] as const;

export interface WriteLoadOptions {
  /** replaced by *** in every file */
  secrets?: string[];
  /**
   * Write here rather than `<reportsRoot>/<run.id>` (re-rendering a folder that was moved or
   * renamed, `report merge --out`). `latest` is then left alone, since it names runs by id.
   */
  dir?: string;
}

export function writeLoadReport(
  reportsRoot: string,
  report: LoadReport,
  opts: WriteLoadOptions = {},
): { dir: string; files: string[] } {
  const secrets = opts.secrets ?? [];
  const usual = join(reportsRoot, report.run.id);
  const dir = opts.dir ?? usual;
  mkdirSync(dir, { recursive: true });

  // As for the contract report: the data is redacted first, so no encoding a view applies can
  // hide a secret from the final pass, and the final pass guards what a view adds itself.
  const clean = redactStrings(report, secrets);
  const scrub = (text: string): string => redact(text, secrets);
  const views: Record<(typeof LOAD_REPORT_FILES)[number], () => string> = {
    'load.json': () => scrub(loadJson(clean)),
    // the page redacts its own text; the inlined uPlot library is left as shipped (see html.ts)
    'load.html': () => loadHtml(clean, { ownText: scrub }),
    'junit.xml': () => scrub(loadJunitXml(clean)),
  };
  const files = LOAD_REPORT_FILES.map((name) => {
    const path = join(dir, name);
    writeAtomically(path, views[name]());
    return path;
  });

  if (resolve(dir) === resolve(usual) && isNewestRun(reportsRoot, report)) pointLatestAt(reportsRoot, report.run.id);
  return { dir, files };
}

/** load.json: the report as it is, 2-space JSON and a final newline. */
export function loadJson(report: LoadReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
