// Topic filters as the swarm needs them: `$share/<group>/<filter>`, matching (`+`, `#`, and no
// wildcard-first match of `$` topics), an index of many filters, and how many copies of one
// message a client should get.
//
// Overlapping subscriptions of one client, observed with mqtt.js clients (one client holding
// `t/#`, `t/+/x`, `t/a/x`; another publishing to `t/a/x` at QoS 0, 1 and 2):
//
// | broker                        | 3 overlapping filters | + `$share/g1/t/#`, `$share/g2/t/a/+` | `$share/g1/t/#` + `$share/g1/t/a/+` |
// | ----------------------------- | --------------------- | ------------------------------------ | ----------------------------------- |
// | EMQX 4.4.19, MQTT 3.1.1 and 5 | 3 copies              | +2 copies                            | 2 copies                            |
// | mosquitto 2.0.11, MQTT 5      | 3 copies              | +2 copies                            | 2 copies                            |
// | mosquitto 2.0.11, MQTT 3.1.1  | 1 copy                | still 1 copy in total                | 1 copy                              |
// | aedes 1.2 (reference broker)  | 1 copy                | +2 copies                            | 2 copies                            |
//
// So a shared group is keyed by (group, filter) everywhere, and the three models of
// options.ts (`per-subscription`, `per-client`, `per-client-all`) cover what was seen.
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

/** Copies one client gets of a message from its non-shared subscriptions matching `matching` times. */
export function copiesFromMatches(matching: number, model: OverlapModel): number {
  return model === 'per-subscription' ? matching : matching > 0 ? 1 : 0;
}

/** Copies a client holding these non-shared filters should get of a message on `topic`. */
export function copiesFor(filters: readonly string[], topic: string, model: OverlapModel): number {
  let n = 0;
  for (const f of filters) if (topicMatches(f, topic)) n++;
  return copiesFromMatches(n, model);
}

/**
 * The copies of one message on `topic` a set of clients should receive in total: per client its
 * non-shared copies (per the model), plus one per matching shared group.
 */
export function expectedCopies(clients: readonly (readonly string[])[], topic: string, model: OverlapModel): number {
  let total = 0;
  const groups = new Set<string>();
  for (const subs of clients) {
    const plain: string[] = [];
    for (const raw of new Set(subs)) {
      const p = parseFilter(raw);
      if (p.group === undefined) plain.push(p.filter);
      else if (topicMatches(p.filter, topic)) groups.add(groupKey(p));
    }
    total += copiesFor(plain, topic, model);
  }
  return total + groups.size;
}

/** Subscription lists for which brokers' overlap rules differ: some client holds two or more. */
export function hasOverlapRisk(subscriptionLists: Iterable<readonly string[]>): boolean {
  for (const subs of subscriptionLists) if (new Set(subs).size >= 2) return true;
  return false;
}
