// The validator's findings: pointer, expected, actual and document section, readable on
// one line; undocumented fields as their own kind; alternatives named in one message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readablePointer } from '../src/findings.ts';
import { SchemaRegistry, strictCopy } from '../src/schema-registry.ts';
import { ContractValidator } from '../src/validator.ts';

const fixture = new SchemaRegistry([
  {
    rel: 'v4/brokers.json',
    schema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'https://emqx-api-harness.dev/schemas/v4/brokers.json',
      $defs: {
        item: {
          type: 'object',
          required: ['port', 'node'],
          properties: {
            port: { type: 'integer' },
            node: { type: 'string' },
            mem: { anyOf: [{ type: 'string', pattern: '^[0-9]+M$' }, { type: 'integer' }] },
            opts: { type: 'object', additionalProperties: { type: 'integer' } },
          },
        },
        list_brokers_response: {
          type: 'object',
          required: ['code', 'data'],
          properties: { code: { const: 0 }, data: { type: 'array', items: { $ref: '#/$defs/item' } } },
        },
      },
    },
  },
]);
const validator = new ContractValidator(fixture);
const ok = { port: 1, node: 'n' };

test('a wrong type names endpoint, pointer, expected, actual and document section', () => {
  const r = validator.validate('v4.list_brokers', 'response', { code: 0, data: [ok, ok, ok, { port: '64491', node: 'n' }] });
  assert.equal(r.ok, false);
  assert.equal(r.failures.length, 1);
  const f = r.failures[0]!;
  assert.equal(f.pointer, '/data/3/port');
  assert.equal(f.expected, 'integer');
  assert.equal(f.actual, '"64491"');
  assert.equal(f.check, 'schema');
  assert.equal(f.endpoint, 'v4.list_brokers');
  assert.equal(f.message, 'GET /brokers data[3].port: expected integer, got "64491" (4.x/Cloud doc, "Return basic information of all nodes in the cluster.")');
});

test('a missing field points at the field, and a wrong code is an envelope finding', () => {
  const r = validator.validate('v4.list_brokers', 'response', { code: 102, data: [{ port: 1 }] });
  const byPointer = Object.fromEntries(r.failures.map((f) => [f.pointer, f]));
  assert.equal(byPointer['/data/0/node']?.expected, 'present');
  assert.equal(byPointer['/data/0/node']?.actual, 'missing');
  assert.equal(byPointer['/code']?.check, 'envelope');
  assert.equal(byPointer['/code']?.expected, '0');
});

test('alternatives are reported once, naming both', () => {
  const r = validator.validate('v4.list_brokers', 'response', { code: 0, data: [{ ...ok, mem: true }] });
  assert.equal(r.failures.length, 1);
  assert.equal(r.failures[0]!.pointer, '/data/0/mem');
  assert.match(r.failures[0]!.expected!, /string.*or integer/);
});

test('undocumented fields are their own finding and do not fail the schema check', () => {
  const r = validator.validate('v4.list_brokers', 'response', { code: 0, data: [{ ...ok, extra: 'x' }], meta: {} });
  assert.equal(r.ok, true);
  assert.deepEqual(r.undocumented.map((f) => f.pointer).sort(), ['/data/0/extra', '/meta']);
  assert.ok(r.undocumented.every((f) => f.check === 'undocumented-field'));
  // free-form maps stay free-form
  assert.equal(validator.validate('v4.list_brokers', 'response', { code: 0, data: [{ ...ok, opts: { any: 1 } }] }).undocumented.length, 0);
});

test('a valid body gives no finding at all', () => {
  const r = validator.validate('v4.list_brokers', 'response', { code: 0, data: [ok] });
  assert.deepEqual(r, { ok: true, failures: [], undocumented: [] });
});

test('the strict copy forbids extra properties only where properties are listed', () => {
  const s = strictCopy({ type: 'object', properties: { a: { type: 'object', properties: {} } }, $defs: { m: { type: 'object', additionalProperties: { type: 'integer' } } } }) as Record<string, any>;
  assert.equal(s.additionalProperties, false);
  assert.equal(s.properties.a.additionalProperties, false);
  assert.deepEqual(s.$defs.m.additionalProperties, { type: 'integer' });
});

test('pointers read like code', () => {
  assert.equal(readablePointer('/data/3/port'), 'data[3].port');
  assert.equal(readablePointer('/data/0/metrics/messages.received'), 'data[0].metrics["messages.received"]');
  assert.equal(readablePointer(''), '(body)');
  assert.equal(readablePointer('/a~1b'), '["a/b"]');
});
