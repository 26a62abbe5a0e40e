// MQTT topic rules as emqx_topic applies them: names have no wildcards, filters use `+` and `#`
// only as whole levels (`#` last), `$share/<group>/<filter>` is a shared subscription, and
// filters starting with a wildcard never match `$`-topics.

const MAX_TOPIC_BYTES = 65535;

export function isValidTopicName(t: unknown): t is string {
  if (typeof t !== 'string' || t.length === 0) return false;
  if (Buffer.byteLength(t) > MAX_TOPIC_BYTES) return false;
  if (t.includes('\u0000')) return false;
  return !t.includes('+') && !t.includes('#');
}

export function isValidTopicFilter(t: unknown): t is string {
  if (typeof t !== 'string' || t.length === 0) return false;
  if (Buffer.byteLength(t) > MAX_TOPIC_BYTES) return false;
  if (t.includes('\u0000')) return false;
  const share = parseShare(t);
  if (share === null) return false;
  const words = (share ? share.filter : t).split('/');
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w.includes('#') && (w !== '#' || i !== words.length - 1)) return false;
    if (w.includes('+') && w !== '+') return false;
  }
  return true;
}

export interface SharedFilter {
  group: string;
  filter: string;
}

/**
 * `$share/g/t` → {group: 'g', filter: 't'}; a plain filter → undefined; a malformed shared
 * filter (`$share/g`, `$share//t`) → null.
 */
export function parseShare(t: string): SharedFilter | undefined | null {
  if (!t.startsWith('$share/')) return undefined;
  const rest = t.slice('$share/'.length);
  const slash = rest.indexOf('/');
  if (slash <= 0 || slash === rest.length - 1) return null;
  const group = rest.slice(0, slash);
  if (group.includes('+') || group.includes('#')) return null;
  return { group, filter: rest.slice(slash + 1) };
}

/** Does topic name `topic` match `filter`? */
export function topicMatches(topic: string, filter: string): boolean {
  return matchWords(topic, filter);
}

function matchWords(topic: string, filter: string): boolean {
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

/** Routing index of topic filters: exact filters by hash, wildcard filters scanned. */
export class FilterSet {
  private readonly exact = new Map<string, number>();
  private readonly wild = new Map<string, number>();

  add(filter: string): void {
    const m = filter.includes('+') || filter.includes('#') ? this.wild : this.exact;
    m.set(filter, (m.get(filter) ?? 0) + 1);
  }

  remove(filter: string): void {
    const m = filter.includes('+') || filter.includes('#') ? this.wild : this.exact;
    const n = (m.get(filter) ?? 0) - 1;
    if (n <= 0) m.delete(filter);
    else m.set(filter, n);
  }

  matchesAny(topic: string): boolean {
    if (this.exact.has(topic)) return true;
    for (const f of this.wild.keys()) if (matchWords(topic, f)) return true;
    return false;
  }
}
