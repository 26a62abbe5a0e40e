// The swarm's pure helpers: patterns, durations, shards, rates, roles, filters ($share included),
// the filter index against the plain matcher, the overlap models, and the MQTT codec.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../src/errors.ts';
import { publishersOf, subscriptionsOf } from '../../load/swarm/accounting.ts';
import { connackReason, encodeConnect, encodeSubscribe, readProps, readVarint, varintSize, writeVarint } from '../../load/swarm/codec.ts';
import {
  DEFAULTS,
  dueCount,
  expandPattern,
  filterProblem,
  globalIndex,
  isPublisher,
  isSubscriber,
  parseDuration,
  parseMqttUrl,
  parseQosList,
  parseShard,
  perPublisherRate,
  publisherOrdinal,
  shareOf,
  withDefaults,
  workerOf,
} from '../../load/swarm/options.ts';
import { FilterIndex, copiesFor, effectiveSubscriptions, expectedCopies, groupKey, hasOverlapRisk, parseFilter, topicMatches } from '../../load/swarm/topics.ts';

test('patterns: {i}, {run} and {seq} expand; unknown placeholders are usage errors', () => {
  assert.equal(expandPattern('hx-{run}-{i}', { i: 42, run: 'r1' }), 'hx-r1-42');
  assert.equal(expandPattern('t/{i}/{seq}/{i}', { i: 3, run: 'r', seq: 9 }), 't/3/9/3');
  assert.equal(expandPattern('plain', { i: 1, run: 'r' }), 'plain');
  assert.throws(() => withDefaults({ mqttUrl: 'mqtt://h', runId: 'r', clientIdPattern: 'c-{x}-{i}' }, 2), (e: unknown) => e instanceof UsageError && /unknown placeholder \{x\}/.test(e.message));
  assert.throws(() => withDefaults({ mqttUrl: 'mqtt://h', runId: 'r', clients: 2, clientIdPattern: 'same' }, 2), /must contain \{i\}/);
  assert.throws(() => withDefaults({ mqttUrl: 'mqtt://h', runId: 'r', subscribers: 1, subTopics: ['a/{seq}'] }, 2), /unknown placeholder \{seq\}/);
  assert.throws(() => withDefaults({ mqttUrl: 'mqtt://h', runId: 'r', pubTopic: 'a/+' }, 2), /must be a topic name/);
});

