// Every endpoint of the harness's catalogs (schemas/catalog/v3.json, v4.json) is routed on the
// reference broker: calling it never answers minirest's `404 Not found.`. The Cloud-only
// /auth_user and /emqx_acl are checked under the Cloud base path /api (EMQX 4.4.19's /api/v4
// does not route them, and neither does the reference's). The catalogs are read
// as data only; the broker itself never sees them.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { startHarness, type Harness } from './helpers.ts';

const CATALOG_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'schemas', 'catalog');

interface Entry {
  id: string;
  apiVersion: 'v3' | 'v4';
  method: string;
  path: string;
  indexName?: string;
}

function loadCatalog(version: 'v3' | 'v4'): Entry[] {
  const file = join(CATALOG_DIR, `${version}.json`);
  assert.ok(existsSync(file), `catalog ${file} is missing: the coverage check needs schemas/catalog/${version}.json (see schemas/catalog/README.md)`);
  const entries = JSON.parse(readFileSync(file, 'utf8')) as Entry[];
  assert.ok(Array.isArray(entries) && entries.length > 0, `catalog ${file} is empty or not a JSON array`);
  return entries;
}

/**
 * A value for a path parameter. Names that EMQX binds as atoms (node, plugin, action and
 * resource type names) must exist, or minirest itself answers 404; everything else gets a
 * made-up value.
 */
function sample(version: 'v3' | 'v4', path: string, name: string): string {
  if (name === 'node') return h.broker.node;
  if (name === 'plugin') return 'emqx_recon';
  if (name === 'action_name') return 'inspect';
  if (name === 'resource_type_name') return 'web_hook';
  if (name === 'type') return version === 'v4' ? 'web_hook' : 'built_in';
  if (name === 'name' && path.startsWith('/actions/')) return version === 'v4' ? 'inspect' : 'built_in:inspect_action';
  if (name === 'name' && path.startsWith('/resource_types/')) return version === 'v4' ? 'web_hook' : 'built_in';
  return `cov-${name}`;
}

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

/** The Cloud document's own APIs: a 4.4.19 management listener does not route them, /api does. */
const CLOUD_ONLY = /^\/(auth_user|emqx_acl)(\/|$)/;

for (const version of ['v4', 'v3'] as const) {
  test(`every ${version} catalog endpoint is routed (no 404 Not found.)`, async () => {
    const entries = loadCatalog(version);
    const unrouted: string[] = [];
    for (const e of entries) {
      const api = version === 'v3' ? h.v3 : CLOUD_ONLY.test(e.path) ? h.cloud : h.api;
      // `@` and `:` stay as they are (legal in a path, and minirest looks `:atom:` bindings such
      // as the node name up undecoded: `emqx%40127.0.0.1` is a 404 on 4.4.19)
      const path = e.path.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(sample(version, e.path, name)).replace(/%40/g, '@').replace(/%3A/g, ':'));
      const body = e.method === 'POST' || e.method === 'PUT' ? {} : undefined;
      const r = await api.request(e.method, path === '/' ? '/' : path, body);
      if (r.status === 404 && r.text === 'Not found.') unrouted.push(`${e.id}: ${e.method} ${e.path}`);
    }
    assert.deepEqual(unrouted, [], `unrouted catalog endpoints:\n${unrouted.join('\n')}`);
  });
}

test('the 3.x route listing names every index route of the catalog', async () => {
  const entries = loadCatalog('v3').filter((e) => e.indexName);
  const listing = (await h.v3.get('/')).json.data as Array<{ name: string }>;
  const names = new Set(listing.map((r) => r.name));
  const missing = entries.filter((e) => !names.has(e.indexName!)).map((e) => e.indexName);
  assert.deepEqual(missing, []);
});
