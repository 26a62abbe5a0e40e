// Every erratum is still true and the schemas still follow its recorded choice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { catalog, entryById } from '../../src/catalog.ts';
import { type Erratum, errata } from '../../src/errata.ts';
import { loadExamples, validateExample } from '../../src/examples.ts';
import { REPO_ROOT } from '../../src/schema-registry.ts';
import { ContractValidator } from '../../src/validator.ts';

const validator = new ContractValidator();
const sources = { v4: 'v4-cloud.md', v3: 'v3.md' } as const;

function runCheck(version: 'v3' | 'v4', erratum: Erratum, check: Erratum['checks'][number]): void {
  const label = `${erratum.id}: ${JSON.stringify(check).slice(0, 120)}`;
  if ('docText' in check) {
    const line = readFileSync(join(REPO_ROOT, 'schemas', 'source', sources[version]), 'utf8').split('\n')[check.docText.line - 1] ?? '';
    assert.ok(line.includes(check.docText.includes), `${label}: line ${check.docText.line} is "${line}"`);
    return;
  }
  if ('instance' in check) {
    const result = validator.validate(check.endpoint, check.direction, check.instance);
    if (check.expect === 'pass') assert.deepEqual(result.failures.map((f) => f.message), [], label);
    else {
      assert.ok(result.failures.length > 0, `${label}: expected the schema to reject it`);
      if (check.pointers) assert.deepEqual([...new Set(result.failures.map((f) => f.pointer))].sort(), [...check.pointers].sort(), label);
    }
    return;
  }
  const ex = loadExamples(version).find((e) => e.id === check.example);
  assert.ok(ex, `${label}: no example with that id`);
  const outcome = validateExample(validator, ex);
  switch (check.expect) {
    case 'no-schema':
      assert.equal(outcome.kind, 'no-schema', label);
      return;
    case 'url-mismatch':
      assert.equal(ex.urlMismatch, true, label);
      return;
    case 'meta-limit-mismatch': {
      const requested = Number(new URLSearchParams(ex.request?.path.split('?')[1] ?? '').get('_limit') ?? 10000);
      const meta = (ex.body as { meta?: { limit?: number } }).meta;
      assert.ok(meta && meta.limit !== requested, `${label}: meta.limit ${meta?.limit} vs requested ${requested}`);
      return;
    }
  }
  assert.equal(outcome.kind, 'validated', label);
  if (outcome.kind !== 'validated') return;
  const failed = [...new Set(outcome.failures.map((f) => f.pointer))].sort();
  const extra = [...new Set(outcome.undocumented.map((f) => f.pointer))].sort();
  if (check.expect === 'pass') assert.deepEqual({ failed, extra }, { failed: [], extra: [] }, label);
  else if (check.expect === 'fail') assert.deepEqual(failed, [...check.pointers].sort(), label);
  else if (check.expect === 'undocumented') assert.deepEqual({ failed, extra }, { failed: [], extra: [...check.pointers].sort() }, label);
}

for (const version of ['v4', 'v3'] as const) {
  test(`${version} errata are well-formed`, () => {
    const list = errata(version);
    assert.equal(new Set(list.map((e) => e.id)).size, list.length, 'ids are unique');
    for (const e of list) {
      assert.ok(e.checks.length > 0, `${e.id} has no check`);
      assert.ok(e.readings.length >= 1 && e.choice && e.why && e.contradiction, `${e.id} is incomplete`);
      for (const id of e.endpoints) assert.doesNotThrow(() => entryById(id), `${e.id}: unknown endpoint ${id}`);
      assert.ok(e.endpoints.every((id) => catalog(version).some((x) => x.id === id)), `${e.id} names endpoints of another version`);
    }
  });

  for (const e of errata(version)) {
    test(`${version} erratum ${e.id} holds`, () => {
      for (const check of e.checks) runCheck(version, e, check);
    });
  }
}
