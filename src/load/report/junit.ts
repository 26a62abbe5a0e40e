// junit.xml of a load run, for the same CI test reporters as the contract run's. What a CI
// page should list as a test is what can fail the run:
//
//   k6.thresholds   one case per threshold; a breach is a failure naming metric and expression
//   k6              k6 itself: an error when it failed (exit code neither 0 nor 99)
//   swarm.delivery  one case per QoS; a loss at QoS 1 or 2 is a failure (QoS 0 is at most
//                   once by definition: its loss is reported, not failed)
//   run             an error when the run was interrupted, so a cut-short run never looks green
//
// A part that did not run is a skipped case with the reason. Counts, latency and the knee are
// properties and system-out: they are facts, not verdicts.
import { escapeAttr, escapeText } from '../../report/text.ts';
import { type JunitCase, type JunitSuite, junitDocument, uniqueNames } from '../../report/junit-xml.ts';
import type { LoadReport } from '../model.ts';
import {
  deliveryRows,
  describeK6Exit,
  formatCount,
  formatPercent,
  kneeFacts,
  latencyTriple,
  reportNotes,
  runDurationS,
  skippedParts,
} from './facts.ts';

type Case = JunitCase;
type Suite = JunitSuite;

export function loadJunitXml(report: LoadReport): string {
  const suites: Suite[] = [];
  const skipped = new Map(skippedParts(report).map((s) => [s.part, s.reason]));
  const k6 = report.k6;
  if (k6) {
    const reason = skipped.get('k6');
    if (reason !== undefined) suites.push({ name: 'k6', cases: [skippedCase('k6', 'k6', `k6 part skipped: ${reason}`)] });
    else {
      const classname = `k6.${k6.scenario}`;
      const cases = k6.thresholds.map((t): Case => {
        const name = `${t.metric} ${t.expression}`;
        if (t.ok) return { name, classname, kind: 'pass', xml: '' };
        const body = [`metric: ${t.metric}`, `expression: ${t.expression}`, `scenario: ${k6.scenario}`, `profile: ${k6.profile}`].join('\n');
        return { name, classname, kind: 'failure', xml: `<failure message="${escapeAttr(`threshold breached: ${t.metric} ${t.expression}`)}" type="threshold">${escapeText(body)}</failure>` };
      });
      if (cases.length > 0) suites.push({ name: 'k6.thresholds', cases: uniqueNames(cases) });
      const exit = k6.exitCode;
      const failed = exit !== undefined && exit !== 0 && exit !== 99;
      suites.push({
        name: 'k6',
        cases: [
          {
            name: 'k6 completed',
            classname: 'k6',
            kind: failed ? 'error' : 'pass',
            xml: [
              failed ? `<error message="${escapeAttr(`k6 exited with ${exit} (${describeK6Exit(exit)})`)}" type="k6"/>` : '',
              systemOut(k6Facts(report)),
            ].filter(Boolean).join('\n      '),
          },
        ],
      });
    }
  }

  const swarm = report.swarm;
  if (swarm) {
    const reason = skipped.get('swarm');
    if (reason !== undefined) suites.push({ name: 'swarm', cases: [skippedCase('swarm', 'swarm', `swarm part skipped: ${reason}`)] });
    else {
      const cases = deliveryRows(swarm).map((row): Case => {
        const name = `QoS ${row.qos} delivery`;
        const facts = `published ${formatCount(row.published)}, expected ${formatCount(row.expected)}, received ${formatCount(row.received)}, lost ${formatCount(row.lost)} (${formatPercent(row.lossRate)}), duplicated ${formatCount(row.duplicated)}; end to end ${latencyTriple(row.e2e)}`;
        const out = systemOut(facts);
        if (!row.failed) return { name, classname: 'swarm.delivery', kind: 'pass', xml: out };
        const message = `QoS ${row.qos}: ${formatCount(row.lost)} of ${formatCount(row.expected)} messages lost (${formatPercent(row.lossRate)})`;
        return { name, classname: 'swarm.delivery', kind: 'failure', xml: `<failure message="${escapeAttr(message)}" type="loss">${escapeText(facts)}</failure>` };
      });
      if (cases.length > 0) suites.push({ name: 'swarm.delivery', cases });
    }
  }

  if (report.run.interrupted) {
    suites.push({
      name: 'run',
      cases: [{ name: 'run completed', classname: 'run', kind: 'error', xml: `<error message="${escapeAttr(`interrupted: ${report.run.interrupted.reason}`)}" type="interrupted"/>` }],
    });
  }

  return junitDocument(`emqx-api-harness load ${report.run.id}`, suites, { startedAt: report.run.startedAt, seconds: runDurationS(report.run) ?? 0 }, runProperties(report));
}

function skippedCase(name: string, classname: string, message: string): Case {
  return { name, classname, kind: 'skipped', xml: `<skipped message="${escapeAttr(message)}"/>` };
}

function systemOut(text: string): string {
  return `<system-out>${escapeText(text)}</system-out>`;
}

function k6Facts(report: LoadReport): string {
  const k6 = report.k6!;
  const t = k6.totals;
  const lines = [
    `requests ${formatCount(t.requests)}, failed ${formatCount(t.failedRequests)}, code errors ${formatCount(t.codeErrors)}`,
    `checks passed ${formatCount(t.checksPassed)}, failed ${formatCount(t.checksFailed)}`,
    `iterations ${formatCount(t.iterations)}, dropped ${formatCount(t.droppedIterations)}`,
    `latency ${latencyTriple(k6.latency)}`,
  ];
  if (k6.capacity) lines.push(kneeFacts(k6.capacity).text);
  return lines.join('\n');
}

function runProperties(report: LoadReport): [string, string][] {
  const { run } = report;
  const props: [string, string][] = [
    ['run', run.id],
    ['kind', 'load'],
    ['target', run.target],
    ['emqxVersion', run.emqxVersion ?? 'unknown'],
    ['profile', run.profile],
    ['shards', String(run.shards)],
  ];
  if (run.scenario) props.push(['scenario', run.scenario]);
  const swarm = report.swarm;
  if (swarm && !swarm.skipped) {
    props.push(['swarm.clients', `${swarm.clients.connected}/${swarm.clients.target} connected, ${swarm.clients.failed} failed`]);
  }
  if (report.restToMqtt) {
    const r = report.restToMqtt;
    props.push(['restToMqtt', `${r.delivered}/${r.sent} delivered (${formatPercent(r.ratio)}), ${r.duplicated} duplicated`]);
  }
  const capacity = report.k6?.capacity;
  if (capacity) props.push(['capacity.knee', capacity.kneeRate === undefined ? 'none' : `${capacity.kneeRate}${capacity.neverBroke ? ' (never broke)' : ''}`]);
  reportNotes(report).forEach((note, i) => props.push([`note.${i + 1}`, note]));
  return props;
}
