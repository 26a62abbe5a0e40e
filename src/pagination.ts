// Pagination conformance: walk every page of a listing and check what the documents and
// EMQX promise (4.x/Cloud § GET /clients, 3.x § Pagination, docs/emqx-behaviour.md §9, #10):
// meta echoes page and limit, count and hasnext agree with what was walked, a page past
// the end is empty, and the pages together hold each item exactly once.

export interface PageMeta {
  page?: unknown;
  limit?: unknown;
  count?: unknown;
  hasnext?: unknown;
}

export interface Page {
  page: number;
  limit: number;
  items: unknown[];
  meta: PageMeta | undefined;
}

export interface PaginationProblem {
  /** where: `page 3 meta.count`, `page 2 data[4]` */
  where: string;
  rule: string;
  expected: string;
  actual: string;
}

/**
 * Whether the listing stayed the same size while it was walked: every page reports the same
 * meta.count. On a broker others use, clients come and go during a walk and pages shift
 * (docs/emqx-behaviour.md §11); a walk over a changing table proves nothing either way.
 */
export function walkWasStable(pages: Page[], pastEnd?: Page): boolean {
  const counts = [...pages, ...(pastEnd ? [pastEnd] : [])].map((p) => p.meta?.count).filter((c) => typeof c === 'number' && c >= 0);
  return counts.every((c) => c === counts[0]);
}

/**
 * Whether a listing's meta carries hasnext on a target: 4.x from 4.1 on the listings the
 * catalog marks (docs/emqx-behaviour.md §9), never on 3.x; undefined when the release is unknown.
 */
export function expectsHasnext(apiVersion: 'v3' | 'v4', listingHasHasnext: boolean, emqxVersion: string | undefined): boolean | undefined {
  if (apiVersion === 'v3' || !listingHasHasnext) return false;
  if (!emqxVersion) return undefined;
  const [major = 0, minor = 0] = emqxVersion.split('.').map(Number);
  return major > 4 || (major === 4 && minor >= 1);
}

/** Identity of an item, so duplicates and gaps can be seen across pages. */
export function itemKey(area: string, item: unknown): string {
  const o = (item ?? {}) as Record<string, unknown>;
  const pick = (...names: string[]): string => JSON.stringify(names.map((n) => o[n]));
  switch (area) {
    case 'clients':
      return pick('clientid', 'node');
    case 'connections':
    case 'sessions':
      return pick('client_id', 'node');
    case 'subscriptions':
      return pick('clientid', 'client_id', 'topic', 'node');
    case 'routes':
      return pick('topic', 'node');
    case 'auth_user':
      return pick('login');
    case 'emqx_acl':
      return pick('login', 'topic', 'action');
    case 'banned':
      return pick('who', 'as');
    default:
      return JSON.stringify(item);
  }
}

export interface WalkExpectations {
  area: string;
  /** the target's meta carries hasnext (4.x ≥ 4.1, on this endpoint); undefined: the release is unknown, don't check */
  hasnext: boolean | undefined;
  /** a filter was sent: count is -1 from 4.1 (docs/emqx-behaviour.md §9) */
  filtered: boolean;
  /** items the listing must contain (e.g. the clients the test connected) */
  mustContain?: string[];
}

/**
 * Check a complete walk: the pages requested 1..n with the same limit, where page n is
 * the first with fewer items than the limit (or empty), plus one page past the end.
 */
export function checkWalk(pages: Page[], pastEnd: Page, exp: WalkExpectations): PaginationProblem[] {
  const problems: PaginationProblem[] = [];
  const seen = new Map<string, number>();
  let total = 0;
  pages.forEach((p, i) => {
    const where = `page ${p.page}`;
    if (!p.meta) {
      problems.push({ where: `${where} meta`, rule: 'a paginated answer carries meta', expected: 'meta {page, limit, count}', actual: 'missing' });
      return;
    }
    if (p.meta.page !== p.page) problems.push({ where: `${where} meta.page`, rule: 'meta.page echoes _page', expected: String(p.page), actual: JSON.stringify(p.meta.page) });
    if (p.meta.limit !== p.limit) problems.push({ where: `${where} meta.limit`, rule: 'meta.limit echoes _limit', expected: String(p.limit), actual: JSON.stringify(p.meta.limit) });
    if (p.items.length > p.limit) problems.push({ where: `${where} data`, rule: 'a page holds at most _limit items', expected: `<= ${p.limit}`, actual: String(p.items.length) });
    const isLast = i === pages.length - 1;
    if (exp.hasnext === undefined) {
      // the release is unknown, so whether hasnext belongs here is too
    } else if (exp.hasnext) {
      if (p.meta.hasnext !== !isLast) {
        problems.push({ where: `${where} meta.hasnext`, rule: 'hasnext says whether another page follows', expected: String(!isLast), actual: JSON.stringify(p.meta.hasnext) });
      }
    } else if ('hasnext' in p.meta) {
      problems.push({ where: `${where} meta.hasnext`, rule: 'this endpoint/version has no hasnext', expected: 'absent', actual: JSON.stringify(p.meta.hasnext) });
    }
    p.items.forEach((item, k) => {
      const key = itemKey(exp.area, item);
      const first = seen.get(key);
      if (first !== undefined) problems.push({ where: `${where} data[${k}]`, rule: 'each item appears on exactly one page', expected: 'a new item', actual: `a duplicate of an item on page ${first}` });
      else seen.set(key, p.page);
    });
    total += p.items.length;
  });
  const counts = [...new Set(pages.map((p) => p.meta?.count))];
  if (exp.filtered) {
    for (const c of counts) if (c !== -1) problems.push({ where: 'meta.count', rule: 'count is -1 on filtered queries (4.1+)', expected: '-1', actual: JSON.stringify(c) });
  } else {
    for (const c of counts) if (c !== total) problems.push({ where: 'meta.count', rule: 'count equals the items walked over all pages', expected: String(total), actual: JSON.stringify(c) });
  }
  if (pastEnd.items.length !== 0) {
    problems.push({ where: `page ${pastEnd.page} data`, rule: 'a page past the end is empty', expected: '[]', actual: `${pastEnd.items.length} items` });
  }
  for (const key of exp.mustContain ?? []) {
    if (![...seen.keys()].some((k) => k.includes(JSON.stringify(key)))) {
      problems.push({ where: 'data', rule: 'the walk yields every item the test created', expected: `an item for ${key}`, actual: 'not on any page' });
    }
  }
  return problems;
}
