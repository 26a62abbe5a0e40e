// Delivery accounting: which copies of which message each subscriber got, and at the end how
// many were expected, received, lost and duplicated, per QoS of the publish.
//
// The unit is a copy of message (publisher p, sequence s) at subscriber c. Each worker keeps, for
// each of its subscribers and each publisher it heard from, a byte per sequence counting copies
// (`Pair.counts`, grown by doubling: memory follows the deliveries, one byte each). A client's
// non-shared subscriptions call for e = copies(c, topic) copies (options.ts, the overlap model);
// copies up to e are "used", the rest are surplus. Surplus is either a duplicate or a `$share`
// group's copy: a subscriber cannot tell which subscription a copy came through, so when the run
// has shared subscriptions every worker ships its surplus per (p, s) and the coordinator holds
// the sum against the number of groups matching that message's topic (`groupAccounting`).
//
// Per QoS: expected = Σ e over every message and subscriber + matching groups per message;
// received = unique copies (min(copies, expected) per subscriber, per group set); lost =
// expected − received; duplicated = copies − received. Nothing is lost before the drain ends:
// finalization runs only then, over the publishers' final counts.
import type { Histogram } from '../../src/load/histogram.ts';
import { newHistogram, recordMs, summarize } from '../../src/load/histogram.ts';
import type { LatencyHistogram } from '../../src/load/model.ts';
import { type OverlapModel, type Qos, type SwarmOptions, expandPattern, globalIndex } from './options.ts';
import { FilterIndex, copiesFor, copiesFromMatches, groupOfKey, topicMatches } from './topics.ts';

/** Sequences beyond this are not ours (a publisher sending 2^27 messages would need days). */
export const MAX_SEQ = 2 ** 27;

export interface PublisherInfo {
  /** the stamp's source: the publisher's client id */
  source: string;
  qos: Qos;
  topicPattern: string;
  /** `{i}` of the publisher */
  index: number;
  /** the topic when it does not depend on `{seq}` */
  topic?: string;
}

export function publisherInfo(source: string, qos: Qos, topicPattern: string, index: number, run: string): PublisherInfo {
  const constant = !topicPattern.includes('{seq}');
  return { source, qos, topicPattern, index, ...(constant ? { topic: expandPattern(topicPattern, { i: index, run }) } : {}) };
}

export function topicOf(p: PublisherInfo, seq: number, run: string): string {
  return p.topic ?? expandPattern(p.topicPattern, { i: p.index, run, seq });
}

export class Pair {
  /** copies per message this subscriber's non-shared subscriptions call for; -1: per message (`{seq}` topics) */
  e: number;
  counts: Uint8Array | null = null;
  constructor(e: number) {
    this.e = e;
  }
}

/** One subscriber's granted subscriptions and what it received. */
export class SubscriberBook {
  /** granted non-shared filters */
  plain: string[] = [];
  /** granted `$share/g/f` subscriptions, as parsed {group, filter} keys */
  sharedFilters: string[] = [];
  pairs: (Pair | undefined)[] = [];
  /** REST→MQTT copies per (source, seq) */
  rest: Map<string, Uint8Array> | undefined;
}

function grow(a: Uint8Array | null, need: number): Uint8Array {
  let n = a ? a.length : 256;
  while (n <= need) n *= 2;
  const b = new Uint8Array(n);
  if (a) b.set(a);
  return b;
}

function grow16(a: Uint16Array | undefined, need: number): Uint16Array {
  let n = a ? a.length : 256;
  while (n <= need) n *= 2;
  const b = new Uint16Array(n);
  if (a) b.set(a);
  return b;
}

export interface PerQos<T> {
  0: T;
  1: T;
  2: T;
}

/** What one worker knows at the end. */
export interface WorkerFinal {
  /** the non-shared part per QoS: expected, received (unique), lost; dupOrExtra: copies that were neither */
  nonShared: Record<string, { expected: number; received: number; lost: number; extra: number }>;
  /** when the run has shared subscriptions: per publisher, copies beyond the non-shared ones, per sequence */
  surplus?: (Uint16Array | undefined)[];
  copies: number[];
  /** epoch ms of the first and last copy of an own message (0: none) */
  firstMs: number;
  lastMs: number;
  e2e: Record<string, LatencyHistogram>;
  rest?: { copies: number; duplicated: number; seen: Record<string, Uint8Array>; latency: LatencyHistogram };
  foreign: number;
}

/** A worker's receipts: the hot path (`own`) and the end (`finalize`). */
export class Accounts {
  readonly hist: Histogram[] = [newHistogram(), newHistogram(), newHistogram()];
  readonly restHist = newHistogram();
  /** copies of own messages received, per QoS */
  readonly copies = [0, 0, 0];
  readonly used = [0, 0, 0];
  readonly surplusCount = [0, 0, 0];
  private readonly surplus: (Uint16Array | undefined)[] = [];
  restCopies = 0;
  restDup = 0;
  private readonly restSeen = new Map<string, Uint8Array>();
  /** stamped for this run by sources this shard does not know */
  foreign = 0;
  firstMs = 0;
  lastMs = 0;

