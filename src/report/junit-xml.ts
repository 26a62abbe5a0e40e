// The JUnit XML both kinds of run write (contract: one case per finding; load: one per
// threshold and per QoS): one shape of case and suite, one way to write them.
import { escapeAttr } from './text.ts';

export type JunitKind = 'pass' | 'failure' | 'error' | 'skipped';

export interface JunitCase {
  name: string;
  classname: string;
  kind: JunitKind;
  /** the testcase's child elements (failure / error / skipped, system-out); empty for a bare pass */
  xml: string;
}

export interface JunitSuite {
  name: string;
  cases: JunitCase[];
}

// CI tools key a test's history on classname + name; two cases with one name would collapse into one.
export function uniqueNames(cases: JunitCase[]): JunitCase[] {
  const seen = new Map<string, number>();
  return cases.map((c) => {
    const key = `${c.classname}\u0000${c.name}`;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return n === 1 ? c : { ...c, name: `${c.name} (${n})` };
  });
}

function totals(cases: JunitCase[]): string {
  const count = (kind: JunitKind): number => cases.filter((c) => c.kind === kind).length;
  return `tests="${cases.length}" failures="${count('failure')}" errors="${count('error')}" skipped="${count('skipped')}"`;
}

function suiteXml(suite: JunitSuite, timestamp: string, properties: string): string {
  return [
    `  <testsuite name="${escapeAttr(suite.name)}" ${totals(suite.cases)} time="0" timestamp="${escapeAttr(timestamp)}">`,
    '    <properties>',
    properties,
    '    </properties>',
    ...suite.cases.map(caseXml),
    '  </testsuite>',
  ].join('\n');
}

function caseXml(c: JunitCase): string {
  const open = `    <testcase name="${escapeAttr(c.name)}" classname="${escapeAttr(c.classname)}" time="0"`;
  return c.xml ? `${open}>\n      ${c.xml}\n    </testcase>` : `${open}/>`;
}

/** The whole document: every suite carries the run's properties. */
export function junitDocument(name: string, suites: JunitSuite[], run: { startedAt: string; seconds: number }, properties: [string, string][]): string {
  const props = properties.map(([k, v]) => `      <property name="${escapeAttr(k)}" value="${escapeAttr(v)}"/>`).join('\n');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${escapeAttr(name)}" ${totals(suites.flatMap((s) => s.cases))} time="${run.seconds.toFixed(3)}">`,
    ...suites.map((s) => suiteXml(s, run.startedAt, props)),
    '</testsuites>',
    '',
  ].join('\n');
}
