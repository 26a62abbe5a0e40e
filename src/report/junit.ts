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
import { type JunitCase, type JunitSuite, junitDocument, uniqueNames } from './junit-xml.ts';
import { describeInterruption, describePointer, durationMs } from './facts.ts';
import { endpointDirectory, endpointLabel, findingsByEndpoint, groupBy, type EndpointInfo } from './group.ts';

type Outcome = Pick<JunitCase, 'kind' | 'xml'>;

export function junitXml(report: RunReport): string {
  const directory = endpointDirectory(report);
  const byEndpoint = findingsByEndpoint(report.findings, directory);
  const suites = [...groupBy(byEndpoint, ({ endpoint }) => suiteName(endpoint)).entries()].map(
    ([name, groups]): JunitSuite => ({
      name,
      cases: uniqueNames(groups.flatMap(({ endpoint, findings }) => findings.map((f) => findingCase(f, endpoint)))),
    }),
  );
  // An interrupted run must not look green in CI just because the checks that ran passed.
  if (report.run.interrupted) suites.push(interruptionSuite(report));

  return junitDocument(`emqx-api-harness ${report.run.id}`, suites, { startedAt: report.run.startedAt, seconds: (durationMs(report.run) ?? 0) / 1000 }, runProperties(report));
}

function suiteName(e: EndpointInfo): string {
  return `${e.apiVersion}.${e.area}`;
}

function findingCase(f: Finding, endpoint: EndpointInfo): JunitCase {
  const pointer = f.pointer === undefined ? '' : ` ${readablePointer(f.pointer)}`;
  return { name: `${f.endpoint} ${f.check}${pointer}`, classname: f.endpoint, ...outcome(f, endpoint) };
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

function interruptionSuite(report: RunReport): JunitSuite {
  const reason = `interrupted: ${describeInterruption(report.run)}`;
  return {
    name: 'run',
    cases: [
      {
        name: 'run completed',
        classname: 'run',
        kind: 'error',
        xml: `<error message="${escapeAttr(reason)}" type="interrupted"/>`,
      },
    ],
  };
}

function runProperties(report: RunReport): [string, string][] {
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
  return props;
}
