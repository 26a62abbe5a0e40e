// Comparing two contract runs (findings.json): what changed, finding by finding, and in the
// shapes of the answers (docs/compare.md).
//
// The identity of a finding. Messages are for people and carry what is unique to a run (the
// `hx…` prefix in client ids, URLs with ports, counts), so they are never part of it. A
// finding is identified by:
//   - the target (`v4`, `cloud`, `v3`; paired across runs by src/compare/pairs.ts),
//   - the endpoint (catalog id; across API versions, its counterpart),
//   - the check kind,
//   - and, for failures, known deviations and undocumented fields, the JSON pointer as a
//     pattern (`/data/3/port` and `/data/7/port` are both `/data/*/port`, a key holding a
//     client id is `{key}`).
// Passes, skips and not-implemented carry no pointer (a pass is recorded for a whole
// comparison, its failure at the field that broke), so they count per (target, endpoint,
// check). Several checks of one test share an identity (the three negative cases of a kick
// are all `v4 · v4.kickout_client · negative`); what changes is judged on the verdicts at an
// identity: a failure at a pointer where A had none is newly failing, and so is one more
// failure there than A had (unless the pointer runs over list items, whose number is content).
import { allEntries, entryById } from '../catalog.ts';
import type { CheckKind, Finding } from '../findings.ts';
import { CHECK_KINDS } from '../report/group.ts';
import { countByVerdict, type RunReport } from '../report/model.ts';
import { releaseChanges } from './behaviour.ts';
import type { ComparedEndpoint, ContractChange, ContractChangeKind, ContractComparison, EndpointShapeDiff, FindingExample, VerdictCounts } from './model.ts';
import { counterpart, pairTargets, targetApiVersion, type TargetPair } from './pairs.ts';
import { ITEM, pointerPattern, type Shape } from './shape.ts';
import { diffShapes } from './shapes-diff.ts';

export const CHANGE_ORDER: readonly ContractChangeKind[] = [
  'newly-failing',
  'newly-passing',
  'no-longer-failing',
  'newly-not-implemented',
  'no-longer-not-implemented',
  'known-deviation-appeared',
  'known-deviation-gone',
  'undocumented-field-appeared',
  'undocumented-field-gone',
  'newly-skipped',
  'no-longer-skipped',
];

/** The target names a run checked: from run.apiVersion (`v4+cloud+v3`), the findings and the shapes. */
export function targetsOf(report: RunReport): string[] {
  const names = (report.run.apiVersion ?? '').split('+').filter(Boolean);
  const add = (t: string | undefined): void => void (t && !names.includes(t) && names.push(t));
  for (const f of report.findings) add(f.target);
  for (const t of Object.keys(report.shapes ?? {})) add(t);
  return names;
}

/**
 * The EMQX release each target was held to. run.emqxVersion lists the distinct releases of
 * the targets (`4.4.19 + 3.2.0`), so a target takes the one whose major version fits its API.
 */
export function releasesOf(report: RunReport): Map<string, string | undefined> {
  const targets = targetsOf(report);
  const versions = (report.run.emqxVersion ?? '').split(' + ').map((v) => v.trim()).filter((v) => v && v !== 'unknown');
  const out = new Map<string, string | undefined>();
  for (const [i, t] of targets.entries()) {
    if (versions.length === targets.length) out.set(t, versions[i]);
    else {
      const fits = versions.filter((v) => (targetApiVersion(t) === 'v3' ? /^v?3\./.test(v) : /^v?[4-9]\./.test(v)));
      out.set(t, fits.length === 1 ? fits[0] : undefined);
    }
  }
  return out;
}

/** `GET /clients/{clientid}`, or the id when the catalog does not know it. */
export function requestOf(endpoint: string): string {
  try {
    const e = entryById(endpoint);
    return `${e.method} ${e.path}`;
  } catch {
    return endpoint;
  }
}

