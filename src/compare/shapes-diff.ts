// The difference of two shapes of one endpoint: fields added, removed, retyped, and renamed
// (a field removed and one added beside it whose names differ only in case, `_`, `-` or `.`,
// with the same types: 3.x `client_id` is 4.x `clientid`, `ipaddress` is `ip_address`).
//
// A shape is what the run saw, so two rules keep run content from posing as an API change:
//   - integer and number are one type here: `0` and `0.5` are both JSON numbers, and which
//     one a gauge happened to hold says nothing about the API;
//   - below a list (or a map keyed by ids) that one run only ever saw empty, nothing is
//     compared: that run saw no item, which is not the same as items without fields.
// A change reports its top-most field; the fields below an added, removed or renamed object
// go with it (`below`).
import type { ShapeChange } from './model.ts';
import { ANY_KEY, ITEM, type JsonType, type Shape } from './shape.ts';

export interface ShapeDiff {
  changes: ShapeChange[];
  /** fields not compared because the other run saw their list or map only empty */
  unobserved: number;
}

export function diffShapes(a: Shape, b: Shape): ShapeDiff {
  const changes: ShapeChange[] = [];
  let unobserved = 0;
  for (const [pointer, typesB] of Object.entries(b)) {
    const typesA = Object.hasOwn(a, pointer) ? a[pointer] : undefined;
    if (typesA && folded(typesA) !== folded(typesB)) changes.push({ kind: 'retyped', pointer, a: typesA, b: typesB });
  }
  const side = (mine: Shape, other: Shape): { top: string[]; unobserved: number } => {
    const top: string[] = [];
    let unseen = 0;
    for (const pointer of Object.keys(mine)) {
      if (pointer === '' || Object.hasOwn(other, pointer)) continue;
      const parent = parentOf(pointer);
      if (!Object.hasOwn(other, parent)) continue; // below something added, removed or unobserved: counted with it
      const last = pointer.slice(parent.length + 1);
      if (last === ITEM || last === ANY_KEY) {
        // the other run saw this list or map, but never an item in it
        unseen += 1 + below(mine, pointer);
        continue;
      }
      top.push(pointer);
    }
    return { top, unobserved: unseen };
  };
  const added = side(b, a);
  const removed = side(a, b);
  unobserved = added.unobserved + removed.unobserved;

  const renamedFrom = new Set<string>();
  const renamedTo = new Set<string>();
  for (const to of added.top) {
    const from = removed.top.find(
      (r) => !renamedFrom.has(r) && parentOf(r) === parentOf(to) && sameName(lastToken(r), lastToken(to)) && folded(a[r]!) === folded(b[to]!),
    );
    if (from === undefined) continue;
    renamedFrom.add(from);
    renamedTo.add(to);
    changes.push({ kind: 'renamed', pointer: to, from, a: a[from]!, b: b[to]!, ...countBelow(b, to) });
  }
  for (const p of added.top) if (!renamedTo.has(p)) changes.push({ kind: 'added', pointer: p, b: b[p]!, ...countBelow(b, p) });
  for (const p of removed.top) if (!renamedFrom.has(p)) changes.push({ kind: 'removed', pointer: p, a: a[p]!, ...countBelow(a, p) });
  changes.sort((x, y) => KIND_ORDER.indexOf(x.kind) - KIND_ORDER.indexOf(y.kind) || compareText(x.pointer, y.pointer));
  return { changes, unobserved };
}

const KIND_ORDER: ShapeChange['kind'][] = ['renamed', 'retyped', 'removed', 'added'];

function folded(types: readonly JsonType[]): string {
  return [...new Set(types.map((t) => (t === 'integer' ? 'number' : t)))].sort().join(',');
}

function parentOf(pointer: string): string {
  return pointer.slice(0, pointer.lastIndexOf('/'));
}

function lastToken(pointer: string): string {
  return pointer.slice(pointer.lastIndexOf('/') + 1);
}

function sameName(x: string, y: string): boolean {
  const norm = (s: string): string => s.toLowerCase().replace(/[_.\-]/g, '');
  return x !== y && norm(x) === norm(y);
}

function below(shape: Shape, pointer: string): number {
  const prefix = `${pointer}/`;
  return Object.keys(shape).filter((p) => p.startsWith(prefix)).length;
}

function countBelow(shape: Shape, pointer: string): { below?: number } {
  const n = below(shape, pointer);
  return n > 0 ? { below: n } : {};
}

function compareText(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}
