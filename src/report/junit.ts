// junit.xml as Jenkins, GitLab and the GitHub test reporters read it.
//
// One <testsuite> per API version and catalog area (`v4.clients`, `v3.rules`): CI pages list
// suites at the top level, and ~40 area suites follow the sections of the API documents,
// where ~140 endpoint suites of a few cases each would bury them. The endpoint is still one
// click down: it is each testcase's classname, which Jenkins splits at the last dot into
// package (`v4`) and class (`list_clients`).
import { readablePointer, type Finding } from '../findings.ts';
import { countByVerdict, type RunReport } from './model.ts';
import { escapeAttr, escapeText } from './text.ts';
import { describeInterruption, describePointer, durationMs } from './facts.ts';
import { endpointDirectory, endpointLabel, findingsByEndpoint, groupBy, type EndpointInfo } from './group.ts';

type OutcomeKind = 'pass' | 'failure' | 'skipped' | 'error';

interface Outcome {
  kind: OutcomeKind;
  /** the testcase's child element; empty for a pass */
  xml: string;
}

interface Case {
  name: string;
  classname: string;
  outcome: Outcome;
}

interface Suite {
  name: string;
  cases: Case[];
}

export function junitXml(report: RunReport): string {
  const directory = endpointDirectory(report);
  const byEndpoint = findingsByEndpoint(report.findings, directory);
  const suites = [...groupBy(byEndpoint, ({ endpoint }) => suiteName(endpoint)).entries()].map(
    ([name, groups]): Suite => ({
      name,
      cases: uniqueNames(groups.flatMap(({ endpoint, findings }) => findings.map((f) => findingCase(f, endpoint)))),
    }),
  );
  // An interrupted run must not look green in CI just because the checks that ran passed.
  if (report.run.interrupted) suites.push(interruptionSuite(report));

  const all = suites.flatMap((s) => s.cases);
  const seconds = ((durationMs(report.run) ?? 0) / 1000).toFixed(3);
  const properties = runProperties(report);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${escapeAttr(`emqx-api-harness ${report.run.id}`)}" ${totals(all)} time="${seconds}">`,
    ...suites.map((s) => suiteXml(s, report.run.startedAt, properties)),
    '</testsuites>',
    '',
  ].join('\n');
}

function suiteName(e: EndpointInfo): string {
  return `${e.apiVersion}.${e.area}`;
}

function findingCase(f: Finding, endpoint: EndpointInfo): Case {
  const pointer = f.pointer === undefined ? '' : ` ${readablePointer(f.pointer)}`;
  return { name: `${f.endpoint} ${f.check}${pointer}`, classname: f.endpoint, outcome: outcome(f, endpoint) };
}

function outcome(f: Finding, endpoint: EndpointInfo): Outcome {
  switch (f.verdict) {
    case 'pass':
      return { kind: 'pass', xml: '' };
    case 'fail':
      return {
        kind: 'failure',
        xml: `<failure message="${escapeAttr(f.message)}" type="${escapeAttr(f.check)}">${escapeText(failureBody(f, endpoint))}</failure>`,
      };
    case 'skipped':
      return skipped(`skipped: ${f.reason ?? f.message}`);
    case 'not-implemented':
      return skipped(`not implemented: ${f.reason ?? f.message}`);
    case 'waived':
      return skipped(`waived: ${f.reason ?? f.message}`);
    case 'known-deviation':
      return skipped(`known deviation: ${f.reason ?? f.message}`);
  }
}

function skipped(message: string): Outcome {
  return { kind: 'skipped', xml: `<skipped message="${escapeAttr(message)}"/>` };
}

function failureBody(f: Finding, endpoint: EndpointInfo): string {
  const lines = [f.message, `endpoint: ${f.endpoint} (${endpointLabel(endpoint)})`];
  if (f.pointer !== undefined) lines.push(`pointer: ${describePointer(f.pointer)}`);
  if (f.expected !== undefined) lines.push(`expected: ${f.expected}`);
  if (f.actual !== undefined) lines.push(`actual: ${f.actual}`);
  if (f.doc !== undefined) lines.push(`doc: ${f.doc}`);
  if (f.curl !== undefined) lines.push(`curl: ${f.curl}`);
  return lines.join('\n');
}

function interruptionSuite(report: RunReport): Suite {
  const reason = `interrupted: ${describeInterruption(report.run)}`;
  return {
    name: 'run',
    cases: [
      {
        name: 'run completed',
        classname: 'run',
        outcome: { kind: 'error', xml: `<error message="${escapeAttr(reason)}" type="interrupted"/>` },
      },
    ],
  };
}

// CI tools key a test's history on classname + name; two findings of one check without a
// pointer would otherwise collapse into one.
function uniqueNames(cases: Case[]): Case[] {
  const seen = new Map<string, number>();
  return cases.map((c) => {
    const key = `${c.classname}\u0000${c.name}`;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return n === 1 ? c : { ...c, name: `${c.name} (${n})` };
  });
}

function totals(cases: Case[]): string {
  const count = (kind: OutcomeKind): number => cases.filter((c) => c.outcome.kind === kind).length;
  return `tests="${cases.length}" failures="${count('failure')}" errors="${count('error')}" skipped="${count('skipped')}"`;
}

function runProperties(report: RunReport): string {
  const { run } = report;
  const counts = countByVerdict(report.findings);
  const props: [string, string][] = [
    ['run', run.id],
    ['target', run.target],
    ['apiVersion', run.apiVersion],
    ['emqxVersion', run.emqxVersion ?? 'unknown'],
    ['profile', run.profile],
    ['not-implemented', String(counts['not-implemented'])],
    ['waived', String(counts.waived)],
  ];
  return props.map(([k, v]) => `      <property name="${escapeAttr(k)}" value="${escapeAttr(v)}"/>`).join('\n');
}

function suiteXml(suite: Suite, timestamp: string, properties: string): string {
  return [
    `  <testsuite name="${escapeAttr(suite.name)}" ${totals(suite.cases)} time="0" timestamp="${escapeAttr(timestamp)}">`,
    '    <properties>',
    properties,
    '    </properties>',
    ...suite.cases.map(caseXml),
    '  </testsuite>',
  ].join('\n');
}

function caseXml(c: Case): string {
  const open = `    <testcase name="${escapeAttr(c.name)}" classname="${escapeAttr(c.classname)}" time="0"`;
  return c.outcome.xml ? `${open}>\n      ${c.outcome.xml}\n    </testcase>` : `${open}/>`;
}
