// The expectations table is well-formed: every case names a catalog endpoint and fills its
// path, cites a source per outcome, and its version ranges cover the major without overlap;
// the catalog's `errors` lists and the table agree both ways.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import semver from 'semver';
import { allEntries, entryById } from '../../src/catalog.ts';
import { expectations, outcomeFor } from '../../src/expectations.ts';

const exps = expectations();

test('every case names an endpoint, fills its path and cites a source per outcome', () => {
  assert.ok(exps.length >= 100, `${exps.length} cases`);
  assert.equal(new Set(exps.map((e) => e.id)).size, exps.length, 'ids are unique');
  for (const e of exps) {
    const entry = entryById(e.endpoint);
    if (!e.request.path) {
      for (const p of entry.pathParams) assert.ok(e.request.params?.[p.name], `${e.id}: path parameter ${p.name} not filled`);
    }
    assert.ok(e.outcomes.length > 0, `${e.id} has no outcome`);
    for (const o of e.outcomes) {
      assert.ok(semver.validRange(o.versions), `${e.id}: bad range ${o.versions}`);
      assert.ok(o.source.doc || o.source.behaviour || o.source.emqx, `${e.id} ${o.versions}: no source`);
      assert.ok(o.unknown || o.status !== undefined, `${e.id} ${o.versions}: no status`);
    }
  }
});

test('each case has exactly one outcome per release of its major version', () => {
  const releases = (major: 3 | 4): string[] => {
    const out: string[] = [];
    for (let minor = 0; minor <= 4; minor++) for (let patch = 0; patch <= 25; patch++) out.push(`${major}.${minor}.${patch}`);
    return out;
  };
  for (const e of exps) {
    for (const r of releases(e.endpoint.startsWith('v3.') ? 3 : 4)) {
      const matching = e.outcomes.filter((o) => semver.satisfies(r, o.versions));
      assert.equal(matching.length, 1, `${e.id}: ${matching.length} outcomes for ${r}`);
    }
  }
});

test('behaviour that changed between releases is held per release', () => {
  const kick = exps.find((e) => e.endpoint === 'v4.kickout_client' && e.case === 'unknown-client');
  assert.ok(kick, 'the kick of an unknown client is in the table');
  assert.equal((outcomeFor(kick, '4.3.8')?.body as { code?: number }).code, 112);
  assert.equal((outcomeFor(kick, '4.4.19')?.body as { code?: number }).code, 0);
});

test("the catalog's errors lists and the table agree both ways", () => {
  for (const entry of allEntries()) {
    assert.deepEqual(entry.errors, exps.filter((e) => e.endpoint === entry.id).map((e) => e.id), entry.id);
  }
});
