// Benign variations: things real EMQX brokers legitimately do that a correct harness must
// tolerate (unlike deviations.ts, which breaks the contract). Each is off by default; `--vary
// NAME` (repeatable), `variations: [...]` or REFERENCE_VARY=a,b turn them on.

interface VariationSpec {
  effect: string;
}

export const VARIATIONS: Readonly<Record<string, VariationSpec>> = {
  order: {
    effect:
      'listings and lookups (clients, subscriptions, routes, rules, resources, actions, banned, metrics/stats keys) come back in a stable hash order instead of creation order; each item is still on exactly one page',
  },
  'lag-counters': { effect: `/stats and /metrics are snapshots refreshed every ${1500} ms, so a counter lags up to that` },
  'late-subscribe': { effect: 'REST subscribe/unsubscribe (and their batches) take effect ~400 ms after the answer' },
  'extra-fields': { effect: 'data items carry undocumented fields (`extra_info`), as newer releases add fields' },
  'echo-defaults': { effect: 'created resources and rules echo what was sent plus more default keys in nested objects (resource config, action params)' },
};

/** How long a snapshot of /stats (and /metrics) lives with `lag-counters`. */
export const LAGGING_COUNTER_INTERVAL_MS = 1500;
/** When a REST subscribe/unsubscribe lands with `late-subscribe`. */
export const LATE_SUBSCRIBE_MS = 400;

export class VariationError extends Error {}

export function parseVariation(spec: string): string {
  const name = spec.trim();
  if (!VARIATIONS[name]) throw new VariationError(`unknown variation "${name}"; valid: ${Object.keys(VARIATIONS).join(', ')}`);
  return name;
}

export class Variations {
  private readonly names: ReadonlySet<string>;

  constructor(list: readonly string[]) {
    this.names = new Set(list);
  }

  static parse(specs: readonly string[] | undefined): Variations {
    return new Variations((specs ?? []).map(parseVariation));
  }

  has(name: keyof typeof VARIATIONS | string): boolean {
    return this.names.has(name);
  }

  get list(): string[] {
    return [...this.names];
  }
}

/** FNV-1a, for a stable order that is not creation order (as ets hash tables list). */
export function hashOrderKey(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The items in hash order of their keys (a copy; stable while the set does not change). */
export function inHashOrder<T>(items: Iterable<T>, key: (t: T) => string): T[] {
  return [...items]
    .map((item) => ({ item, k: hashOrderKey(key(item)), s: key(item) }))
    .sort((a, b) => a.k - b.k || (a.s < b.s ? -1 : a.s > b.s ? 1 : 0))
    .map((x) => x.item);
}

/** An object with its keys in hash order. */
export function keysInHashOrder<V>(o: Record<string, V>): Record<string, V> {
  const out: Record<string, V> = {};
  for (const k of inHashOrder(Object.keys(o), (x) => x)) out[k] = o[k]!;
  return out;
}

/** For --help. */
export function variationTable(): string {
  const width = Math.max(...Object.keys(VARIATIONS).map((n) => n.length)) + 2;
  return Object.entries(VARIATIONS)
    .map(([n, v]) => `  ${n.padEnd(width)}${v.effect}`)
    .join('\n');
}
