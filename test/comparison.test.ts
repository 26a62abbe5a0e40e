// The checker's comparison rules, which real brokers forced: object key order never
// matters, array order does, and an echo may carry more than was sent but never less or other.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containsSubset, deepEqual } from '../contracts/lib/checker.ts';

test('deep equality ignores object key order, not array order', () => {
  assert.ok(deepEqual({ a: 1, b: { c: [1, 2], d: 'x' } }, { b: { d: 'x', c: [1, 2] }, a: 1 }));
  assert.ok(!deepEqual([1, 2], [2, 1]), 'a list the documents order stays ordered');
  assert.ok(!deepEqual({ a: 1 }, { a: '1' }));
  assert.ok(deepEqual({ a: 1, b: undefined }, { a: 1 }), 'an undefined field is an absent one');
  assert.ok(!deepEqual({ a: 1 }, { a: 1, b: 2 }));
});

test('an echo holds every key sent with its value, and may carry defaults besides', () => {
  const sent = { url: 'http://127.0.0.1:9910', method: 'POST', headers: {} };
  assert.ok(containsSubset(sent, { ...sent, verify: false, pool_size: 8 }));
  assert.ok(!containsSubset(sent, { ...sent, method: 'PUT' }), 'a changed value fails');
  assert.ok(!containsSubset(sent, { url: sent.url, headers: {} }), 'a dropped key fails');
  assert.ok(!containsSubset({ a: [1, 2] }, { a: [1, 2, 3] }), 'lists are compared whole');
  assert.ok(!containsSubset({ a: {} }, { a: [] }));
});