interface Keyed {
  /** the identity's target and endpoint, in B's names */
  target: string;
  endpoint: string;
  /** the run's own names */
  ownTarget: string;
  ownEndpoint: string;
  f: Finding;
}

/** A run's findings under the identity's names: B's names, A's mapped through the target pairs. */
function keyed(report: RunReport, rename: (target: string, endpoint: string) => { target: string; endpoint: string }): Keyed[] {
  const targets = targetsOf(report);
  return report.findings.map((f) => {
    const ownTarget = f.target ?? defaultTarget(targets, f.endpoint);
    return { ...rename(ownTarget, f.endpoint), ownTarget, ownEndpoint: f.endpoint, f };
  });
}

// Findings without a target (the coverage gate's, older runs) belong to the first target of their API version.
function defaultTarget(targets: string[], endpoint: string): string {
  const version = endpoint.split('.')[0];
  return targets.find((t) => targetApiVersion(t) === version) ?? targets[0] ?? 'unknown';
}

type Group = 'fail' | 'known' | 'undocumented';

function groupOf(f: Finding): Group | undefined {
  if (f.verdict === 'known-deviation') return 'known';
  if (f.verdict === 'fail') return f.check === 'undocumented-field' ? 'undocumented' : 'fail';
  return undefined;
}

const SEP = '\u0000';

interface Slot {
  target: string;
  endpoint: string;
  ownTarget: string;
  ownEndpoint: string;
  check: CheckKind;
  counts: VerdictCounts;
  findings: Finding[];
}

interface AtPointer {
  slot: string;
  group: Group;
  pointer: string;
  count: number;
  example: Finding;
}

interface Aggregate {
  slots: Map<string, Slot>;
  pointers: Map<string, AtPointer>;
  /** target + endpoint of the endpoints found not implemented */
  absent: Map<string, Keyed>;
}

function aggregate(items: Keyed[]): Aggregate {
  const slots = new Map<string, Slot>();
  const pointers = new Map<string, AtPointer>();
  const absent = new Map<string, Keyed>();
  for (const k of items) {
    const slotKey = [k.target, k.endpoint, k.f.check].join(SEP);
    let slot = slots.get(slotKey);
    if (!slot) slots.set(slotKey, (slot = { target: k.target, endpoint: k.endpoint, ownTarget: k.ownTarget, ownEndpoint: k.ownEndpoint, check: k.f.check, counts: {}, findings: [] }));
    slot.counts[k.f.verdict] = (slot.counts[k.f.verdict] ?? 0) + 1;
    slot.findings.push(k.f);
    if (k.f.verdict === 'not-implemented') absent.set([k.target, k.endpoint].join(SEP), k);
    const group = groupOf(k.f);
    if (!group) continue;
    const pointer = pointerPattern(k.f.pointer ?? '');
    const key = [slotKey, group, pointer].join(SEP);
    const at = pointers.get(key);
    if (at) at.count++;
    else pointers.set(key, { slot: slotKey, group, pointer, count: 1, example: k.f });
  }
  return { slots, pointers, absent };
}

