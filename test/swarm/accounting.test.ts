// The accounting module fed known copies: duplicates, losses, shared groups, unexpected copies,
// per QoS; and the in-place stamp reader held to src/load/stamp.ts's parseStamp.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeHistogram } from '../../src/load/histogram.ts';
import { parseStamp, stampPayload } from '../../src/load/stamp.ts';
import { Accounts, type PublisherInfo, SubscriberBook, addSurplus, groupAccounting, publisherInfo } from '../../load/swarm/accounting.ts';
import { FOREIGN, NOT_STAMPED, OTHER_RUN, OWN, REST, StampReader, stampFor, writeStamp } from '../../load/swarm/stamp-bytes.ts';

const RUN = 'run1';

function book(plain: string[], shared: string[] = []): SubscriberBook {
  const b = new SubscriberBook();
  b.plain = plain;
  b.sharedFilters = shared;
  return b;
}

function pubs(): PublisherInfo[] {
  return [publisherInfo('p0', 0, 't/{i}', 0, RUN), publisherInfo('p1', 1, 't/{i}', 1, RUN), publisherInfo('p2', 2, 't/{i}', 2, RUN)];
}

test('a duplicate sequence is counted as duplicated, a missing one as lost, per QoS', () => {
  const acc = new Accounts(pubs(), RUN, 'per-subscription', false);
  const b = book(['t/#']);
  // QoS 1 publisher sent 0..9; the subscriber got 0..7, 3 twice, 5 three times; 8 and 9 lost
  for (const s of [0, 1, 2, 3, 3, 4, 5, 5, 5, 6, 7]) acc.own(b, 1, s, 1000, 1001, undefined);
  // QoS 0 publisher: 0..4 once each
  for (const s of [0, 1, 2, 3, 4]) acc.own(b, 0, s, 1000, 1002, undefined);
  const f = acc.finalize([b], [5, 10, 0]);
  assert.deepEqual(f.nonShared['1'], { expected: 10, received: 8, lost: 2, extra: 3 });
  assert.deepEqual(f.nonShared['0'], { expected: 5, received: 5, lost: 0, extra: 0 });
  assert.deepEqual(f.nonShared['2'], { expected: 0, received: 0, lost: 0, extra: 0 });
  assert.deepEqual(f.copies, [5, 11, 0]);
  assert.equal(f.e2e['1']!.count, 11, 'a latency per copy');
  assert.equal(decodeHistogram(f.e2e['0']!.hdr).totalCount, 5);
  assert.equal(f.e2e['0']!.p50, 2);
});

test('overlapping filters call for several copies per message (per-subscription) or one (per-client)', () => {
  for (const [model, e] of [['per-subscription', 2], ['per-client', 1]] as const) {
    const acc = new Accounts(pubs(), RUN, model, false);
    const b = book(['t/#', 't/+']);
    // message 0: two copies; message 1: one copy; message 2: three copies
    for (const s of [0, 0, 1, 2, 2, 2]) acc.own(b, 2, s, 0, 1, undefined);
    const f = acc.finalize([b], [0, 0, 3]);
    const received = e === 2 ? 2 + 1 + 2 : 1 + 1 + 1;
    assert.deepEqual(f.nonShared['2'], { expected: 3 * e, received, lost: 3 * e - received, extra: 6 - received }, model);
  }
});

test('a subscriber that never got anything is counted as losing everything it should have had', () => {
  const acc = new Accounts(pubs(), RUN, 'per-subscription', false);
  const quiet = book(['t/1']);
  const other = book(['t/0']);
  acc.own(other, 0, 0, 0, 1, undefined);
  const f = acc.finalize([quiet, other], [4, 3, 0]);
  assert.deepEqual(f.nonShared['1'], { expected: 3, received: 0, lost: 3, extra: 0 });
  assert.deepEqual(f.nonShared['0'], { expected: 4, received: 1, lost: 3, extra: 0 });
});

