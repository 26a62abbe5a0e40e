// The catalog and schemas/json agree both ways (every ref resolves, no orphan schema), and
// the schemas keep to the rules the undocumented-field check depends on (schemas/README.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allEntries } from '../../src/catalog.ts';
import { SchemaRegistry, listSchemaFiles } from '../../src/schema-registry.ts';

const registry = new SchemaRegistry();
const files = listSchemaFiles();

/** Every `$ref` in a schema file, resolved to `file#/pointer` form relative to schemas/json. */
function refsOf(rel: string, node: unknown, out: Set<string>): void {
  if (Array.isArray(node)) node.forEach((n) => refsOf(rel, n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') {
        const [file, frag = ''] = v.split('#');
        const base = rel.split('/').slice(0, -1);
        const target = file ? new URL(file, `x:/${base.join('/')}/`).pathname.slice(1) : rel;
        out.add(`${target}#${frag}`);
      } else refsOf(rel, v, out);
    }
  }
}

test('every catalog ref resolves to a schema that compiles', () => {
  for (const e of allEntries()) {
    for (const ref of [e.request, e.response]) {
      if (!ref) continue;
      assert.ok(registry.resolve(ref), `${e.id}: ${ref} does not exist`);
      assert.doesNotThrow(() => registry.contractValidator(ref), `${e.id}: ${ref}`);
      assert.doesNotThrow(() => registry.strictValidator(ref), `${e.id}: ${ref}`);
    }
  }
});

test('no orphan schema: every $defs entry is referenced by the catalog, an example or another schema', () => {
  const used = new Set<string>();
  for (const e of allEntries()) for (const ref of [e.request, e.response]) if (ref) used.add(ref);
  // the generic pagination example and the error example are held to these
  used.add('common.json#/$defs/pageOfAnything');
  used.add('common.json#/$defs/errorBody');
  for (const f of files) refsOf(f.rel, f.schema, used);
  const orphans: string[] = [];
  for (const f of files) {
    for (const name of Object.keys((f.schema.$defs as object | undefined) ?? {})) {
      if (!used.has(`${f.rel}#/$defs/${name}`)) orphans.push(`${f.rel}#/$defs/${name}`);
    }
  }
  assert.deepEqual(orphans, []);
  for (const ref of used) assert.ok(registry.resolve(ref) !== undefined, `dangling $ref ${ref}`);
});

test('every schema file has the $id of its path and is draft 2020-12', () => {
  for (const f of files) {
    assert.equal(f.schema.$id, `https://emqx-api-harness.dev/schemas/${f.rel}`);
    assert.equal(f.schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
  }
});

test('object schemas are never composed, so the strict copy can name undocumented fields', () => {
  const problems: string[] = [];
  const visit = (where: string, node: unknown): void => {
    if (Array.isArray(node)) return node.forEach((n, i) => visit(`${where}/${i}`, n));
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (Array.isArray(n.allOf) && n.allOf.some((b) => b && typeof b === 'object' && 'properties' in b)) problems.push(`${where}: allOf over object schemas`);
    for (const k of ['anyOf', 'oneOf'] as const) {
      const branches = n[k];
      if (Array.isArray(branches) && branches.filter((b) => b && typeof b === 'object' && 'properties' in b).length > 1) {
        problems.push(`${where}: ${k} with more than one object branch`);
      }
    }
    if (n.additionalProperties === false) problems.push(`${where}: additionalProperties false (the strict copy adds it)`);
    for (const [k, v] of Object.entries(n)) if (k !== 'const' && k !== 'enum' && k !== 'examples') visit(`${where}/${k}`, v);
  };
  for (const f of files) visit(f.rel, f.schema);
  assert.deepEqual(problems, []);
});

test('titles are unique per API version, so generated type names are too', () => {
  for (const version of ['v3', 'v4']) {
    const titles: string[] = [];
    for (const f of files.filter((x) => x.rel.startsWith(`${version}/`))) {
      for (const d of Object.values((f.schema.$defs as Record<string, { title?: string }>) ?? {})) if (d.title) titles.push(d.title);
    }
    const dup = titles.filter((t, i) => titles.indexOf(t) !== i);
    assert.deepEqual(dup, [], `${version} duplicate titles`);
  }
});