export function compareContractRuns(a: RunReport, b: RunReport): { comparison: ContractComparison; notes: string[] } {
  const notes: string[] = [];
  const { pairs, onlyA, onlyB } = pairTargets(targetsOf(a), targetsOf(b));
  const pairOfA = new Map(pairs.map((p) => [p.a, p]));
  const renameA = (target: string, endpoint: string): { target: string; endpoint: string } => {
    const pair = pairOfA.get(target);
    if (!pair) return { target, endpoint };
    return { target: pair.b, endpoint: (pair.crossVersion ? counterpart(endpoint, targetApiVersion(pair.b)) : endpoint) ?? endpoint };
  };
  for (const p of pairs.filter((x) => x.a !== x.b)) {
    notes.push(
      `Target ${p.a} of A is compared with target ${p.b} of B${
        p.crossVersion
          ? ': endpoints pair across API versions by path, or by meaning where 4.x renamed them (3.x connections are 4.x clients; see docs/compare.md). The two were held to different documents, so known deviations and undocumented fields differ by document as much as by broker'
          : ''
      }.`,
    );
  }
  if (onlyA.length) notes.push(`Only A checked ${onlyA.join(', ')}; only B checked ${onlyB.join(', ') || 'nothing else'}.`);
  else if (onlyB.length) notes.push(`Only B checked ${onlyB.join(', ')}.`);

  const A = aggregate(keyed(a, renameA));
  const B = aggregate(keyed(b, (target, endpoint) => ({ target, endpoint })));
  const changes: ContractChange[] = [];
  const add = (kind: ContractChangeKind, slotKey: string, pointer: string | undefined, example: Finding | undefined, exampleRun: 'a' | 'b'): void => {
    const sa = A.slots.get(slotKey);
    const sb = B.slots.get(slotKey);
    const s = (sb ?? sa)!;
    const ownA = sa ?? undefined;
    const c: ContractChange = {
      kind,
      gates: kind === 'newly-failing',
      ...comparedEndpoint(s.target, s.endpoint, ownA?.ownTarget, ownA?.ownEndpoint),
      check: s.check,
      ...(pointer !== undefined ? { pointer } : {}),
      a: sa?.counts ?? {},
      b: sb?.counts ?? {},
      ...(example ? { example: exampleOf(example, exampleRun) } : {}),
    };
    changes.push(c);
  };

  // failures, known deviations and undocumented fields, at their pointer
  const pointerKeys = new Set([...A.pointers.keys(), ...B.pointers.keys()]);
  for (const key of pointerKeys) {
    const pa = A.pointers.get(key);
    const pb = B.pointers.get(key);
    const at = (pb ?? pa)!;
    const ca = pa?.count ?? 0;
    const cb = pb?.count ?? 0;
    const overItems = at.pointer.split('/').includes(ITEM);
    const appeared = cb > 0 && (ca === 0 || (at.group === 'fail' && cb > ca && !overItems));
    const gone = ca > 0 && cb === 0;
    if (at.group === 'fail') {
      if (appeared) add('newly-failing', at.slot, at.pointer, pb!.example, 'b');
      else if (gone) {
        const passesNow = (B.slots.get(at.slot)?.counts.pass ?? 0) > 0;
        add(passesNow ? 'newly-passing' : 'no-longer-failing', at.slot, at.pointer, pa!.example, 'a');
      }
    } else if (at.group === 'known') {
      if (appeared) add('known-deviation-appeared', at.slot, at.pointer, pb!.example, 'b');
      else if (gone) add('known-deviation-gone', at.slot, at.pointer, pa!.example, 'a');
    } else {
      if (appeared) add('undocumented-field-appeared', at.slot, at.pointer, pb!.example, 'b');
      else if (gone) add('undocumented-field-gone', at.slot, at.pointer, pa!.example, 'a');
    }
  }

  // not implemented: decided per endpoint before any suite ran, and reported whatever ran after
  // (a --grep too), so an endpoint without that finding was present. Across API versions only
  // endpoints with a counterpart in the other version can change.
  const pairOfB = new Map(pairs.map((p) => [p.b, p]));
  const inBoth = (target: string, endpoint: string): boolean => {
    const pair = pairOfB.get(target);
    return !!pair && (!pair.crossVersion || counterpart(endpoint, targetApiVersion(pair.a)) !== undefined);
  };
  for (const [key, kb] of B.absent) {
    if (A.absent.has(key) || !inBoth(kb.target, kb.endpoint)) continue;
    add('newly-not-implemented', [kb.target, kb.endpoint, kb.f.check].join(SEP), undefined, kb.f, 'b');
  }
  for (const [key, ka] of A.absent) {
    if (B.absent.has(key) || !inBoth(ka.target, ka.endpoint)) continue;
    add('no-longer-not-implemented', [ka.target, ka.endpoint, ka.f.check].join(SEP), undefined, ka.f, 'a');
  }

  // skipped: a check that passed and now is only skipped, or the other way round
  const only = { a: [] as Slot[], b: [] as Slot[] };
  for (const [key, sb] of B.slots) {
    const sa = A.slots.get(key);
    if (!sa) {
      only.b.push(sb);
      continue;
    }
    const skippedOnly = (s: Slot): boolean => (s.counts.skipped ?? 0) > 0 && !s.counts.pass && !s.counts.fail && !s.counts['known-deviation'];
    const checked = (s: Slot): boolean => (s.counts.pass ?? 0) > 0 || (s.counts.fail ?? 0) > 0 || (s.counts['known-deviation'] ?? 0) > 0;
    if (checked(sa) && skippedOnly(sb) && (sa.counts.pass ?? 0) > 0) add('newly-skipped', key, undefined, sb.findings.find((f) => f.verdict === 'skipped'), 'b');
    else if (skippedOnly(sa) && checked(sb)) add('no-longer-skipped', key, undefined, sa.findings.find((f) => f.verdict === 'skipped'), 'a');
  }
  for (const [key, sa] of A.slots) if (!B.slots.has(key)) only.a.push(sa);

  changes.sort(byChange);
  const behaviour = releaseChanges(a, b, pairs, A.slots, B.slots, SEP, releasesOf, requestOf);
  const shapes = compareShapes(a, b, pairs);
  return {
    comparison: {
      totals: {
        a: countByVerdict(a.findings),
        b: countByVerdict(b.findings),
        undocumented: { a: undocumentedFailures(a), b: undocumentedFailures(b) },
      },
      targets: pairs.map((p) => ({ a: p.a, b: p.b, crossVersion: p.crossVersion })),
      changes,
      behaviour,
      shapes: shapes.diffs,
      shapeNotes: shapes.notes,
      onlyIn: { a: describeOnly(only.a), b: describeOnly(only.b) },
    },
    notes,
  };
}