  constructor(
    readonly pubs: readonly PublisherInfo[],
    readonly run: string,
    readonly model: OverlapModel,
    /** the configuration has `$share` subscriptions */
    readonly groups: boolean,
  ) {}

  /** A copy of own message (p, seq) arrived at subscriber `book`; `topic` only needed for `{seq}` topics. */
  own(book: SubscriberBook, p: number, seq: number, sentMs: number, nowMs: number, topic: string | undefined): void {
    const pub = this.pubs[p]!;
    const q = pub.qos;
    this.copies[q]!++;
    if (this.firstMs === 0) this.firstMs = nowMs;
    this.lastMs = nowMs;
    recordMs(this.hist[q]!, nowMs - sentMs);
    let pair = book.pairs[p];
    if (pair === undefined) {
      pair = new Pair(pub.topic === undefined ? -1 : copiesFor(book.plain, pub.topic, this.model));
      book.pairs[p] = pair;
    }
    const e = pair.e >= 0 ? pair.e : copiesFor(book.plain, topic ?? topicOf(pub, seq, this.run), this.model);
    if (e > 0) {
      let counts = pair.counts;
      if (counts === null || seq >= counts.length) counts = pair.counts = grow(counts, seq);
      const r = counts[seq]! + 1;
      if (r <= 255) counts[seq] = r;
      if (r <= e) {
        this.used[q]!++;
        return;
      }
    }
    this.surplusCount[q]!++;
    if (this.groups) {
      let s = this.surplus[p];
      if (s === undefined || seq >= s.length) s = this.surplus[p] = grow16(s, seq);
      if (s[seq]! < 65535) s[seq]!++;
    }
  }

  /** A copy of a REST→MQTT message (k6) arrived at `book` on `topic`. */
  restCopy(book: SubscriberBook, source: string, seq: number, sentMs: number, nowMs: number, topic: string): void {
    this.restCopies++;
    recordMs(this.restHist, nowMs - sentMs);
    let seen = this.restSeen.get(source);
    if (seen === undefined || seq >= seen.length) this.restSeen.set(source, (seen = grow(seen ?? null, seq)));
    seen[seq] = 1;
    const rest = (book.rest ??= new Map());
    let counts = rest.get(source);
    if (counts === undefined || seq >= counts.length) rest.set(source, (counts = grow(counts ?? null, seq)));
    const r = counts[seq]! + 1;
    if (r <= 255) counts[seq] = r;
    // copies this client's subscriptions can bring: its non-shared ones plus every matching shared one
    let allowance = copiesFor(book.plain, topic, this.model);
    for (const key of book.sharedFilters) if (topicMatches(groupOfKey(key).filter, topic)) allowance++;
    if (r > Math.max(1, allowance)) this.restDup++;
  }

  /** The non-shared copies this worker's subscribers should get of the messages published so far. */
  expectedLocal(books: readonly SubscriberBook[], published: readonly number[]): number {
    let total = 0;
    this.eachExpectation(books, published, (_q, e, _counts, _seq, constantUntil) => {
      total += e * (constantUntil ?? 1);
    });
    return total;
  }

  /** Calls `each(qos, e, counts, seq)` for every (subscriber, message) with e > 0 (counts may be null). */
  private eachExpectation(books: readonly SubscriberBook[], published: readonly number[], each: (q: Qos, e: number, counts: Uint8Array | null, seq: number, constantUntil?: number) => void): void {
    const index = new FilterIndex();
    books.forEach((b, slot) => {
      for (const f of b.plain) index.add(f, slot);
    });
    if (index.size === 0) return;
    const hits = new Int32Array(books.length);
    const touched: number[] = [];
    const hit = (slot: number): void => {
      if (hits[slot]!++ === 0) touched.push(slot);
    };
    this.pubs.forEach((pub, p) => {
      const m = published[p] ?? 0;
      if (m === 0) return;
      if (pub.topic !== undefined) {
        index.match(pub.topic, hit);
        for (const slot of touched) {
          const e = copiesFromMatches(hits[slot]!, this.model);
          hits[slot] = 0;
          // one call for all m messages: seq -1 and constantUntil m
          if (e > 0) each(pub.qos, e, books[slot]!.pairs[p]?.counts ?? null, -1, m);
        }
        touched.length = 0;
        return;
      }
      for (let s = 0; s < m; s++) {
        index.match(topicOf(pub, s, this.run), hit);
        for (const slot of touched) {
          const e = copiesFromMatches(hits[slot]!, this.model);
          hits[slot] = 0;
          if (e > 0) each(pub.qos, e, books[slot]!.pairs[p]?.counts ?? null, s);
        }
        touched.length = 0;
      }
    });
  }

