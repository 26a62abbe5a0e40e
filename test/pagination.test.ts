// The pagination rules catch each way a listing can be wrong, and pass a correct walk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type Page, checkWalk, walkWasStable } from '../src/pagination.ts';

const clients = Array.from({ length: 23 }, (_, i) => ({ clientid: `c${i}`, node: 'n@h' }));
function walk(limit: number, opts: { hasnext?: boolean; count?: number; mutate?: (p: Page) => void } = {}): { pages: Page[]; pastEnd: Page } {
  const pages: Page[] = [];
  for (let page = 1; ; page++) {
    const items = clients.slice((page - 1) * limit, page * limit);
    const more = page * limit < clients.length;
    const p: Page = { page, limit, items, meta: { page, limit, count: opts.count ?? clients.length, ...(opts.hasnext ? { hasnext: more } : {}) } };
    opts.mutate?.(p);
    pages.push(p);
    if (!more) break;
  }
  return { pages, pastEnd: { page: pages.length + 1, limit, items: [], meta: { page: pages.length + 1, limit, count: clients.length } } };
}
const exp = { area: 'clients', hasnext: true, filtered: false };

test('a correct walk has no problem, for several limits', () => {
  for (const limit of [1, 5, 10, 23, 100]) {
    const { pages, pastEnd } = walk(limit, { hasnext: true });
    assert.deepEqual(checkWalk(pages, pastEnd, { ...exp, mustContain: ['c0', 'c22'] }), [], `limit ${limit}`);
  }
});

test('each deviation is caught with its rule', () => {
  const rules = (w: ReturnType<typeof walk>, e = exp): string[] => [...new Set(checkWalk(w.pages, w.pastEnd, e).map((p) => p.rule))];
  assert.deepEqual(rules(walk(10, { hasnext: true, count: 24 })), ['count equals the items walked over all pages']);
  assert.deepEqual(rules(walk(10)), ['hasnext says whether another page follows']);
  assert.deepEqual(rules(walk(10, { hasnext: true }), { ...exp, hasnext: false }), ['this endpoint/version has no hasnext']);
  assert.deepEqual(rules(walk(10, { hasnext: true }), { ...exp, filtered: true }), ['count is -1 on filtered queries (4.1+)']);
  const dup = walk(10, { hasnext: true, mutate: (p) => p.page === 2 && p.items.splice(0, 1, clients[9]) });
  assert.ok(rules(dup).includes('each item appears on exactly one page'));
  const echo = walk(10, { hasnext: true, mutate: (p) => (p.meta!.limit = 10000) });
  assert.deepEqual(rules(echo), ['meta.limit echoes _limit']);
  const noMeta = walk(10, { hasnext: true, mutate: (p) => (p.meta = undefined) });
  assert.ok(rules(noMeta).includes('a paginated answer carries meta'));
  const w = walk(10, { hasnext: true });
  w.pastEnd.items = [clients[0]];
  assert.deepEqual(rules(w), ['a page past the end is empty']);
  assert.deepEqual(rules(walk(10, { hasnext: true }), { ...exp, mustContain: ['nobody'] } as typeof exp), ['the walk yields every item the test created']);
});

test('a walk is stable only when every page reports the same meta.count', () => {
  const page = (count: unknown): Page => ({ page: 1, limit: 5, items: [], meta: { count } });
  assert.equal(walkWasStable([page(12), page(12), page(12)]), true);
  assert.equal(walkWasStable([page(12), page(11)]), false);
  assert.equal(walkWasStable([page(12), page(12)], page(13)), false, 'the page past the end counts too');
  assert.equal(walkWasStable([page(-1), page(-1)]), true, 'a filtered walk (count -1) has nothing to compare');
});
