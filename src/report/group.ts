// Grouping and ordering shared by every view, so junit.xml, summary.md, index.html and the
// terminal agree on which endpoint a finding belongs to, in what order endpoints appear and
// which verdict wins a cell.
import type { CheckKind, Finding, Verdict } from '../findings.ts';
import { entryById, type CatalogEntry } from '../catalog.ts';
import type { EndpointLatency, RunReport } from './model.ts';

export const CHECK_KINDS: readonly CheckKind[] = [
  'status',
  'envelope',
  'schema',
  'pagination',
  'semantics',
  'mqtt-effect',
  'negative',
  'undocumented-field',
];

/** Worst first: a cell, row or group shows the first of these among its findings. */
export const VERDICTS_WORST_FIRST: readonly Verdict[] = ['fail', 'known-deviation', 'not-implemented', 'skipped', 'waived', 'pass'];

export function worstVerdict(findings: readonly Finding[]): Verdict | undefined {
  return VERDICTS_WORST_FIRST.find((v) => findings.some((f) => f.verdict === v));
}

export interface EndpointInfo {
  id: string;
  /** `v4`, `v3`, or `other` for an id without a version prefix */
  apiVersion: string;
  /** the catalog's area (`clients`, `rules`, …) */
  area: string;
  method: string;
  path: string;
}

export function endpointLabel(e: EndpointInfo): string {
  return e.method && e.path ? `${e.method} ${e.path}` : e.id;
}

/**
 * Every endpoint the report mentions, in display order: the coverage list first (catalog
 * order), then endpoints that only appear in findings or latency. Keyed by catalog id.
 */
export function endpointDirectory(report: RunReport): Map<string, EndpointInfo> {
  const out = new Map<string, EndpointInfo>();
  for (const c of report.coverage) {
    if (!out.has(c.endpoint)) out.set(c.endpoint, describe(c.endpoint, c.method, c.path));
  }
  for (const id of [...report.findings.map((f) => f.endpoint), ...report.latency.map((l) => l.endpoint)]) {
    if (!out.has(id)) out.set(id, describe(id));
  }
  return out;
}

// The report model carries method and path but not the area, so the area comes from the
// catalog; a findings.json from another harness version may name ids the catalog no longer
// has, and those fall back to the path's first segment rather than failing the report.
function describe(id: string, method?: string, path?: string): EndpointInfo {
  const entry = catalogEntry(id);
  const m = method ?? entry?.method ?? '';
  const p = path ?? entry?.path ?? '';
  return { id, apiVersion: apiVersionOf(id), area: entry?.area ?? areaFromPath(p), method: m, path: p };
}

function catalogEntry(id: string): CatalogEntry | undefined {
  try {
    return entryById(id);
  } catch {
    return undefined;
  }
}

export function apiVersionOf(endpointId: string): string {
  const prefix = endpointId.split('.')[0] ?? '';
  return /^v\d+$/.test(prefix) && endpointId.includes('.') ? prefix : 'other';
}

function areaFromPath(path: string): string {
  const literal = path
    .split('/')
    .filter((s) => s && !s.startsWith('{'))
    .filter((s, i, all) => !(s === 'nodes' && all.length > 1 && i === 0));
  return literal[0] ?? 'other';
}

export interface EndpointGroup {
  apiVersion: string;
  area: string;
  /** `v4 · clients` */
  title: string;
  endpoints: EndpointInfo[];
}

/** Endpoints grouped by API version, then area, each in first-appearance order. */
export function groupEndpoints(endpoints: Iterable<EndpointInfo>): EndpointGroup[] {
  return [...groupBy(endpoints, (e) => `${e.apiVersion}\u0000${e.area}`).values()].map((list) => {
    const first = list[0]!;
    return {
      apiVersion: first.apiVersion,
      area: first.area,
      title: `${first.apiVersion} · ${first.area}`,
      endpoints: list,
    };
  });
}

export function groupBy<T, K>(items: Iterable<T>, key: (item: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** Findings per endpoint, endpoints in directory order, findings in run order. */
export function findingsByEndpoint(
  findings: readonly Finding[],
  directory: Map<string, EndpointInfo>,
): { endpoint: EndpointInfo; findings: Finding[] }[] {
  const byId = groupBy(findings, (f) => f.endpoint);
  return [...directory.values()]
    .filter((e) => byId.has(e.id))
    .map((endpoint) => ({ endpoint, findings: byId.get(endpoint.id)! }));
}

/**
 * Failures split the way the documents treat them: contract failures, and fields the
 * documents don't mention (their own finding kind, listed apart so they don't bury the
 * failures that break clients).
 */
export function failures(findings: readonly Finding[]): { contract: Finding[]; undocumented: Finding[] } {
  const failed = findings.filter((f) => f.verdict === 'fail');
  return {
    contract: failed.filter((f) => f.check !== 'undocumented-field'),
    undocumented: failed.filter((f) => f.check === 'undocumented-field'),
  };
}

/** Endpoints with at least one not-implemented finding (the target answers as if the route did not exist). */
export function notImplementedEndpoints(report: RunReport, directory = endpointDirectory(report)): EndpointInfo[] {
  const ids = new Set(report.findings.filter((f) => f.verdict === 'not-implemented').map((f) => f.endpoint));
  return [...directory.values()].filter((e) => ids.has(e.id));
}

/** The title of the known-deviations section: what it is useful for is telling a broker team where its release differs. */
export function knownDeviationsTitle(report: RunReport): string {
  const release = report.run.emqxVersion && report.run.emqxVersion !== 'unknown' ? `EMQX ${report.run.emqxVersion}` : 'the target';
  return `Where ${release} differs from its documents (known deviations)`;
}

export function withVerdict(findings: readonly Finding[], ...verdicts: Verdict[]): Finding[] {
  return findings.filter((f) => verdicts.includes(f.verdict));
}

/** Coverage rows in directory order; endpoints in findings but absent from coverage count with the checks they had. */
export function coverageRows(
  report: RunReport,
  directory = endpointDirectory(report),
): { endpoint: EndpointInfo; checks: CheckKind[] }[] {
  const declared = new Map(report.coverage.map((c) => [c.endpoint, c.checks]));
  const seen = groupBy(report.findings, (f) => f.endpoint);
  return [...directory.values()]
    .filter((e) => declared.has(e.id) || seen.has(e.id))
    .map((endpoint) => {
      const checks = new Set([
        ...(declared.get(endpoint.id) ?? []),
        ...(seen.get(endpoint.id) ?? []).map((f) => f.check),
      ]);
      return { endpoint, checks: CHECK_KINDS.filter((k) => checks.has(k)) };
    });
}

/** Slowest first by p95: the order a capacity planner reads a latency table in. */
export function latencySlowestFirst(latency: readonly EndpointLatency[]): EndpointLatency[] {
  return [...latency].sort((a, b) => b.p95Ms - a.p95Ms || b.p50Ms - a.p50Ms || a.endpoint.localeCompare(b.endpoint));
}