test('a copy no subscription asked for is a duplicate; sequences past the final count too', () => {
  const acc = new Accounts(pubs(), RUN, 'per-subscription', false);
  const b = book(['u/#']);
  acc.own(b, 0, 0, 0, 1, undefined);
  const c = book(['t/0']);
  acc.own(c, 0, 7, 0, 1, undefined);
  const f = acc.finalize([b, c], [3, 0, 0]);
  assert.deepEqual(f.nonShared['0'], { expected: 3, received: 0, lost: 3, extra: 2 });
});

test('shared groups: surplus copies across workers held against the groups matching each message', () => {
  const p = pubs();
  // worker A: one member with a plain filter too; worker B: two members, shared only
  const a = new Accounts(p, RUN, 'per-subscription', true);
  const bw = new Accounts(p, RUN, 'per-subscription', true);
  const a1 = book(['t/#'], ['g\u0000t/+']);
  const b1 = book([], ['g\u0000t/+']);
  const b2 = book([], ['g\u0000t/+']);
  // QoS 1 publisher (t/1) sent 0..5. Plain copies at a1: all six. Group copies: 0 → a1, 1 → b1, 2 → b2,
  // 3 → b1 twice (a duplicate), 4 nowhere (lost), 5 → a1
  for (const s of [0, 1, 2, 3, 4, 5]) a.own(a1, 1, s, 0, 1, undefined);
  a.own(a1, 1, 0, 0, 1, undefined);
  a.own(a1, 1, 5, 0, 1, undefined);
  bw.own(b1, 1, 1, 0, 1, undefined);
  bw.own(b2, 1, 2, 0, 1, undefined);
  bw.own(b1, 1, 3, 0, 1, undefined);
  bw.own(b1, 1, 3, 0, 1, undefined);
  const published = [0, 6, 0];
  const fa = a.finalize([a1], published);
  const fb = bw.finalize([b1, b2], published);
  assert.deepEqual(fa.nonShared['1'], { expected: 6, received: 6, lost: 0, extra: 0 });
  assert.deepEqual(fb.nonShared['1'], { expected: 0, received: 0, lost: 0, extra: 0 });
  const sums: (Uint32Array | undefined)[] = [];
  addSurplus(sums, fa.surplus!);
  addSurplus(sums, fb.surplus!);
  const g = groupAccounting(p, RUN, published, ['g\u0000t/+'], sums);
  assert.deepEqual(g['1'], { expected: 6, received: 5, lost: 1, duplicated: 1 });
  // a group whose filter does not match the topic expects nothing; its copies are duplicates
  const none = groupAccounting(p, RUN, published, ['g\u0000u/+'], sums);
  assert.deepEqual(none['1'], { expected: 0, received: 0, lost: 0, duplicated: 6 });
});

test('{seq} topics: the copies called for are decided per message', () => {
  const p = [publisherInfo('p0', 1, 't/{i}/{seq}', 0, RUN)];
  const acc = new Accounts(p, RUN, 'per-subscription', false);
  const b = book(['t/0/1', 't/0/+']);
  // message 0 matches one filter, message 1 both
  acc.own(b, 0, 0, 0, 1, 't/0/0');
  acc.own(b, 0, 1, 0, 1, 't/0/1');
  acc.own(b, 0, 1, 0, 1, 't/0/1');
  acc.own(b, 0, 1, 0, 1, 't/0/1');
  const f = acc.finalize([b], [3]);
  assert.deepEqual(f.nonShared['1'], { expected: 1 + 2 + 1, received: 3, lost: 1, extra: 1 });
});

