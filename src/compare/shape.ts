// Response shapes: what a run records about the successful answers of each endpoint, so two
// runs can say which fields appeared, disappeared or changed type (docs/compare.md, "Shapes").
// A shape is a map from a JSON-pointer pattern to the JSON types seen there, merged over every
// successful answer of the endpoint in the run. It holds no values: array items collapse to
// `*`, and object keys that are data rather than field names (node names, client ids, the
// run's own prefix, rule ids) collapse to `{key}`, so no id or secret is kept and two runs
// name the same field the same way.
import { escapePointerToken, pointerTokens } from '../findings.ts';

export type JsonType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | 'null';

/** pointer pattern → the JSON types seen there, in JSON_TYPES order */
export type Shape = Record<string, JsonType[]>;

/** findings.json `shapes`: target name → catalog endpoint id → shape */
export type RunShapes = Record<string, Record<string, Shape>>;

export const JSON_TYPES: readonly JsonType[] = ['object', 'array', 'string', 'integer', 'number', 'boolean', 'null'];

/** Any item of an array. */
export const ITEM = '*';
/** Any key of an object whose keys are data (node names, ids), not field names. */
export const ANY_KEY = '{key}';

/** Deeper than this nothing is recorded (EMQX answers are 4–5 levels deep). */
export const MAX_DEPTH = 12;
/** At most this many pointers per endpoint: a free-form object (a config dump) stays bounded. */
export const MAX_POINTERS = 600;

// A harness run prefix (src/run-config.ts newRunPrefix: `hx` + 6 base-36 time digits + up to
// 3 random ones), as it appears at the start of everything a run creates.
const RUN_PREFIX = /(^|[^0-9a-z])hx[0-9a-z]{6,9}(?![0-9a-z])/;

/**
 * Whether an object key is data rather than a field name: it holds a run prefix, a node name
 * (`emqx@127.0.0.1`), an id or address separator (`:` as in `rule:…`, `host:port`), a topic
 * wildcard or whitespace, is a number or a long hex id, or is too long to be a field name.
 * A `/` alone is not enough: 3.x names its metrics and stats that way (`packets/received`).
 */
export function isDataKey(key: string, runPrefix?: string): boolean {
  if (runPrefix && key.includes(runPrefix)) return true;
  return RUN_PREFIX.test(key) || /[@:#+\s]/.test(key) || /^\d+$/.test(key) || /^[0-9a-f-]{16,}$/i.test(key) || key.length > 64;
}

export function jsonTypeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
      return Number.isInteger(value) ? 'integer' : 'number';
    case 'boolean':
      return 'boolean';
    default:
      return 'object';
  }
}

/** The shape of one JSON value (the whole answer body: its pointer is ''). */
export function shapeOf(body: unknown, opts: { runPrefix?: string } = {}): Shape {
  const seen = new Map<string, Set<JsonType>>();
  // the items of a list repeat their keys: decide each key once
  const tokens = new Map<string, string>();
  const tokenOf = (key: string): string => {
    let t = tokens.get(key);
    if (t === undefined) tokens.set(key, (t = isDataKey(key, opts.runPrefix) ? ANY_KEY : escapePointerToken(key)));
    return t;
  };
  const walk = (value: unknown, pointer: string, depth: number): void => {
    if (value === undefined) return;
    let types = seen.get(pointer);
    if (!types) {
      if (seen.size >= MAX_POINTERS) return;
      seen.set(pointer, (types = new Set()));
    }
    const type = jsonTypeOf(value);
    types.add(type);
    if (depth >= MAX_DEPTH) return;
    if (type === 'array') {
      for (const item of value as unknown[]) walk(item, `${pointer}/${ITEM}`, depth + 1);
    } else if (type === 'object') {
      for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
        walk(child, `${pointer}/${tokenOf(key)}`, depth + 1);
      }
    }
  };
  walk(body, '', 0);
  return fromSets(seen);
}

/** The union of shapes: every pointer of either, with every type seen at it. */
export function mergeShapes(...shapes: Shape[]): Shape {
  const seen = new Map<string, Set<JsonType>>();
  for (const shape of shapes) {
    for (const [pointer, types] of Object.entries(shape)) {
      let set = seen.get(pointer);
      if (!set) {
        if (seen.size >= MAX_POINTERS) continue;
        seen.set(pointer, (set = new Set()));
      }
      for (const t of types) set.add(t);
    }
  }
  return fromSets(seen);
}

/** Merges run shapes (target → endpoint → shape) into `into`, which it returns. */
export function mergeRunShapes(into: RunShapes, from: RunShapes): RunShapes {
  for (const [target, endpoints] of Object.entries(from)) {
    const mine = (into[target] ??= {});
    for (const [endpoint, shape] of Object.entries(endpoints)) mine[endpoint] = mine[endpoint] ? mergeShapes(mine[endpoint], shape) : mergeShapes(shape);
  }
  return into;
}

/** Targets, endpoints and pointers in a stable order, so findings.json diffs cleanly. */
export function sortRunShapes(shapes: RunShapes): RunShapes {
  const byKey = <T>(o: Record<string, T>): [string, T][] => Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(
    byKey(shapes).map(([target, endpoints]) => [target, Object.fromEntries(byKey(endpoints).map(([endpoint, shape]) => [endpoint, Object.fromEntries(byKey(shape))]))]),
  );
}

/**
 * A finding's JSON pointer as a pattern two runs agree on: array indices become `*` and keys
 * that are data become `{key}`, so `/data/3/port` and `/data/7/port` are one pattern.
 * A numeric token is read as an index: a finding's pointer does not say whether it was one.
 */
export function pointerPattern(pointer: string): string {
  if (pointer === '') return '';
  return pointerTokens(pointer)
    .map((t) => (/^\d+$/.test(t) ? ITEM : isDataKey(t) ? ANY_KEY : escapePointerToken(t)))
    .map((t) => `/${t}`)
    .join('');
}

function fromSets(seen: Map<string, Set<JsonType>>): Shape {
  const out: Shape = {};
  for (const [pointer, types] of seen) out[pointer] = JSON_TYPES.filter((t) => types.has(t));
  return out;
}
