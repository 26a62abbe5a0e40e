// The one place that decides whether a catalog endpoint exists on a target. It runs once
// per target and run, before any suite, and every suite and the report obey it: an
// endpoint decided absent gets a not-implemented finding and no other verdict; an endpoint
// decided present that later answers 404 is a failure, never a not-implemented.
//
// Evidence, strongest first (docs/emqx-behaviour.md §5, §17):
// - listed in the target's own route list (`GET <base>/`): present. EMQX builds the list
//   from every plugin its release knows, so a listed route that answers 404 is a broken
//   feature (a stopped plugin), which a run must report, not excuse.
// - not listed (or no list): the endpoint is probed with a request that cannot change
//   anything (run-unique ids, the real node, no body), and it is absent only when the answer
//   is byte-for-byte the target's answer to a route that cannot exist.
import type { ApiCall, ApiClient } from './api-client.ts';
import { type CatalogEntry, catalog, entryById } from './catalog.ts';
import { dataOf } from './answers.ts';
import type { Finding } from './findings.ts';

export interface PresenceDecision {
  present: boolean;
  /** why, in words a report reader can check */
  reason: string;
  /** the request that proved absence */
  curl?: string;
  label?: string;
}

/** endpoint id → decision, for one target */
export type PresenceMap = Record<string, PresenceDecision>;

/** `GET /nodes/{}/clients` from `{node}`, `:node`, `:atom:node` style; slashes normalised. */
export function routeKey(method: string, path: string): string {
  const p = ('/' + path.replace(/^\/+/, '').replace(/\/+$/, '')).replace(/:(?:\w+:)?\w+|\{\w+\}/g, '{}');
  return `${method.toUpperCase()} ${p}`;
}

/** The target's route list as route keys, or undefined when it has none. */
export async function routeList(api: ApiClient): Promise<Set<string> | undefined> {
  const entry = entryById(`${api.target.apiVersion}.list_brokers`);
  const call = await api.raw(entry, 'GET', `${api.target.apiUrl}/`);
  const data = dataOf<{ method?: unknown; path?: unknown }[] | undefined>(call);
  if (!Array.isArray(data) || data.length === 0 || !data.every((r) => typeof r?.method === 'string' && typeof r?.path === 'string')) return undefined;
  return new Set(data.map((r) => routeKey(r.method as string, r.path as string)));
}

function sameAnswer(a: ApiCall, b: ApiCall): boolean {
  return a.response.status === b.response.status && a.response.text.trim() === b.response.text.trim() && (a.response.headers['content-type'] ?? '') === (b.response.headers['content-type'] ?? '');
}

/** A request to the endpoint that cannot change anything on a target that has it. */
function probeCall(api: ApiClient, entry: CatalogEntry, node: string | undefined, probeId: string): Promise<ApiCall> {
  const params = Object.fromEntries(entry.pathParams.map((p) => [p.name, p.name === 'node' && node ? node : probeId]));
  return api.raw(entry, entry.method, api.url(entry, params));
}

export async function decidePresence(api: ApiClient, opts: { node?: string; probeId: string }): Promise<PresenceMap> {
  const version = api.target.apiVersion;
  const entry0 = entryById(`${version}.list_brokers`);
  const unknown = await api.raw(entry0, 'GET', `${api.target.apiUrl}/${opts.probeId}-no-such-route`);
  const listed = await routeList(api);
  const out: PresenceMap = {};
  for (const entry of catalog(version)) {
    if (listed?.has(routeKey(entry.method, entry.path))) {
      out[entry.id] = { present: true, reason: "listed in the target's route list" };
      continue;
    }
    // a {node} path with an unknown node answers like an unknown route: without the node name it proves nothing
    if (entry.path.includes('{node}') && !opts.node) {
      out[entry.id] = { present: true, reason: 'not decidable without the node name; assumed present' };
      continue;
    }
    const call = await probeCall(api, entry, opts.node, opts.probeId);
    if (sameAnswer(call, unknown)) {
      out[entry.id] = {
        present: false,
        reason: `${listed ? "absent from the target's route list, and " : 'the target lists no routes, and '}${call.label} answers HTTP ${call.response.status} exactly like a route that cannot exist`,
        curl: call.curl,
        label: call.label,
      };
    } else {
      out[entry.id] = { present: true, reason: `${listed ? 'not in the route list, but ' : ''}${call.label} answers HTTP ${call.response.status}, unlike a route that cannot exist` };
    }
  }
  return out;
}

/** The report's not-implemented findings, one per absent endpoint. */
export function notImplementedFindings(presence: PresenceMap, target: string): Finding[] {
  return Object.entries(presence)
    .filter(([, d]) => !d.present)
    .map(([endpoint, d]) => {
      const e = entryById(endpoint);
      return {
        endpoint,
        target,
        check: 'status' as const,
        verdict: 'not-implemented' as const,
        message: `${e.method} ${e.path}: not implemented on this target (${d.reason})`,
        reason: d.reason,
        ...(d.curl ? { curl: d.curl } : {}),
      };
    });
}

/** Whether a finding survives the presence decision: on an absent endpoint only not-implemented does. */
export function obeysPresence(f: Finding, presence: PresenceMap | undefined): boolean {
  const d = presence?.[f.endpoint];
  return !d || d.present || f.verdict === 'not-implemented';
}
