// Topic filters as the swarm needs them: `$share/<group>/<filter>`, matching (`+`, `#`, and no
// wildcard-first match of `$` topics), an index of many filters, and how many copies of one
// message a client should get.
//
// Overlapping subscriptions of one client, observed with mqtt.js clients (one SUBSCRIBE; another
// client publishes once to `t/a/x` at QoS 1; copies the subscriber received):
//
// | subscriptions (filters under `t/`)            | EMQX 4.4.19, 3.1.1 and 5 | mosquitto 2.0.11, MQTT 5 | mosquitto 2.0.11, 3.1.1 | aedes 1.2 (reference) |
// | --------------------------------------------- | ------------------------ | ------------------------ | ----------------------- | --------------------- |
// | `#`, `+/x`, `a/x`                             | 3                        | 3                        | 1                       | 1                     |
// | `#`, `$share/g1/a/x`                          | 2                        | 2                        | 1                       | 2                     |
// | `$share/g1/#`, `$share/g1/a/+`                | 2                        | 2                        | 1                       | 2                     |
// | `#`, `+/x`, `a/x`, `$share/G/#`, `$share/H/a/x` | 3                      | 5                        | 1                       | 3                     |
// | `a/x`, `$share/G/a/x` (either order)          | 1                        | 2                        | 1                       | 2                     |
//
// EMQX keys a client's subscriptions by the real filter (`$share/g/f` is `f`,
// emqx_broker:subscribe/3 only updates options for a filter the client already holds): the
// first subscription of a filter counts and later ones are ignored (seen on 4.4.19 with a second
// member: `$share/G/f` then `f` leaves the client a group member; `f` then `$share/G/f` leaves
// it a plain subscriber). A shared group is (group, filter) everywhere. The four models of
// options.ts (`per-subscription`, `per-filter`, `per-client`, `per-client-all`) are these columns.
import type { OverlapModel } from './options.ts';

export interface ParsedFilter {
  /** the `$share` group, if shared */
  group?: string;
  /** the filter that is matched against topics */
  filter: string;
}

export function parseFilter(raw: string): ParsedFilter {
  if (!raw.startsWith('$share/')) return { filter: raw };
  const rest = raw.slice('$share/'.length);
  const slash = rest.indexOf('/');
  return { group: rest.slice(0, slash), filter: rest.slice(slash + 1) };
}

/** The identity of a shared group: (group, filter), as every broker observed keys it. */
export function groupKey(p: ParsedFilter): string {
  return `${p.group}\u0000${p.filter}`;
}

export function groupOfKey(key: string): ParsedFilter {
  const z = key.indexOf('\u0000');
  return { group: key.slice(0, z), filter: key.slice(z + 1) };
}

/** Does topic name `topic` match filter `filter` (a plain filter, not `$share/…`)? */
export function topicMatches(filter: string, topic: string): boolean {
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const t = topic.split('/');
  const f = filter.split('/');
  for (let i = 0; i < f.length; i++) {
    const fw = f[i]!;
    if (fw === '#') return true;
    if (i >= t.length) return false;
    if (fw !== '+' && fw !== t[i]) return false;
  }
  return t.length === f.length;
}

interface Node {
  children?: Map<string, Node>;
  plus?: Node;
  /** values of filters ending in `#` at this level */
  hash?: number[];
  /** values of filters ending exactly here */
  end?: number[];
}

/** Many filters, each with a numeric value (a client slot, a group id); a topic yields every matching value, once per matching filter. */
export class FilterIndex {
  private readonly root: Node = {};
  size = 0;

  add(filter: string, value: number): void {
    let n = this.root;
    const words = filter.split('/');
    for (let i = 0; i < words.length; i++) {
      const w = words[i]!;
      if (w === '#') {
        (n.hash ??= []).push(value);
        this.size++;
        return;
      }
      if (w === '+') n = n.plus ??= {};
      else {
        const c = (n.children ??= new Map());
        let next = c.get(w);
        if (!next) c.set(w, (next = {}));
        n = next;
      }
    }
    (n.end ??= []).push(value);
    this.size++;
  }

  /** Calls `hit(value)` for every matching filter (a value added under two matching filters is hit twice). */
  match(topic: string, hit: (value: number) => void): void {
    const words = topic.split('/');
    const dollar = topic.startsWith('$');
    const walk = (n: Node, k: number): void => {
      if (n.hash && !(dollar && k === 0)) for (const v of n.hash) hit(v);
      if (k === words.length) {
        if (n.end) for (const v of n.end) hit(v);
        return;
      }
      const c = n.children?.get(words[k]!);
      if (c) walk(c, k + 1);
      if (n.plus && !(dollar && k === 0)) walk(n.plus, k + 1);
    };
    walk(this.root, 0);
  }
}

/**
 * The subscriptions that count, in SUBSCRIBE order, split into non-shared filters and shared
 * group keys: duplicates removed, and under `per-filter` only the first subscription of each
 * real filter.
 */
export function effectiveSubscriptions(granted: readonly string[], model: OverlapModel): { plain: string[]; shared: string[] } {
  const plain: string[] = [];
  const shared: string[] = [];
  const seen = new Set<string>();
  for (const raw of granted) {
    const p = parseFilter(raw);
    const key = model === 'per-filter' ? p.filter : raw;
    if (seen.has(key)) continue;
    seen.add(key);
    if (p.group === undefined) plain.push(p.filter);
    else shared.push(groupKey(p));
  }
  return { plain, shared };
}

/** Copies one client gets of a message from its non-shared subscriptions matching `matching` times. */
export function copiesFromMatches(matching: number, model: OverlapModel): number {
  return model === 'per-subscription' || model === 'per-filter' ? matching : matching > 0 ? 1 : 0;
}

/** Copies a client holding these (effective) non-shared filters should get of a message on `topic`. */
export function copiesFor(filters: readonly string[], topic: string, model: OverlapModel): number {
  let n = 0;
  for (const f of filters) if (topicMatches(f, topic)) n++;
  return copiesFromMatches(n, model);
}

/**
 * The copies of one message on `topic` a set of clients (each its subscriptions in SUBSCRIBE
 * order) should receive in total: per client its non-shared copies (per the model), plus one per
 * matching shared group that has a member. Under `per-client-all` a client gets one copy at most,
 * so a group's copy adds one only when some member gets nothing otherwise (exact when all members
 * agree; otherwise it depends on which member the broker picks, and this is the upper bound).
 */
export function expectedCopies(clients: readonly (readonly string[])[], topic: string, model: OverlapModel): number {
  let total = 0;
  const groups = new Map<string, boolean>();
  for (const subs of clients) {
    const eff = effectiveSubscriptions(subs, model);
    const plain = copiesFor(eff.plain, topic, model);
    total += plain;
    for (const k of eff.shared) {
      if (!topicMatches(groupOfKey(k).filter, topic)) continue;
      // per-client-all: does this member still lack a copy?
      groups.set(k, (groups.get(k) ?? false) || plain === 0);
    }
  }
  if (model !== 'per-client-all') return total + groups.size;
  for (const open of groups.values()) if (open) total++;
  return total;
}

/** Subscription lists for which brokers' overlap rules differ: some client holds two or more. */
export function hasOverlapRisk(subscriptionLists: Iterable<readonly string[]>): boolean {
  for (const subs of subscriptionLists) if (new Set(subs).size >= 2) return true;
  return false;
}