test('durations, shards, QoS lists, URLs', () => {
  assert.equal(parseDuration('30s', '--d'), 30_000);
  assert.equal(parseDuration('5m', '--d'), 300_000);
  assert.equal(parseDuration('1h', '--d'), 3_600_000);
  assert.equal(parseDuration('250ms', '--d'), 250);
  assert.equal(parseDuration('2', '--d'), 2000);
  assert.equal(parseDuration('1.5s', '--d'), 1500);
  assert.throws(() => parseDuration('soon', '--duration'), /--duration must be a duration/);
  assert.deepEqual(parseShard('2/4'), { index: 2, count: 4 });
  assert.deepEqual(parseShard('auto/3', { JOB_COMPLETION_INDEX: '1' }), { index: 1, count: 3 });
  assert.throws(() => parseShard('auto/3', {}), /JOB_COMPLETION_INDEX/);
  assert.throws(() => parseShard('4/4'), /index must be from 0 to N-1/);
  assert.throws(() => parseShard('x'), /--shard must be I\/N/);
  assert.deepEqual(parseQosList('0,1,2'), [0, 1, 2]);
  assert.throws(() => parseQosList('3'), /--qos must be/);
  assert.deepEqual(parseMqttUrl('mqtt://127.0.0.1:1883'), { tls: false, host: '127.0.0.1', port: 1883, display: 'mqtt://127.0.0.1:1883' });
  assert.deepEqual(parseMqttUrl('mqtts://broker.example'), { tls: true, host: 'broker.example', port: 8883, display: 'mqtts://broker.example' });
  assert.equal(parseMqttUrl('tcp://[::1]:1884').host, '::1');
  assert.throws(() => parseMqttUrl('http://x'), /must start with mqtt:\/\//);
  assert.throws(() => parseMqttUrl('mqtt://u:p@x'), /must not carry credentials/);
});

test('rate arithmetic: events due at a rate, per-publisher shares, per-worker shares', () => {
  assert.equal(dueCount(100, 0), 0);
  assert.equal(dueCount(100, 10), 1);
  assert.equal(dueCount(100, 1000), 100);
  assert.equal(dueCount(100, 30_000), 3000);
  assert.equal(dueCount(3, 1000), 3, 'no float shortfall at whole seconds');
  assert.equal(dueCount(0.5, 1999), 0);
  assert.equal(dueCount(0.5, 2000), 1);
  assert.equal(dueCount(0, 5), Infinity, '0 = unlimited');
  assert.equal(dueCount(1000 / 3, 3000), 1000);
  assert.equal(perPublisherRate(1000, 10), 100);
  assert.equal(perPublisherRate(1000, 0), 0);
  // a worker's share is in proportion to its clients; the shares add up
  assert.equal(shareOf(500, 334, 1000) + shareOf(500, 333, 1000) + shareOf(500, 333, 1000), 500);
});

test('roles and indexes: subscribers first, publishers last, {i} global across shards, clients dealt out round-robin', () => {
  const o = withDefaults({ mqttUrl: 'mqtt://h', runId: 'r', clients: 10, subscribers: 6, publishers: 3, shard: { index: 2, count: 4 } }, 2);
  assert.deepEqual([...Array(10).keys()].filter((i) => isSubscriber(o, i)), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual([...Array(10).keys()].filter((i) => isPublisher(o, i)), [7, 8, 9]);
  assert.equal(publisherOrdinal(o, 7), 0);
  assert.equal(globalIndex(o, 0), 20);
  assert.equal(globalIndex(o, 9), 29);
  assert.deepEqual([0, 1, 2, 3].map((i) => workerOf(i, 2)), [0, 1, 0, 1]);
  const pubs = publishersOf({ ...o, qos: [0, 2], pubTopic: 'x/{i}', clientIdPattern: 'c-{i}' });
  assert.deepEqual(pubs.map((p) => [p.source, p.qos, p.topic]), [['c-27', 0, 'x/27'], ['c-28', 2, 'x/28'], ['c-29', 0, 'x/29']]);
  assert.deepEqual(subscriptionsOf({ ...o, subTopics: ['a/{i}/#', 'a/{i}/#', '$share/g/a/#'] }, 1), ['a/21/#', '$share/g/a/#'], 'duplicates removed');
  // overlapping roles when clients < subscribers + publishers
  const both = withDefaults({ mqttUrl: 'mqtt://h', runId: 'r', clients: 3, subscribers: 3, publishers: 1 }, 2);
  assert.ok(isSubscriber(both, 2) && isPublisher(both, 2));
});

test('usage errors name the flag', () => {
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ clients: 0 }, /--clients must be a whole number from 1/],
    [{ subscribers: 5, clients: 2 }, /--subscribers must be a whole number from 0 to 2/],
    [{ qos: [3] }, /--qos/],
    [{ protocol: 3 }, /--protocol must be 4/],
    [{ workers: 0 }, /--workers/],
    [{ overlap: 'sometimes' }, /--overlap must be auto, per-subscription, per-filter, per-client, per-client-all/],
    [{ subscribers: 1, subTopics: ['a/#/b'] }, /# must be a whole level and the last one/],
    [{ runId: 'a|b' }, /--run-id/],
  ];
  for (const [o, re] of bad) assert.throws(() => withDefaults({ mqttUrl: 'mqtt://h', runId: 'r', ...o } as never, 2), (e: unknown) => e instanceof UsageError && re.test(e.message), JSON.stringify(o));
  assert.equal(withDefaults({ mqttUrl: 'mqtt://h', runId: 'r' }, 2).payloadSize, DEFAULTS.payloadSize);
});