  /** Exact figures for this worker's subscribers, given every publisher's final count. */
  finalize(books: readonly SubscriberBook[], published: readonly number[]): WorkerFinal {
    const ns: WorkerFinal['nonShared'] = {};
    for (const q of [0, 1, 2]) ns[q] = { expected: 0, received: 0, lost: 0, extra: 0 };
    this.eachExpectation(books, published, (q, e, counts, seq, constantUntil) => {
      const row = ns[q]!;
      if (constantUntil !== undefined) {
        const m = constantUntil;
        let used = 0;
        if (counts) {
          const lim = Math.min(m, counts.length);
          if (e === 1) {
            for (let s = 0; s < lim; s++) if (counts[s]! > 0) used++;
          } else for (let s = 0; s < lim; s++) used += Math.min(counts[s]!, e);
        }
        row.expected += e * m;
        row.received += used;
        row.lost += e * m - used;
      } else {
        const used = counts && seq < counts.length ? Math.min(counts[seq]!, e) : 0;
        row.expected += e;
        row.received += used;
        row.lost += e - used;
      }
    });
    // copies that were neither used by a non-shared subscription nor surplus: beyond the final count
    for (const q of [0, 1, 2]) ns[q]!.extra = this.used[q]! - ns[q]!.received + (this.groups ? 0 : this.surplusCount[q]!);
    const e2e: Record<string, LatencyHistogram> = {};
    for (const q of new Set(this.pubs.map((p) => p.qos))) e2e[q] = summarize(this.hist[q]!);
    const out: WorkerFinal = { nonShared: ns, copies: [...this.copies], firstMs: this.firstMs, lastMs: this.lastMs, e2e, foreign: this.foreign };
    if (this.groups) out.surplus = this.pubs.map((_, p) => this.surplus[p]);
    if (this.restCopies > 0 || this.restSeen.size > 0) {
      out.rest = { copies: this.restCopies, duplicated: this.restDup, seen: Object.fromEntries(this.restSeen), latency: summarize(this.restHist) };
    }
    return out;
  }
}

/**
 * The shared part, over all workers: per message, the groups matching its topic against the
 * surplus copies all workers saw of it. `groups`: keys of every granted (group, filter).
 */
export function groupAccounting(
  pubs: readonly PublisherInfo[],
  run: string,
  published: readonly number[],
  groupKeys: readonly string[],
  surplusSums: readonly (Uint32Array | undefined)[],
): Record<string, { expected: number; received: number; lost: number; duplicated: number }> {
  const out: Record<string, { expected: number; received: number; lost: number; duplicated: number }> = {};
  for (const q of [0, 1, 2]) out[q] = { expected: 0, received: 0, lost: 0, duplicated: 0 };
  const index = new FilterIndex();
  groupKeys.forEach((k, i) => index.add(groupOfKey(k).filter, i));
  pubs.forEach((pub, p) => {
    const m = published[p] ?? 0;
    const row = out[pub.qos]!;
    const sums = surplusSums[p];
    let constG = -1;
    if (pub.topic !== undefined) {
      constG = 0;
      index.match(pub.topic, () => constG++);
    }
    for (let s = 0; s < m; s++) {
      let g = constG;
      if (g < 0) {
        g = 0;
        index.match(topicOf(pub, s, run), () => g++);
      }
      const got = sums && s < sums.length ? sums[s]! : 0;
      const used = Math.min(got, g);
      row.expected += g;
      row.received += used;
      row.lost += g - used;
      row.duplicated += got - used;
    }
    if (sums) for (let s = m; s < sums.length; s++) row.duplicated += sums[s]!;
  });
  return out;
}

/** Adds a worker's surplus arrays into running per-publisher sums. */
export function addSurplus(into: (Uint32Array | undefined)[], from: readonly (Uint16Array | undefined)[]): void {
  from.forEach((a, p) => {
    if (!a) return;
    let s = into[p];
    if (!s || s.length < a.length) {
      const b = new Uint32Array(a.length);
      if (s) b.set(s);
      into[p] = s = b;
    }
    for (let i = 0; i < a.length; i++) s[i]! += a[i]!;
  });
}

/** The shard's publishers, by ordinal j: client id (the stamp's source), QoS and topic. */
export function publishersOf(o: SwarmOptions): PublisherInfo[] {
  const out: PublisherInfo[] = [];
  for (let j = 0; j < o.publishers; j++) {
    const g = globalIndex(o, o.clients - o.publishers + j);
    out.push(publisherInfo(expandPattern(o.clientIdPattern, { i: g, run: o.runId }), o.qos[j % o.qos.length]!, o.pubTopic, g, o.runId));
  }
  return out;
}

/** The subscriptions of the subscriber with shard-local index `local` (duplicates removed, order kept). */
export function subscriptionsOf(o: SwarmOptions, local: number): string[] {
  const g = globalIndex(o, local);
  return [...new Set(o.subTopics.map((t) => expandPattern(t, { i: g, run: o.runId })))];
}