function undocumentedFailures(r: RunReport): number {
  return r.findings.filter((f) => f.verdict === 'fail' && f.check === 'undocumented-field').length;
}

function exampleOf(f: Finding, run: 'a' | 'b'): FindingExample {
  return {
    run,
    verdict: f.verdict,
    message: f.message,
    ...(f.expected !== undefined ? { expected: f.expected } : {}),
    ...(f.actual !== undefined ? { actual: f.actual } : {}),
    ...(f.reason !== undefined ? { reason: f.reason } : {}),
    ...(f.erratum !== undefined ? { erratum: f.erratum } : {}),
    ...(f.doc !== undefined ? { doc: f.doc } : {}),
  };
}

/** Kind, then target, then endpoint in catalog order, then check and pointer. */
function byChange(x: ContractChange, y: ContractChange): number {
  return (
    CHANGE_ORDER.indexOf(x.kind) - CHANGE_ORDER.indexOf(y.kind) ||
    text(x.target, y.target) ||
    catalogIndex(x.endpoint) - catalogIndex(y.endpoint) ||
    text(x.endpoint, y.endpoint) ||
    CHECK_KINDS.indexOf(x.check) - CHECK_KINDS.indexOf(y.check) ||
    text(x.pointer ?? '', y.pointer ?? '')
  );
}