test('filters: matching with + and #, $ topics, $share parsing and validation', () => {
  assert.ok(topicMatches('a/+/c', 'a/b/c'));
  assert.ok(!topicMatches('a/+/c', 'a/b/d'));
  assert.ok(topicMatches('a/#', 'a'), '# matches the parent level');
  assert.ok(topicMatches('a/#', 'a/b/c'));
  assert.ok(topicMatches('#', 'a/b'));
  assert.ok(!topicMatches('#', '$SYS/x'), 'a wildcard first does not match $ topics');
  assert.ok(!topicMatches('+/x', '$SYS/x'));
  assert.ok(topicMatches('$SYS/#', '$SYS/x'));
  assert.ok(topicMatches('a//b', 'a//b'));
  assert.ok(topicMatches('a/+/b', 'a//b'), '+ matches an empty level');
  assert.ok(!topicMatches('a/b', 'a/b/c'));
  assert.deepEqual(parseFilter('$share/g1/a/+/c'), { group: 'g1', filter: 'a/+/c' });
  assert.deepEqual(parseFilter('a/b'), { filter: 'a/b' });
  assert.equal(groupKey(parseFilter('$share/g/a/#')), 'g\u0000a/#');
  assert.equal(filterProblem('$share/g'), '$share/ needs a group and a filter: $share/<group>/<filter>');
  assert.equal(filterProblem('$share/g+/a'), 'a $share group name cannot contain + or #');
  assert.equal(filterProblem('a/b+'), '+ must be a whole level');
  assert.equal(filterProblem('$share/g/a/#'), undefined);
});

test('the filter index finds exactly what the plain matcher finds (random filters and topics)', () => {
  let seed = 7;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const words = ['a', 'b', 'c', '$SYS', ''];
  const filters: string[] = [];
  for (let i = 0; i < 400; i++) {
    const len = 1 + rnd(4);
    const parts: string[] = [];
    for (let k = 0; k < len; k++) {
      const r = rnd(10);
      parts.push(r < 2 ? '+' : r === 2 && k === len - 1 ? '#' : words[rnd(words.length)]!);
    }
    filters.push(parts.join('/'));
  }
  const index = new FilterIndex();
  filters.forEach((f, i) => index.add(f, i));
  for (let t = 0; t < 400; t++) {
    const len = 1 + rnd(4);
    const topic = [...Array(len)].map(() => words[rnd(words.length)]!).join('/');
    const got: number[] = [];
    index.match(topic, (v) => got.push(v));
    const want = filters.map((f, i) => (topicMatches(f, topic) ? i : -1)).filter((i) => i >= 0);
    assert.deepEqual(got.sort((x, y) => x - y), want, topic);
  }
});

test('overlap models: copies one message brings, per client and in total (the observed brokers)', () => {
  // a client holding three overlapping filters, as in the table of load/swarm/topics.ts
  const three = ['t/#', 't/+/x', 't/a/x'];
  assert.equal(expectedCopies([three], 't/a/x', 'per-subscription'), 3);
  assert.equal(expectedCopies([three], 't/a/x', 'per-filter'), 3);
  assert.equal(expectedCopies([three], 't/a/x', 'per-client'), 1);
  assert.equal(expectedCopies([three], 't/a/x', 'per-client-all'), 1);
  const mixed = ['t/#', 't/+/x', 't/a/x', '$share/G/t/#', '$share/H/t/a/x'];
  assert.deepEqual(['per-subscription', 'per-filter', 'per-client', 'per-client-all'].map((m) => expectedCopies([mixed], 't/a/x', m as never)), [5, 3, 3, 1]);
  const same = ['t/a/x', '$share/G/t/a/x'];
  assert.deepEqual(['per-subscription', 'per-filter', 'per-client', 'per-client-all'].map((m) => expectedCopies([same], 't/a/x', m as never)), [2, 1, 2, 1]);
  // per-filter: the first subscription of a filter counts, in either order
  assert.deepEqual(effectiveSubscriptions(['$share/G/f', 'f'], 'per-filter'), { plain: [], shared: ['G\u0000f'] });
  assert.deepEqual(effectiveSubscriptions(['f', '$share/G/f'], 'per-filter'), { plain: ['f'], shared: [] });
  assert.deepEqual(effectiveSubscriptions(['f', '$share/G/f'], 'per-subscription'), { plain: ['f'], shared: ['G\u0000f'] });
  // a shared group is one copy whatever its number of members; (group, filter) is the key
  const members = [...Array(5)].map((_, i) => [`s/${i}`, '$share/g/t/#']);
  assert.equal(expectedCopies(members, 't/x', 'per-subscription'), 1);
  assert.equal(expectedCopies([...members, ['$share/g/t/+']], 't/x', 'per-subscription'), 2);
  assert.equal(expectedCopies([['$share/g/t/#'], ['$share/h/t/#'], ['t/x', 't/#']], 't/x', 'per-subscription'), 4);
  // per-client-all: a group's copy counts only where a member would get nothing else
  assert.equal(expectedCopies([['t/#', '$share/g/t/#'], ['t/#', '$share/g/t/#']], 't/x', 'per-client-all'), 2);
  assert.equal(expectedCopies([['$share/g/t/#'], ['$share/g/t/#']], 't/x', 'per-client-all'), 1);
  assert.equal(copiesFor(['t/#', 't/x'], 'u/x', 'per-subscription'), 0);
  assert.ok(hasOverlapRisk([['a'], ['a', 'b']]));
  assert.ok(!hasOverlapRisk([['a'], ['a', 'a']]));
});

