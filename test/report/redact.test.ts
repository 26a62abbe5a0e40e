// The one redaction every report file passes through: a secret must not survive in any form
// a report can carry it in (plain, -u id:secret, Basic base64, URL-, JSON- or HTML-encoded).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redact, redactStrings } from '../../src/report/redact.ts';

const secrets = ['s3cr3t'];

test('a plain secret, in -u id:secret and in a URL, becomes ***', () => {
  assert.equal(
    redact("curl -u admin:s3cr3t 'http://admin:s3cr3t@h/api'", secrets),
    "curl -u admin:*** 'http://admin:***@h/api'",
  );
});

test('the base64 form inside a Basic header is replaced, however the header is written', () => {
  // base64('admin:s3cr3t') = YWRtaW46czNjcjN0
  assert.equal(redact('Authorization: Basic YWRtaW46czNjcjN0', secrets), 'Authorization: Basic ***');
  assert.equal(redact('{"authorization":"Basic YWRtaW46czNjcjN0"}', secrets), '{"authorization":"Basic ***"}');
  assert.equal(redact('Authorization: Basic%20YWRtaW46czNjcjN0', secrets), 'Authorization: Basic%20***');
  // base64url and no padding
  const other = Buffer.from('app-1:s3cr3t?>').toString('base64url');
  assert.equal(redact(`Basic ${other}`, secrets), 'Basic ***');
});

test('encoded forms a view could produce are replaced too', () => {
  const tricky = ['p"w<&>\\d'];
  for (const form of [
    'p"w<&>\\d',
    'p\\"w<&>\\\\d',
    'p&quot;w&lt;&amp;&gt;\\d',
    encodeURIComponent('p"w<&>\\d'),
    'p\\"w\\u003c\\u0026\\u003e\\\\d',
  ]) {
    assert.equal(redact(`x ${form} y`, tricky), 'x *** y', form);
  }
});

test('a secret that contains another is replaced whole', () => {
  assert.equal(redact('token abc123 and abc', ['abc', 'abc123']), 'token *** and ***');
});

test('text without secrets, and an empty secret list, are left alone', () => {
  const text = 'GET /api/v4/clients?_page=1 YWRtaW46cHVibGlj 200';
  assert.equal(redact(text, secrets), text);
  assert.equal(redact('s3cr3t', []), 's3cr3t');
  assert.equal(redact('s3cr3t', ['']), 's3cr3t');
});

test('redactStrings keeps the shape and redacts every string, keys included', () => {
  const value = { a: ['x s3cr3t', 1, null, true], s3cr3t: { b: 'Basic YWRtaW46czNjcjN0' } };
  assert.deepEqual(redactStrings(value, secrets), { a: ['x ***', 1, null, true], '***': { b: 'Basic ***' } });
});
