// Which targets and endpoints of two runs are "the same" for a comparison. Targets pair by
// name (`v4` with `v4`); when each run has exactly one target left over (a `--api-version v3`
// run against a `--api-version v4` run) those two pair as well. Endpoints of one API version
// pair with themselves; across versions (3.x ↔ 4.x) they pair by meaning:
//
//   1. the same method and path, path parameters ignored (`GET /rules/{id}` is 4.x
//      `GET /rules/{rule_id}`): most of the API kept its paths from 3.x to 4.x;
//   2. RENAMED, below, where 4.x renamed the resource: 3.x "connections" are 4.x "clients"
//      (EMQX 4.0 merged connections and sessions into clients), and the 3.x
//      emqx_auth_username table is the 4.x emqx_auth_mnesia table (`/auth_user`).
//
// An explicit table rather than a guess from names: a pairing decides which fields are
// reported as renamed, so each pair is a claim someone can check against the two documents.
// Endpoints with no counterpart (3.x sessions, apps, plugins; 4.x batch publish, ACL rules) are
// reported as present in one run only.
import { type ApiVersion, type CatalogEntry, catalog } from '../catalog.ts';

/** 3.x id → 4.x id, where the path changed but the endpoint means the same. */
export const RENAMED: Readonly<Record<string, string>> = {
  'v3.list_connections': 'v4.list_clients',
  'v3.lookup_connections': 'v4.lookup_client',
  'v3.kickout_connection': 'v4.kickout_client',
  'v3.list_node_connections': 'v4.list_node_clients',
  'v3.lookup_node_connections': 'v4.lookup_node_client',
  'v3.lookup_connection_via_username': 'v4.lookup_client_via_username',
  'v3.lookup_node_connection_via_username': 'v4.lookup_node_client_via_username',
  'v3.list_username': 'v4.list_auth_users',
  'v3.add_username': 'v4.add_auth_users',
  'v3.update_username': 'v4.update_auth_user',
  'v3.delete_username': 'v4.delete_auth_user',
};

/** The API version a target name checks: `v3`, or 4.x for `v4` and `cloud`. */
export function targetApiVersion(target: string): ApiVersion {
  return target === 'v3' ? 'v3' : 'v4';
}

/** The API version an endpoint id belongs to, from its prefix. */
export function endpointApiVersion(endpoint: string): ApiVersion | undefined {
  const prefix = endpoint.split('.')[0];
  return prefix === 'v3' || prefix === 'v4' ? prefix : undefined;
}

const routeKey = (e: CatalogEntry): string => `${e.method} ${e.path.replace(/\{\w+\}/g, '{}')}`;

let tables: { v3ToV4: Map<string, string>; v4ToV3: Map<string, string> } | undefined;

function pairTables(): NonNullable<typeof tables> {
  if (tables) return tables;
  const v3ToV4 = new Map<string, string>();
  const v4ByRoute = new Map(catalog('v4').map((e) => [routeKey(e), e.id]));
  for (const e of catalog('v3')) {
    const same = RENAMED[e.id] ?? v4ByRoute.get(routeKey(e));
    if (same) v3ToV4.set(e.id, same);
  }
  const v4ToV3 = new Map<string, string>();
  for (const [v3, v4] of v3ToV4) if (!v4ToV3.has(v4)) v4ToV3.set(v4, v3);
  tables = { v3ToV4, v4ToV3 };
  return tables;
}

/** The endpoint of API version `to` that means what `endpoint` means; the id itself when the versions agree; undefined when there is none. */
export function counterpart(endpoint: string, to: ApiVersion): string | undefined {
  const from = endpointApiVersion(endpoint);
  if (from === undefined || from === to) return endpoint;
  return from === 'v3' ? pairTables().v3ToV4.get(endpoint) : pairTables().v4ToV3.get(endpoint);
}

/** Every pair of 3.x and 4.x endpoints, for the documentation and its test. */
export function allPairs(): [v3: string, v4: string][] {
  return [...pairTables().v3ToV4.entries()];
}

export interface TargetPair {
  /** the target's name in run A and in run B */
  a: string;
  b: string;
  /** whether the pair crosses API versions (endpoints then pair through `counterpart`) */
  crossVersion: boolean;
}

/** Targets pair by name; one leftover on each side pair with each other. */
export function pairTargets(a: readonly string[], b: readonly string[]): { pairs: TargetPair[]; onlyA: string[]; onlyB: string[] } {
  const pairs: TargetPair[] = a.filter((t) => b.includes(t)).map((t) => ({ a: t, b: t, crossVersion: false }));
  let onlyA = a.filter((t) => !b.includes(t));
  let onlyB = b.filter((t) => !a.includes(t));
  if (onlyA.length === 1 && onlyB.length === 1) {
    pairs.push({ a: onlyA[0]!, b: onlyB[0]!, crossVersion: targetApiVersion(onlyA[0]!) !== targetApiVersion(onlyB[0]!) });
    onlyA = [];
    onlyB = [];
  }
  return { pairs, onlyA, onlyB };
}
