// `_page` / `_limit` and `meta` the way emqx_mgmt_api does them: `_limit` defaults to
// max_row_limit (10000) and is not capped, `_limit=0` gives no rows, a value that is not an
// integer crashes binary_to_integer (500), a negative limit crashes ets:select (500), and
// `hasnext` is computed exactly by fetching one row more than the page.

import { internalError, type Json, type JsonObject, type Reply } from './reply.ts';
import type { Query } from './query.ts';
import type { OrderedIndex, Sequenced } from '../state/ordered-index.ts';

export const MAX_ROW_LIMIT = 10000;

export interface Page {
  page: number;
  limit: number;
  offset: number;
}

const INTEGER = /^[+-]?\d+$/;

function toInt(v: string): number {
  if (!INTEGER.test(v)) throw internalError();
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : n > 0 ? Number.MAX_SAFE_INTEGER : -Number.MAX_SAFE_INTEGER;
}

/**
 * @param duplicateAcrossPages the `duplicate-across-pages` deviation: page n+1 starts one row
 *   early, so it repeats the last row of page n.
 */
export function readPage(query: Query, duplicateAcrossPages = false): Page {
  const rawPage = query.get('_page');
  const rawLimit = query.get('_limit');
  const page = rawPage === undefined ? 1 : toInt(rawPage);
  const limit = rawLimit === undefined ? MAX_ROW_LIMIT : toInt(rawLimit);
  if (limit < 0) throw internalError();
  let offset = page > 1 ? (page - 1) * limit : 0;
  if (duplicateAcrossPages && page > 1 && offset > 0) offset -= 1;
  if (!Number.isFinite(offset)) offset = Number.MAX_SAFE_INTEGER;
  return { page, limit, offset };
}

export interface PageOf<T> {
  rows: T[];
  hasnext: boolean;
}

/** One page of an ordered index, touching only the page (plus one row for hasnext). */
export function pageOfIndex<T extends Sequenced>(index: OrderedIndex<T>, p: Page): PageOf<T> {
  if (p.limit === 0) return { rows: [], hasnext: index.size > p.offset };
  const rows = index.slice(p.offset, p.limit + 1);
  return { rows: rows.slice(0, p.limit), hasnext: rows.length > p.limit };
}

export function pageOfArray<T>(items: readonly T[], p: Page): PageOf<T> {
  if (p.limit === 0) return { rows: [], hasnext: items.length > p.offset };
  const end = p.offset + p.limit;
  return { rows: items.slice(p.offset, end), hasnext: items.length > end };
}

/** Filtered listing: scans in order, skipping `offset` matches. */
export function pageOfScan<T>(items: Iterable<T>, keep: (t: T) => boolean, p: Page): PageOf<T> {
  const rows: T[] = [];
  let skipped = 0;
  for (const item of items) {
    if (!keep(item)) continue;
    if (skipped < p.offset) {
      skipped++;
      continue;
    }
    if (rows.length > p.limit) break;
    rows.push(item);
    if (rows.length > p.limit) break;
  }
  return { rows: rows.slice(0, p.limit), hasnext: rows.length > p.limit };
}

export function meta(p: Page, count: number, hasnext: boolean | undefined): JsonObject {
  const m: JsonObject = { page: p.page, limit: p.limit, count };
  if (hasnext !== undefined) m.hasnext = hasnext;
  return m;
}

/** A page as EMQX answers it: code 0, the rows, and meta (hasnext only where the listing has it). */
export function pageReply(p: Page, rows: Json[], count: number, hasnext: boolean | undefined): Reply {
  return { kind: 'json', status: 200, body: { code: 0, data: rows, meta: meta(p, count, hasnext) } };
}
