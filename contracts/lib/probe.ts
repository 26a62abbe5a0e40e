// Telling a route the target lacks from an object it lacks. A 404 alone proves nothing
// (EMQX answers 404 for unknown node names too), so an endpoint is classified
// not-implemented only when its answer looks exactly like the target's answer to a route
// that cannot exist, and the target's own route list (GET <base>), where it has one, does
// not list it. The route list is a hint; the fingerprint is the probe.
import type { ApiCall, ApiClient } from '../../src/api-client.ts';
import { type CatalogEntry, entryById } from '../../src/catalog.ts';

interface Fingerprint {
  status: number;
  text: string;
}

export class RouteProbe {
  private fingerprint?: Promise<Fingerprint>;
  private routes?: Promise<Set<string> | undefined>;

  constructor(private readonly api: ApiClient) {}

  /** Why the call's answer means the route is absent, or undefined when it doesn't. */
  async absentReason(call: ApiCall): Promise<string | undefined> {
    if (call.response.status !== 404 && call.response.status !== 405) return undefined;
    const fp = await this.unknownRouteFingerprint();
    const same = fp.status === call.response.status && fp.text.trim() === call.response.text.trim();
    if (!same) return undefined;
    const listed = await this.routeList();
    if (listed?.has(routeKey(call.entry.method, call.entry.path))) {
      // On a /nodes/{node}/… path an unknown node answers the same 404 as a missing route,
      // so there the route list decides; elsewhere the answer itself is the stronger proof.
      if (call.entry.path.includes('{node}')) return undefined;
      return `HTTP ${call.response.status} exactly like a route that cannot exist, although the target's route list names it`;
    }
    return listed
      ? `HTTP ${call.response.status} like an unknown route, and absent from the target's route list`
      : `HTTP ${call.response.status} exactly like a route that cannot exist (the target lists no routes)`;
  }

  private unknownRouteFingerprint(): Promise<Fingerprint> {
    this.fingerprint ??= (async () => {
      const entry = entryById(`${this.api.target.apiVersion}.list_brokers`);
      const call = await this.api.raw(entry, 'GET', `${this.api.target.apiUrl}/harness-no-such-route-${Date.now().toString(36)}`);
      return { status: call.response.status, text: call.response.text };
    })();
    return this.fingerprint;
  }

  /** `GET /api/v4` (and `/api/v3/`) lists `{name, method, path, descr}` on EMQX (EMQX-BEHAVIOUR.md #5). */
  private routeList(): Promise<Set<string> | undefined> {
    this.routes ??= (async () => {
      const entry = entryById(`${this.api.target.apiVersion}.list_brokers`);
      const call = await this.api.raw(entry, 'GET', `${this.api.target.apiUrl}/`);
      const data = (call.response.json as { data?: { method?: string; path?: string }[] } | undefined)?.data;
      if (!Array.isArray(data) || !data.every((r) => typeof r?.method === 'string' && typeof r?.path === 'string')) return undefined;
      return new Set(data.map((r) => routeKey(r.method!, r.path!)));
    })();
    return this.routes;
  }
}

/** `GET /nodes/{}/clients` from either `{node}` or `:node` style, slashes normalised. */
export function routeKey(method: string, path: string): string {
  const p = ('/' + path.replace(/^\/+/, '').replace(/\/+$/, '')).replace(/:(\w+)|\{\w+\}/g, '{}');
  return `${method.toUpperCase()} ${p}`;
}

export function isRoutedIn(entry: CatalogEntry, routes: Set<string>): boolean {
  return routes.has(routeKey(entry.method, entry.path));
}