test('codec: varints, CONNECT (3.1.1 and 5), SUBSCRIBE, CONNACK reasons, MQTT 5 properties', () => {
  for (const n of [0, 1, 127, 128, 16383, 16384, 2097151, 2097152, 268435455]) {
    const b = new Uint8Array(4);
    const end = writeVarint(b, 0, n);
    assert.equal(end, varintSize(n));
    const out = { next: 0 };
    assert.equal(readVarint(b, 0, end, out), n);
    assert.equal(out.next, end);
  }
  assert.equal(readVarint(Uint8Array.from([0x80]), 0, 1, { next: 0 }), -1, 'incomplete');
  const c4 = encodeConnect({ clientId: 'abc', username: 'u', password: 'p', keepalive: 60, clean: true, protocol: 4 });
  assert.deepEqual([...c4], [0x10, 21, 0, 4, 77, 81, 84, 84, 4, 0xc2, 0, 60, 0, 3, 97, 98, 99, 0, 1, 117, 0, 1, 112]);
  const c5 = encodeConnect({ clientId: 'a', keepalive: 0, clean: false, protocol: 5, sessionExpiry: 300 });
  assert.deepEqual([...c5], [0x10, 19, 0, 4, 77, 81, 84, 84, 5, 0x00, 0, 0, 5, 0x11, 0, 0, 1, 44, 0, 1, 97]);
  assert.deepEqual([...encodeSubscribe(1, ['a/#'], 1, 4)], [0x82, 8, 0, 1, 0, 3, 97, 47, 35, 1]);
  assert.deepEqual([...encodeSubscribe(1, ['a'], 2, 5)], [0x82, 7, 0, 1, 0, 0, 1, 97, 2]);
  assert.equal(connackReason(5, 4), 'CONNACK 5 (not authorized)');
  assert.equal(connackReason(0x86, 5), 'CONNACK 0x86 (bad user name or password)');
  assert.equal(connackReason(1, 5), 'CONNACK 1 (unacceptable protocol version)', 'a 3.1.1 broker answering an MQTT 5 CONNECT');
  const props: { receiveMaximum?: number; serverKeepAlive?: number } = {};
  // topic alias max (0x22), receive maximum 20 (0x21), a reason string, server keepalive 30 (0x13), a user property
  const p = Uint8Array.from([0x22, 0, 10, 0x21, 0, 20, 0x1f, 0, 2, 111, 107, 0x13, 0, 30, 0x26, 0, 1, 107, 0, 1, 118]);
  assert.ok(readProps(p, 0, p.length, props));
  assert.deepEqual(props, { receiveMaximum: 20, serverKeepAlive: 30 });
});
