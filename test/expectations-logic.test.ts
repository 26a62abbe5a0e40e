// Choosing the outcome for a target's EMQX release and comparing an answer with it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ApiResponse } from '../src/api-client.ts';
import { type Expectation, compareWithOutcome, fillPlaceholders, normalizeVersion, outcomeFor } from '../src/expectations.ts';

const kick: Expectation = {
  id: 'v4.kickout_client.unknown-client',
  endpoint: 'v4.kickout_client',
  case: 'unknown-client',
  title: 'Kick a client id that is not connected',
  request: { params: { clientid: '$unknownClient' } },
  outcomes: [
    { versions: '>=4.0.0 <4.3.9', status: 200, contentType: 'json', body: { code: 112 }, source: { behaviour: 'docs/emqx-behaviour.md §7' } },
    { versions: '>=4.3.9 <5.0.0', status: 200, contentType: 'json', body: { code: 0 }, source: { behaviour: 'docs/emqx-behaviour.md §7' } },
  ],
};
const json = (status: number, body: unknown): ApiResponse => ({ status, headers: { 'content-type': 'application/json' }, text: JSON.stringify(body), json: body, isJson: true, durationMs: 1 });

test('the outcome follows the release: 4.3.8 and 4.4 are each held to their own', () => {
  assert.deepEqual(outcomeFor(kick, '4.3.8')?.body, { code: 112 });
  assert.deepEqual(outcomeFor(kick, 'v4.3.9')?.body, { code: 0 });
  assert.deepEqual(outcomeFor(kick, '4.4.19')?.body, { code: 0 });
  assert.equal(outcomeFor(kick, '5.1.0'), undefined);
  // no version and releases disagree: nothing to hold the target to
  assert.equal(outcomeFor(kick, undefined), undefined);
  assert.equal(normalizeVersion('develop'), undefined);
});

test('an answer is compared on status, content type, body subset and headers', () => {
  const o = outcomeFor(kick, '4.3.8')!;
  assert.deepEqual(compareWithOutcome(o, json(200, { code: 112, message: 'not_found' })), []);
  assert.deepEqual(compareWithOutcome(o, json(200, { code: 0 })), [{ pointer: '/code', expected: '112', actual: '0' }]);
  const text: ApiResponse = { status: 401, headers: { 'content-type': 'text/plain', 'www-authenticate': 'Basic Realm="minirest-server"' }, text: 'UNAUTHORIZED', isJson: false, durationMs: 1 };
  const auth = { versions: '>=4.0.0', status: 401, contentType: 'text' as const, bodyText: 'UNAUTHORIZED', headers: { 'www-authenticate': 'Basic Realm="minirest-server"' }, source: {} };
  assert.deepEqual(compareWithOutcome(auth, text), []);
  const asJson = compareWithOutcome(auth, json(401, { code: 103 }));
  assert.deepEqual(asJson.map((m) => m.pointer), ['content-type', '(body)', 'header www-authenticate']);
});

test('placeholders are filled everywhere, and a missing one is an error', () => {
  const p = { node: 'emqx@127.0.0.1', unknownNode: 'x@y', unknownClient: 'ghost', unknownId: 'id1' };
  assert.deepEqual(fillPlaceholders({ params: { node: '$node', clientid: '$unknownClient' }, body: ['$unknownId'] }, p), { params: { node: 'emqx@127.0.0.1', clientid: 'ghost' }, body: ['id1'] });
  assert.throws(() => fillPlaceholders('$connectedClient', p), /placeholder \$connectedClient/);
});
