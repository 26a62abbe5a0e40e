// Pagination conformance on every paginated endpoint of a version: fill a listing with
// enough objects for several pages, walk it with several _limit values, and hold each
// walk to the rules of src/pagination.ts.
import type { ApiClient, CallOptions } from '../../src/api-client.ts';
import { type ApiVersion, catalog, entryById } from '../../src/catalog.ts';
import { type Page, checkWalk, expectsHasnext, walkWasStable } from '../../src/pagination.ts';
import { type Target, releaseAtLeast } from '../../src/target.ts';
import { test } from '../fixtures.ts';
import type { Checker } from './checker.ts';
import { data, metaOf } from '../../src/answers.ts';

export const FILL = 23;
const LIMITS = [5, 10, 100];
const WALK_ATTEMPTS = 3;

export interface Walk {
  pages: Page[];
  pastEnd: Page;
}

export async function walk(api: ApiClient, endpoint: string, opts: CallOptions, limit: number, check: Checker): Promise<Walk> {
  const pages: Page[] = [];
  const fetch = async (page: number): Promise<Page> => {
    const call = await api.call(endpoint, { ...opts, query: { ...opts.query, _page: page, _limit: limit } });
    check.timing(call);
    const meta = metaOf<NonNullable<Page['meta']>>(call);
    return { page, limit, items: data(call), meta };
  };
  // bounded: a target that never runs out of pages must not hang the run
  for (let page = 1; page <= 200; page++) {
    const p = await fetch(page);
    pages.push(p);
    if (p.items.length < limit || p.meta?.hasnext === false) break;
  }
  return { pages, pastEnd: await fetch(pages.length + 1) };
}

/** Does this endpoint carry meta.hasnext on this target? undefined when the release is unknown. */
export function hasnextOn(target: Target, endpoint: string): boolean | undefined {
  return expectsHasnext(target.apiVersion, !!entryById(endpoint).pagination?.hasnext, target.emqxVersion);
}

export function recordWalk(check: Checker, endpoint: string, label: string, w: Walk, problems: ReturnType<typeof checkWalk>): void {
  for (const p of problems) check.fail(endpoint, 'pagination', `${label}: ${p.where} (${p.rule})`, p.expected, p.actual);
  if (problems.length === 0) {
    const total = w.pages.reduce((n, p) => n + p.items.length, 0);
    check.pass(endpoint, 'pagination', `${label}: ${w.pages.length} page(s), ${total} items, meta and pages agree`);
  }
}

export interface Listing {
  endpoint: string;
  area: string;
  /** what to send besides _page/_limit; `filtered` marks a filter (count -1 from 4.1) */
  opts: (ctx: { target: Target }) => CallOptions;
  filtered?: boolean;
}

/** Walk one listing with each limit and record the outcome; `mine` must each appear once. */
export async function checkListing(api: ApiClient, target: Target, check: Checker, l: Listing, mine: string[]): Promise<void> {
  if (l.filtered && releaseAtLeast(target, '4.1.0') === false) {
    // before 4.1 the listing has no filters: a filtered walk would check the unfiltered one
    check.skip([l.endpoint], 'pagination', `filtered walk: the filters arrived in EMQX 4.1.0; this target is ${target.emqxVersion}`);
    return;
  }
  for (const limit of LIMITS) {
    const label = `walk with _limit=${limit}${l.filtered ? ' (filtered)' : ''}`;
    // a walk during which the listing changed size (other clients of a shared broker) is
    // walked again; only a walk over a stable listing is judged
    let attempt = 0;
    for (;;) {
      const w = await walk(api, l.endpoint, l.opts({ target }), limit, check);
      const problems = checkWalk(w.pages, w.pastEnd, { area: l.area, hasnext: hasnextOn(target, l.endpoint), filtered: !!l.filtered, mustContain: mine });
      if (problems.length === 0 || walkWasStable(w.pages, w.pastEnd)) {
        recordWalk(check, l.endpoint, label, w, problems);
        break;
      }
      if (++attempt === WALK_ATTEMPTS) {
        check.skip([l.endpoint], 'pagination', `${label}: not judged: the listing changed size during each of ${WALK_ATTEMPTS} walks (meta.count moved), as it does while other clients come and go`);
        break;
      }
    }
  }
}

/** The coverage of this suite: every paginated endpoint of the version must be walked by a spec. */
export function paginatedEndpoints(version: ApiVersion): string[] {
  return catalog(version).filter((e) => e.paginated).map((e) => e.id);
}

export { test };
