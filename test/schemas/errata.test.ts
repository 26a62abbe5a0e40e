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
import { pointerTokens } from '../../src/findings.ts';
import { pointerMatches } from '../../src/known-deviations.ts';
import semver from 'semver';

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

// A known deviation is a verdict only inside its release range, only on its pointer, and
// only for the real form it records: built from a documented example, the real answer must
// come back as a known deviation in range and as a failure just outside it.
function setAt(body: unknown, pointer: string, value: unknown, remove: boolean): void {
  const tokens = pointerTokens(pointer);
  const last = tokens.pop()!;
  let node = body as Record<string, unknown>;
  for (const t of tokens) node = node[t] as Record<string, unknown>;
  if (remove) delete node[last];
  else node[last] = value;
}

for (const e of errata('v4')) {
  for (const [i, d] of (e.deviations ?? []).entries()) {
    test(`v4 erratum ${e.id}: known deviation ${i} (${d.pointer}) holds in ${d.releases} and fails outside`, () => {
      const ex = loadExamples('v4').find((x) => x.id === d.proof.example);
      assert.ok(ex, `no example ${d.proof.example}`);
      const body = structuredClone(ex.body);
      if (d.proof.remove) setAt(body, d.proof.remove, undefined, true);
      if (d.proof.set) setAt(body, d.proof.set.pointer, d.proof.set.value, false);
      const inRange = validator.validate(ex.endpoint, 'response', body, '4.4.19');
      assert.ok(semver.satisfies('4.4.19', d.releases), 'the proof release 4.4.19 is in the range');
      assert.deepEqual(inRange.failures.filter((f) => f.verdict === 'fail').map((f) => f.pointer), [], 'no failure in range');
      assert.ok(inRange.failures.some((f) => f.verdict === 'known-deviation' && f.erratum === e.id && pointerMatches(d.pointer, f.pointer!)), 'a known deviation in range');
      assert.ok(inRange.ok, 'the answer is acceptable in range');
      const outside = validator.validate(ex.endpoint, 'response', body, d.outside);
      assert.ok(!semver.satisfies(d.outside, d.releases), `${d.outside} is outside the range`);
      assert.ok(outside.failures.some((f) => f.verdict === 'fail' && pointerMatches(d.pointer, f.pointer!)), `a failure on ${d.outside}`);
      assert.ok(!outside.failures.some((f) => f.verdict === 'known-deviation'), 'no known deviation outside the range');
      // and the documented form itself is no deviation at all
      assert.deepEqual(validator.validate(ex.endpoint, 'response', ex.body, '4.4.19').failures.filter((f) => pointerMatches(d.pointer, f.pointer ?? '')), []);
    });
  }
}

test('a known deviation needs its exact real form: another value at the same pointer still fails', () => {
  const ex = loadExamples('v4').find((x) => x.id === 'v4.show_action@L1585:response')!;
  const body = structuredClone(ex.body) as { data: { params: Record<string, unknown> } };
  body.data.params.target_qos = { type: 42, title: { en: 'x', zh: 'x' }, description: { en: 'x', zh: 'x' } };
  const r = validator.validate('v4.show_action', 'response', body, '4.4.19');
  assert.ok(r.failures.some((f) => f.verdict === 'fail' && f.pointer === '/data/params/target_qos/type'), 'a number type is a failure');
  assert.ok(!r.ok);
});

test('a known deviation with a condition holds only where the condition does: socket counters may be missing on a disconnected session only', () => {
  const ex = loadExamples('v4').find((x) => x.id === 'v4.list_clients@L368:response')!;
  const body = structuredClone(ex.body) as { data: Record<string, unknown>[] };
  delete body.data[0]!.recv_oct;
  const connected = validator.validate('v4.list_clients', 'response', body, '4.4.19');
  assert.ok(connected.failures.some((f) => f.verdict === 'fail' && f.pointer === '/data/0/recv_oct'), 'a connected client without recv_oct fails');
  body.data[0]!.connected = false;
  const gone = validator.validate('v4.list_clients', 'response', body, '4.4.19');
  assert.ok(gone.ok && gone.failures.some((f) => f.verdict === 'known-deviation' && f.pointer === '/data/0/recv_oct'));
});