function text(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

let order: Map<string, number> | undefined;
/** Catalog order (4.x first), as the run reports list endpoints; unknown ids last. */
function catalogIndex(endpoint: string): number {
  order ??= new Map(allEntries().map((e, i) => [e.id, i]));
  return order.get(endpoint) ?? Number.MAX_SAFE_INTEGER;
}

/** `v4 GET /clients (status, schema)`, one line per endpoint. */
function describeOnly(slots: Slot[]): string[] {
  const byEndpoint = new Map<string, { target: string; endpoint: string; checks: CheckKind[] }>();
  for (const s of slots) {
    const key = [s.ownTarget, s.ownEndpoint].join(SEP);
    const e = byEndpoint.get(key) ?? byEndpoint.set(key, { target: s.ownTarget, endpoint: s.ownEndpoint, checks: [] }).get(key)!;
    e.checks.push(s.check);
  }
  return [...byEndpoint.values()]
    .sort((x, y) => text(x.target, y.target) || catalogIndex(x.endpoint) - catalogIndex(y.endpoint))
    .map((e) => `${e.target} ${requestOf(e.endpoint)} (${e.checks.sort((x, y) => CHECK_KINDS.indexOf(x) - CHECK_KINDS.indexOf(y)).join(', ')})`);
}

function compareShapes(a: RunReport, b: RunReport, pairs: TargetPair[]): { diffs: EndpointShapeDiff[]; notes: string[] } {
  const notes: string[] = [];
  if (!a.shapes || !b.shapes) {
    const without = [!a.shapes ? 'A' : '', !b.shapes ? 'B' : ''].filter(Boolean).join(' and ');
    notes.push(`${without} recorded no response shapes (a run from before shapes were recorded, or one with no successful answer): the shapes are not compared.`);
    return { diffs: [], notes };
  }
  const diffs: EndpointShapeDiff[] = [];
  let unobserved = 0;
  const onlyA: string[] = [];
  const onlyB: string[] = [];
  for (const pair of pairs) {
    const sa = a.shapes[pair.a] ?? {};
    const sb = b.shapes[pair.b] ?? {};
    const mappedA = new Map<string, { own: string; shape: Shape }>();
    for (const [endpoint, shape] of Object.entries(sa)) {
      const mine = pair.crossVersion ? counterpart(endpoint, targetApiVersion(pair.b)) : endpoint;
      if (mine === undefined) onlyA.push(`${pair.a} ${requestOf(endpoint)}`);
      else mappedA.set(mine, { own: endpoint, shape });
    }
    for (const [endpoint, shapeB] of Object.entries(sb)) {
      const fromA = mappedA.get(endpoint);
      if (!fromA) {
        onlyB.push(`${pair.b} ${requestOf(endpoint)}`);
        continue;
      }
      mappedA.delete(endpoint);
      const d = diffShapes(fromA.shape, shapeB);
      unobserved += d.unobserved;
      if (d.changes.length === 0) continue;
      diffs.push({
        ...comparedEndpoint(pair.b, endpoint, pair.a, fromA.own),
        changes: d.changes,
      });
    }
    for (const rest of mappedA.values()) onlyA.push(`${pair.a} ${requestOf(rest.own)}`);
  }
  diffs.sort((x, y) => text(x.target, y.target) || catalogIndex(x.endpoint) - catalogIndex(y.endpoint));
  if (unobserved) notes.push(`${unobserved} field(s) not compared: they lie in a list or map one run saw only empty.`);
  if (onlyA.length) notes.push(`Answered successfully only in A (no shape in B to compare with): ${listed(onlyA)}.`);
  if (onlyB.length) notes.push(`Answered successfully only in B: ${listed(onlyB)}.`);
  return { diffs, notes };
}

function listed(items: string[], max = 12): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}


/** An endpoint as B names it, with A's names where they differ (runs of different API versions). */
function comparedEndpoint(target: string, endpoint: string, targetA: string | undefined, endpointA: string | undefined): ComparedEndpoint {
  return {
    target,
    endpoint,
    ...(targetA !== undefined && targetA !== target ? { targetA } : {}),
    ...(endpointA !== undefined && endpointA !== endpoint ? { endpointA } : {}),
    request: requestOf(endpoint),
    ...(endpointA !== undefined && requestOf(endpointA) !== requestOf(endpoint) ? { requestA: requestOf(endpointA) } : {}),
  };
}
