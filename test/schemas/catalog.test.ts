// The catalog lists every endpoint of both documents, and agrees with the schema folder
// both ways. The documents are parsed here independently of how the catalog was written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { catalog, matchEntry, type CatalogEntry } from '../../src/catalog.ts';
import { REPO_ROOT } from '../../src/schema-registry.ts';

const doc = (file: string): string[] => readFileSync(join(REPO_ROOT, 'schemas', 'source', file), 'utf8').split('\n');
const shape = (path: string): string => path.replace(/\{\w+\}/g, '{}');
const key = (method: string, path: string): string => `${method} ${shape(path)}`;
const keys = (entries: CatalogEntry[]): string[] => entries.map((e) => key(e.method, e.path)).sort();

/** Every `> METHOD /path` heading of the 4.x document (one lacks the `>`), with optional path params split. */
function v4DocumentedEndpoints(): string[] {
  const lines = doc('v4-cloud.md');
  const out: string[] = [];
  lines.forEach((line, i) => {
    const m = /^(?:>\s*)?(GET|POST|PUT|DELETE) (\/\S*)\s*$/.exec(line);
    if (!m) return;
    const path = m[2]!.replace(/\\/g, '').replace(/\$\{(\w+)\}/g, '{$1}');
    out.push(key(m[1]!, path));
    // a path parameter whose table row says Required False makes the list form an endpoint too
    const last = /\{(\w+)\}$/.exec(path)?.[1];
    const table = lines.slice(i, i + 12).join('\n');
    if (last && new RegExp(`^\\|\\s*${last}\\s*\\|[^|]*\\|\\s*False\\s*\\|`, 'm').test(table)) {
      out.push(key(m[1]!, path.slice(0, path.lastIndexOf('/'))));
    }
  });
  return out.sort();
}

/** The 3.x index (GET api/v3/ response), every `Definition:` line, and the index route itself. */
function v3DocumentedEndpoints(): { index: { name: string; method: string; path: string }[]; detailed: string[] } {
  const lines = doc('v3.md');
  const text = lines.slice(0, 560).join('\n');
  const index = (JSON.parse(text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)) as { data: { name: string; method: string; path: string }[] }).data;
  const detailed: string[] = [];
  lines.forEach((line, i) => {
    if (line.trim() !== 'Definition:') return;
    const m = /^(GET|POST|PUT|DELETE) api\/v3\/?(\S*)/.exec(lines[i + 2] ?? '');
    if (!m) return;
    const path = ('/' + m[2]!.split('?')[0]!.replace(/\$\{(\w+)\}/g, '{$1}').replace(/:(\w+)/g, '{$1}')).replace(/(.)\/$/, '$1');
    detailed.push(key(m[1]!, path));
  });
  return { index, detailed };
}
const normIndexPath = (p: string): string => ('/' + p.replace(/^\/+/, '').replace(/\/+$/, '')).replace(/:(\w+)/g, '{$1}');

test('the 4.x catalog has exactly the 51 endpoints of the 4.x/Cloud document', () => {
  const documented = v4DocumentedEndpoints();
  assert.equal(documented.length, 51);
  assert.deepEqual(keys(catalog('v4')), documented);
});

test('the 3.x catalog has exactly its 89 endpoints: the index, GET / and the detailed-only ones', () => {
  const { index, detailed } = v3DocumentedEndpoints();
  const fromIndex = index.map((r) => key(r.method, normIndexPath(r.path)));
  const expected = new Set([...fromIndex, key('GET', '/'), ...detailed]);
  // "Get Alarms History of Specified Node" prints the present path (ERRATA); the index has the history one
  assert.ok(detailed.includes(key('GET', '/resource_types/{type}/actions')));
  assert.ok(!fromIndex.includes(key('GET', '/resource_types/{type}/actions')), 'the actions-by-type route is detailed-only');
  assert.equal(catalog('v3').length, 89);
  assert.deepEqual(keys(catalog('v3')), [...expected].sort());
  // every index route keeps its EMQX route name
  for (const r of index) {
    const e = catalog('v3').find((x) => x.method === r.method && shape(x.path) === shape(normIndexPath(r.path)));
    assert.equal(e?.indexName, r.name, `${r.method} ${r.path}`);
  }
});

for (const version of ['v4', 'v3'] as const) {
  test(`${version} catalog entries are well-formed`, () => {
    const entries = catalog(version);
    const lines = doc(version === 'v4' ? 'v4-cloud.md' : 'v3.md');
    assert.equal(new Set(entries.map((e) => e.id)).size, entries.length, 'ids are unique');
    for (const e of entries) {
      const where = `${e.id} (${e.method} ${e.path})`;
      assert.ok(e.id.startsWith(`${version}.`), where);
      assert.equal(e.apiVersion, version, where);
      assert.deepEqual(e.pathParams.map((p) => p.name), [...e.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]), where);
      assert.equal(e.paginated, e.query.some((q) => q.name === '_page') && e.query.some((q) => q.name === '_limit'), where);
      assert.equal(e.paginated, e.pagination !== undefined, where);
      assert.equal(e.nodeScoped, e.path.startsWith('/nodes/{node}/'), where);
      if (e.method === 'GET' || e.method === 'DELETE') assert.equal(e.request, null, `${where} takes no body`);
      if (e.disruptive) assert.ok(e.mutates || e.method !== 'GET', where);
      assert.match(e.response, new RegExp(`^${version}/${e.area}\\.json#/\\$defs/\\w+_response$`), where);
      // the doc reference points at the heading (or the index row) it names
      const line = lines[e.doc.line - 1] ?? '';
      const cited = e.indexOnly ? `"name": "${e.indexName}"` : version === 'v4' ? e.method : e.doc.heading;
      assert.ok(line.includes(cited), `${where}: line ${e.doc.line} is "${line}"`);
      assert.equal(matchEntry(version, e.method, e.path.replace(/\{(\w+)\}/g, 'x')), e, `${where} is found by its own path`);
    }
  });
}

test('v4 /clients carries the 4.1 filters and count -1 on filtered queries', () => {
  const clients = catalog('v4').find((e) => e.id === 'v4.list_clients')!;
  const names = clients.query.map((q) => q.name);
  for (const n of ['clientid', 'username', 'zone', 'ip_address', 'conn_state', 'clean_start', 'proto_name', 'proto_ver', '_like_clientid', '_like_username', '_gte_created_at', '_lte_created_at', '_gte_connected_at', '_lte_connected_at']) {
    assert.ok(names.includes(n), n);
  }
  assert.deepEqual(clients.pagination, { hasnext: true, filterCountMinusOne: true });
  assert.equal(catalog('v4').find((e) => e.id === 'v4.list_routes')!.pagination!.hasnext, false);
});

test('a literal path segment wins over a parameter when matching requests', () => {
  assert.equal(matchEntry('v4', 'GET', '/clients/username/bob')?.id, 'v4.lookup_client_via_username');
  assert.equal(matchEntry('v4', 'GET', '/clients/bob')?.id, 'v4.lookup_client');
  assert.equal(matchEntry('v4', 'GET', '/clients/bob/acl_cache')?.id, 'v4.list_acl_cache');
  assert.equal(matchEntry('v4', 'GET', '/nope'), undefined);
});
