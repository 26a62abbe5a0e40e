// How waivers name findings: endpoint globs, JSON pointer patterns with * and **.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '../../src/findings.ts';
import { globMatches, pointerMatches, waiverMatches } from '../../src/gate/match.ts';
import type { Waiver } from '../../src/gate/model.ts';

test('endpoint globs: * matches any run of characters, dots included; the rest is literal', () => {
  assert.ok(globMatches('v4.list_clients', 'v4.list_clients'));
  assert.ok(!globMatches('v4.list_clients', 'v4.list_clients_x'), 'anchored at the end');
  assert.ok(!globMatches('v4.list_clients', 'xv4.list_clients'), 'anchored at the start');
  assert.ok(globMatches('v4.*', 'v4.list_clients'));
  assert.ok(!globMatches('v4.*', 'v3.list_clients'));
  assert.ok(globMatches('*.list_clients', 'v4.list_clients'));
  assert.ok(globMatches('v4.list_*_metrics', 'v4.list_all_metrics'));
  assert.ok(globMatches('v4.list_*_metrics', 'v4.list_node_metrics'));
  assert.ok(!globMatches('v4.list_*_metrics', 'v4.list_metrics'), 'the underscores are literal');
  assert.ok(globMatches('*', 'v3.anything'));
  // dots and other regex characters are not special
  assert.ok(!globMatches('v4.list.clients', 'v4.list_clients'));
  assert.ok(!globMatches('v4+list', 'v44list'));
});

test('pointer patterns: * is exactly one token', () => {
  assert.ok(pointerMatches('/data/*/port', '/data/0/port'));
  assert.ok(pointerMatches('/data/*/port', '/data/17/port'));
  assert.ok(!pointerMatches('/data/*/port', '/data/port'), 'not zero tokens');
  assert.ok(!pointerMatches('/data/*/port', '/data/0/x/port'), 'not two tokens');
  assert.ok(!pointerMatches('/data/*/port', '/data/0/port/x'), 'anchored at the end');
  assert.ok(!pointerMatches('/data/*/port', '/data/0/ports'));
  assert.ok(pointerMatches('/data/*', '/data/3'));
  assert.ok(!pointerMatches('/data/*', '/data'));
});

test('pointer patterns: ** is any number of tokens, none included', () => {
  assert.ok(pointerMatches('/data/**/port', '/data/port'));
  assert.ok(pointerMatches('/data/**/port', '/data/0/port'));
  assert.ok(pointerMatches('/data/**/rules.matched', '/data/0/metrics/rules.matched'));
  assert.ok(pointerMatches('/data/**/rules.matched', '/data/rules.matched'));
  assert.ok(!pointerMatches('/data/**/port', '/meta/port'));
  assert.ok(!pointerMatches('/data/**/port', '/data/0/port/1'));
  assert.ok(pointerMatches('/**', ''), '/** matches the whole body too');
  assert.ok(pointerMatches('/**', '/a/b/c'));
  assert.ok(pointerMatches('/**/type', '/data/3/params/target_qos/type'));
  assert.ok(pointerMatches('/data/**/params/*/type', '/data/3/params/target_qos/type'));
  assert.ok(pointerMatches('/**/x/**', '/a/x/b/c'));
  assert.ok(!pointerMatches('/**/x/**', '/a/y/b'));
});

test('pointer patterns: * inside a token is any characters of that token; tokens compare as written', () => {
  assert.ok(pointerMatches('/data/*/send_msg.*', '/data/0/send_msg.dropped'));
  assert.ok(!pointerMatches('/data/*/send_msg.*', '/data/0/recv_msg.dropped'));
  assert.ok(!pointerMatches('/data/*/send_msg.*', '/data/0/send_msg/dropped'), 'not across tokens');
  // a key with a slash is ~1 in the pointer and in the pattern
  assert.ok(pointerMatches('/data/a~1b', '/data/a~1b'));
  assert.ok(!pointerMatches('/data/a/b', '/data/a~1b'));
});

test('pointer patterns: "" is the whole body; a finding without a pointer is about the whole body', () => {
  assert.ok(pointerMatches('', ''));
  assert.ok(pointerMatches('', undefined));
  assert.ok(!pointerMatches('', '/data'));
  assert.ok(!pointerMatches('/data', undefined));
});

test('a waiver matches on endpoint, check and pointer together; no pointer = any pointer', () => {
  const f: Finding = { endpoint: 'v4.list_clients', check: 'schema', verdict: 'fail', message: 'm', pointer: '/data/0/port' };
  const w: Waiver = { endpoint: 'v4.list_clients', check: 'schema', pointer: '/data/*/port', reason: 'r', owner: 'o', expires: '2030-01-01' };
  assert.ok(waiverMatches(w, f));
  assert.ok(!waiverMatches({ ...w, check: 'envelope' }, f), 'another check kind');
  assert.ok(!waiverMatches({ ...w, endpoint: 'v4.list_routes' }, f), 'another endpoint');
  assert.ok(!waiverMatches({ ...w, pointer: '/data/*/ip_address' }, f), 'another pointer');
  const { pointer: _, ...anyPointer } = w;
  assert.ok(waiverMatches(anyPointer, f));
  assert.ok(waiverMatches(anyPointer, { ...f, pointer: undefined }));
  assert.ok(waiverMatches({ ...w, endpoint: 'v4.*' }, f));
});
