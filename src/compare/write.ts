// Writes a comparison's files (compare.md, compare.json, compare.html) as the run reports are
// written: the data redacted first, each view redacted again as text (the one redaction,
// src/report/redact.ts), each file replaced atomically.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { redact, redactStrings } from '../report/redact.ts';
import { writeAtomically } from '../report/write.ts';
import { compareHtml } from './html.ts';
import { compareMarkdown } from './markdown.ts';
import type { CompareReport } from './model.ts';

export const COMPARE_FILES = ['compare.md', 'compare.json', 'compare.html'] as const;

export function compareJson(report: CompareReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** The views of a comparison as they are written: redacted. */
export function compareViews(report: CompareReport, secrets: string[] = []): Record<(typeof COMPARE_FILES)[number], string> {
  const clean = redactStrings(report, secrets);
  return {
    'compare.md': redact(compareMarkdown(clean), secrets),
    'compare.json': redact(compareJson(clean), secrets),
    'compare.html': redact(compareHtml(clean), secrets),
  };
}

export function writeCompare(dir: string, report: CompareReport, opts: { secrets?: string[] } = {}): string[] {
  mkdirSync(dir, { recursive: true });
  const views = compareViews(report, opts.secrets ?? []);
  return COMPARE_FILES.map((name) => {
    const path = join(dir, name);
    writeAtomically(path, views[name]);
    return path;
  });
}
