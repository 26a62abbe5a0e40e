// Behaviour that changed with the release. Each run holds its target to what that target's
// own EMQX release answers (schemas/expectations/negative.json), so two runs of different
// releases can both pass a negative case whose answer changed between them: a kick of an
// unknown client answers code 112 up to 4.3.8 and code 0 from 4.3.9. No verdict changes, yet
// the broker's behaviour did. This lists every such case the two runs exercised, and says
// whether both runs confirmed it: all negative checks of the endpoint passed in both runs,
// so each answered its release's way.
//
// A negative case is found by the endpoint's `negative` checks (the identity of a finding has
// no case: see src/compare/contract.ts). A case counts as run unless its skip names it (the
// negative suite's skip reasons start with the case id), and as held when the endpoint's
// negative checks have no failure and no other skip, and as many of them passed as the table
// has cases for the endpoint (with a --grep that left some out, that is not sure).
import type { Finding, Verdict } from '../findings.ts';
import { type Expectation, type Outcome, expectations, normalizeVersion, outcomeFor } from '../expectations.ts';
import type { RunReport } from '../report/model.ts';
import type { BehaviourChange } from './model.ts';
import { targetApiVersion, type TargetPair } from './pairs.ts';

interface SlotLike {
  counts: Partial<Record<Verdict, number>>;
  findings: Finding[];
}

type CaseState = { state: 'held' } | { state: 'skipped' } | { state: 'unsure' | 'failed'; why: string };

export function releaseChanges(
  a: RunReport,
  b: RunReport,
  pairs: TargetPair[],
  slotsA: Map<string, SlotLike>,
  slotsB: Map<string, SlotLike>,
  sep: string,
  releasesOf: (r: RunReport) => Map<string, string | undefined>,
  requestOf: (endpoint: string) => string,
): BehaviourChange[] {
  const out: BehaviourChange[] = [];
  const releasesA = releasesOf(a);
  const releasesB = releasesOf(b);
  const table = expectations();
  const casesPerEndpoint = new Map<string, number>();
  for (const e of table) casesPerEndpoint.set(e.endpoint, (casesPerEndpoint.get(e.endpoint) ?? 0) + 1);
  const ids = new Set(table.map((e) => e.id));

  for (const pair of pairs) {
    if (pair.crossVersion) continue;
    const ra = normalizeVersion(releasesA.get(pair.a));
    const rb = normalizeVersion(releasesB.get(pair.b));
    if (!ra || !rb || ra === rb) continue;
    const version = targetApiVersion(pair.b);
    for (const exp of table.filter((e) => e.endpoint.startsWith(`${version}.`))) {
      const oa = outcomeFor(exp, ra);
      const ob = outcomeFor(exp, rb);
      if (!oa || !ob || oa.unknown || ob.unknown) continue;
      const answerA = describeAnswer(oa);
      const answerB = describeAnswer(ob);
      if (answerA === answerB) continue;
      const key = [pair.b, exp.endpoint, 'negative'].join(sep);
      const sa = slotsA.get(key);
      const sb = slotsB.get(key);
      if (!sa || !sb) continue; // the endpoint's negative cases did not run in both
      const n = casesPerEndpoint.get(exp.endpoint) ?? 1;
      const stateA = caseState(sa, exp, n, ids);
      const stateB = caseState(sb, exp, n, ids);
      if (stateA.state === 'skipped' || stateB.state === 'skipped') continue;
      const held = stateA.state === 'held' && stateB.state === 'held';
      const why = [stateA.state !== 'held' && 'why' in stateA ? `A: ${stateA.why}` : '', stateB.state !== 'held' && 'why' in stateB ? `B: ${stateB.why}` : ''].filter(Boolean).join('; ');
      out.push({
        target: pair.b,
        endpoint: exp.endpoint,
        request: requestOf(exp.endpoint),
        expectation: exp.id,
        title: exp.title,
        a: { release: ra, answer: answerA },
        b: { release: rb, answer: answerB },
        held,
        ...(held ? {} : { note: why }),
      });
    }
  }
  return out;
}

function caseState(slot: SlotLike, exp: Expectation, cases: number, ids: Set<string>): CaseState {
  const skipped = slot.findings.filter((f) => f.verdict === 'skipped');
  const namedSkips = new Set(skipped.map((f) => caseIdOf(f, ids)).filter((id): id is string => id !== undefined));
  if (namedSkips.has(exp.id)) return { state: 'skipped' };
  if ((slot.counts.fail ?? 0) > 0) return { state: 'failed', why: 'a negative check of this endpoint failed (see the changes above)' };
  if (skipped.length > namedSkips.size) return { state: 'unsure', why: 'some negative checks of this endpoint were skipped' };
  if ((slot.counts.pass ?? 0) + namedSkips.size < cases) return { state: 'unsure', why: 'not every negative case of this endpoint ran (a --grep?)' };
  return { state: 'held' };
}

// the negative suite skips a case with the reason `<case id>: <why>` (contracts/lib/negative-suite.ts)
function caseIdOf(f: Finding, ids: Set<string>): string | undefined {
  const id = /^([^\s:]+):/.exec(f.reason ?? '')?.[1];
  return id && ids.has(id) ? id : undefined;
}

/** `HTTP 200 {"code":112,"message":"not_found"}`, `HTTP 401 text "UNAUTHORIZED"`. */
export function describeAnswer(o: Outcome): string {
  if (o.routeAbsent) return 'no such route (HTTP 404)';
  const parts = [o.status !== undefined ? `HTTP ${o.status}` : 'any status'];
  if (o.body !== undefined) parts.push(JSON.stringify(o.body));
  if (o.bodyText !== undefined) parts.push(`text ${JSON.stringify(o.bodyText)}`);
  else if (o.contentType === 'text' && o.body === undefined) parts.push('text');
  if (o.itemCodes) parts.push(`item codes ${JSON.stringify(o.itemCodes)}`);
  return parts.join(' ');
}