test('REST→MQTT copies: distinct (source, seq) seen, duplicates beyond what the subscriptions bring', () => {
  const acc = new Accounts(pubs(), RUN, 'per-subscription', false);
  const b = book(['r/#']);
  const two = book(['r/#', 'r/+']);
  acc.restCopy(b, 'k6-1', 0, 0, 1, 'r/x');
  acc.restCopy(b, 'k6-1', 0, 0, 1, 'r/x');
  acc.restCopy(b, 'k6-1', 2, 0, 1, 'r/x');
  acc.restCopy(two, 'k6-2', 0, 0, 1, 'r/x');
  acc.restCopy(two, 'k6-2', 0, 0, 1, 'r/x');
  const f = acc.finalize([b, two], [0, 0, 0]);
  assert.equal(f.rest!.copies, 5);
  assert.equal(f.rest!.duplicated, 1, 'the second copy at a one-filter subscriber; two copies at a two-filter one are expected');
  assert.deepEqual([...f.rest!.seen['k6-1']!.subarray(0, 3)], [1, 0, 1]);
});

test('the stamp reader agrees with parseStamp, in place and without decoding the padding', () => {
  const reader = new StampReader(RUN, ['pub-a', 'pub-b', 'hx-run1-7'], 'k6-');
  const cases: [string, number][] = [
    [stampPayload({ run: RUN, source: 'pub-b', seq: 12, sentMs: 1796210365123.456 }, 64), OWN],
    [stampPayload({ run: RUN, source: 'hx-run1-7', seq: 0, sentMs: 5 }, 0), OWN],
    [stampPayload({ run: RUN, source: 'k6-12', seq: 99, sentMs: 1.5 }, 200), REST],
    [stampPayload({ run: RUN, source: 'someone-else', seq: 3, sentMs: 2 }, 10), FOREIGN],
    [stampPayload({ run: 'run2', source: 'pub-a', seq: 3, sentMs: 2 }, 10), OTHER_RUN],
    [stampPayload({ run: 'run', source: 'pub-a', seq: 3, sentMs: 2 }, 10), OTHER_RUN],
    ['hello', NOT_STAMPED],
    ['hx1|run1|pub-a|x|5|', NOT_STAMPED],
    ['hx1|run1|pub-a|5|7', OWN],
  ];
  for (const [payload, kind] of cases) {
    if (kind === NOT_STAMPED) assert.equal(parseStamp(payload), undefined, payload);
    const b = Buffer.concat([Buffer.from('topicbytes'), Buffer.from(payload)]);
    assert.equal(reader.read(b, 10, b.length), kind, payload);
    if (kind === OWN || kind === REST || kind === FOREIGN) {
      const s = parseStamp(payload)!;
      assert.equal(reader.out.seq, s.seq, payload);
      assert.ok(Math.abs(reader.out.sentMs - s.sentMs) < 1e-6, payload);
      assert.equal(b.toString('utf8', reader.out.srcStart, reader.out.srcEnd), s.source);
    }
  }
  assert.equal(reader.out.pub, 0, 'the last one was pub-a');
});

test('the publisher writes exactly what stampPayload returns', () => {
  for (const [source, size] of [['pub-a', 64], ['pub-a', 0], ['pub-a', 10], ['pübl', 64]] as const) {
    const ascii = /^[\x20-\x7e]*$/.test(source);
    const s = stampFor(RUN, source, 42, 1796210365123.5, size, ascii);
    const b = Buffer.alloc(300, 0xee);
    const end = writeStamp(b, 5, s, ascii);
    assert.equal(b.toString('utf8', 5, end), stampPayload({ run: RUN, source, seq: 42, sentMs: 1796210365123.5 }, size));
  }
});

test('the drain knows how many non-shared copies to wait for: every message times its copies', () => {
  const acc = new Accounts([...pubs(), publisherInfo('p3', 1, 't/x/{seq}', 3, RUN)], RUN, 'per-subscription', false);
  const books = [book(['t/#']), book(['t/0', 't/+']), book(['u/#'])];
  // p0 (t/0): 10 messages × (1 + 2); p1 (t/1): 4 × (1 + 1); p3 (t/x/{seq}): 5 × 1
  assert.equal(acc.expectedLocal(books, [10, 4, 0, 5]), 30 + 8 + 5);
});
