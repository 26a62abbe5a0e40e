// One route table per API version drives both dispatch and the `GET /api/v4` / `GET /api/v3/`
// listing, so what the broker says it implements is exactly what it routes.
// Paths are written the way EMQX declares them (`nodes/:atom:node/clients/:bin:clientid`,
// `/auth_clientid/:clientid`): a segment starting with `:` is a parameter, and its name is the
// part after the last `:`. Leading and trailing slashes don't matter for matching.

import type { Reply } from './reply.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RouteDef<C> {
  name: string;
  method: Method;
  /** As listed by the route index. */
  path: string;
  descr: string;
  handler: (ctx: C) => Reply | Promise<Reply>;
  /** Left out of the route listing (e.g. routes minirest serves but EMQX doesn't list). */
  hidden?: boolean;
}

/**
 * minirest 0.3.x (minirest_handler:format_path/1) lists a path with the binding types removed,
 * using `re:replace(Path, ":[^:]+(:[^/]+)", "\\1", [global])`: `/clients/:bin:clientid` is
 * listed as `/clients/:clientid`. The pattern is greedy across segments, so two untyped
 * bindings in a row lose the first one: `/banned/:as/:who` is listed as `/banned/:who`
 * (observed on 4.4.19).
 */
export function minirestListedPath(path: string): string {
  return path.replace(/:[^:]+(:[^/]+)/g, '$1');
}

interface Compiled<C> {
  def: RouteDef<C>;
  segments: Array<{ literal: string } | { param: string; atom: boolean }>;
  literals: number;
}

export interface RouteMatch<C> {
  route: RouteDef<C>;
  params: Record<string, string>;
}

export class Router<C> {
  private readonly bySize = new Map<number, Array<Compiled<C>>>();

  /**
   * @param listPath how the listing prints a path (4.x: minirest's format_path; 3.x lists the
   *   paths as its document's index writes them)
   */
  constructor(
    readonly routes: ReadonlyArray<RouteDef<C>>,
    private readonly listPath: (path: string) => string = (p) => p,
  ) {
    for (const def of routes) {
      const segments = def.path
        .split('/')
        .filter((s) => s.length > 0)
        .map((s) => (s.startsWith(':') ? { param: s.slice(s.lastIndexOf(':') + 1), atom: s.startsWith(':atom:') } : { literal: s }));
      const compiled: Compiled<C> = {
        def,
        segments,
        literals: segments.filter((s) => 'literal' in s).length,
      };
      const list = this.bySize.get(segments.length) ?? [];
      list.push(compiled);
      this.bySize.set(segments.length, list);
    }
    // The most literal route wins: `/clients/username/:u` before `/clients/:id/acl_cache`.
    for (const list of this.bySize.values()) list.sort((a, b) => b.literals - a.literals);
  }

  /**
   * @param segments the percent-decoded path segments
   * @param rawSegments the same segments as sent: minirest never decodes the path, so an
   *   `:atom:` binding (node, action, resource type, plugin names) is looked up as written
   *   (`emqx%40127.0.0.1` is no atom: 404, observed on 4.4.19); `:bin:` values are decoded by
   *   EMQX's handlers (emqx_mgmt_util:urldecode), which the decoded segment stands for
   */
  match(method: string, segments: readonly string[], rawSegments: readonly string[] = segments): RouteMatch<C> | undefined {
    const candidates = this.bySize.get(segments.length);
    if (!candidates) return undefined;
    for (const c of candidates) {
      if (c.def.method !== method) continue;
      const params: Record<string, string> = {};
      let matched = true;
      for (let i = 0; i < c.segments.length; i++) {
        const seg = c.segments[i]!;
        const actual = segments[i]!;
        if ('literal' in seg) {
          if (seg.literal !== actual) {
            matched = false;
            break;
          }
        } else {
          params[seg.param] = seg.atom ? (rawSegments[i] ?? actual) : actual;
        }
      }
      if (matched) return { route: c.def, params };
    }
    return undefined;
  }

  /** The `{path, name, method, descr}` listing EMQX answers on its API root (jiffy prints small maps in reverse key order). */
  listing(): Array<{ name: string; method: string; path: string; descr: string }> {
    return this.routes
      .filter((r) => !r.hidden)
      .map((r) => ({ path: this.listPath(r.path), name: r.name, method: r.method, descr: r.descr }));
  }
}
