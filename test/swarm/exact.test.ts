// The swarm's delivery accounting is exact against real brokers: known publishers × messages ×
// matching subscriptions (overlapping wildcards and a $share group) give the expected counts,
// and a broker that drops every 7th PUBLISH is found losing exactly those.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startReferenceBroker, type ReferenceBroker } from '../../reference/index.ts';
import { type SwarmInput, type SwarmResult, startSwarm } from '../../load/swarm/index.ts';
import { MESSAGES, PUBLISHERS, SUBSCRIBERS, hasMosquitto, type Mosquitto, overlapping, startMosquitto, testRunId } from './helpers.ts';

function assertDelivery(r: SwarmResult, copiesPerMessage: number): void {
  const published = (PUBLISHERS / 3) * MESSAGES;
  for (const q of ['0', '1', '2']) {
    const d = r.swarm.delivery[q];
    assert.ok(d, `QoS ${q} accounted`);
    assert.deepEqual(d, { published, expected: published * copiesPerMessage, received: published * copiesPerMessage, lost: 0, duplicated: 0 }, `QoS ${q}`);
    assert.equal(r.swarm.e2eLatency[q]?.count, published * copiesPerMessage, `QoS ${q}: a latency per copy`);
  }
  assert.equal(r.swarm.clients.connected, SUBSCRIBERS + PUBLISHERS);
  assert.equal(r.swarm.clients.failed, 0);
  assert.equal(r.swarm.subscribeLatency?.count, SUBSCRIBERS);
  assert.equal(r.disconnect.clean, SUBSCRIBERS + PUBLISHERS);
  assert.equal(r.interrupted, undefined);
}

describe('mosquitto', { skip: hasMosquitto ? false : 'mosquitto is not installed (/usr/sbin/mosquitto)' }, () => {
  let m: Mosquitto;
  before(async () => {
    m = await startMosquitto();
  });
  after(async () => {
    await m?.stop();
  });

  test('MQTT 5: one copy per matching subscription plus one per $share group (8 × 2 + 2 per message), none lost or duplicated at QoS 0/1/2', async () => {
    const r = await startSwarm(overlapping(m.url, 'm5', { protocol: 5 })).done;
    assert.equal(r.overlap, 'per-subscription', 'measured by the probe');
    assertDelivery(r, SUBSCRIBERS * 2 + 2);
  });

  test('MQTT 3.1.1: mosquitto sends one copy per client for overlapping subscriptions (8 per message)', async () => {
    const r = await startSwarm(overlapping(m.url, 'm4', { protocol: 4, subTopics: ['hx/{run}/#', 'hx/{run}/+/x', 'hx/{run}/none/{i}'] })).done;
    assert.equal(r.overlap, 'per-client-all', 'measured by the probe');
    assertDelivery(r, SUBSCRIBERS);
  });

  test('MQTT 3.1.1: a $share group of 8 members gets each message once', async () => {
    const r = await startSwarm(overlapping(m.url, 'm4s', { protocol: 4, subTopics: ['$share/g/hx/{run}/#'] })).done;
    assertDelivery(r, 1);
  });
});

describe('reference broker (aedes)', () => {
  let b: ReferenceBroker;
  before(async () => {
    b = await startReferenceBroker({ httpPort: 0, mqttPort: 0 });
  });
  after(async () => {
    await b?.close();
  });

  test('one copy per client for overlapping subscriptions (8 per message), none lost or duplicated at QoS 0/1/2', async () => {
    const r = await startSwarm(overlapping(b.mqttUrl, 'ref', { subTopics: ['hx/{run}/#', 'hx/{run}/+/x', 'hx/{run}/none/{i}'] })).done;
    assert.equal(r.overlap, 'per-client', 'measured by the probe');
    assertDelivery(r, SUBSCRIBERS);
  });

  // A client holding both a $share and a plain subscription once lost plain copies here under
  // concurrent publishers (aedes' duplicate filter, see reference/mqtt/shared-subs.ts).
  test('overlapping wildcards and two $share groups: one copy per client plus one per group (8 + 2 per message)', async () => {
    const r = await startSwarm(overlapping(b.mqttUrl, 'refs')).done;
    assert.equal(r.overlap, 'per-client', 'measured by the probe');
    assertDelivery(r, SUBSCRIBERS + 2);
  });
});

describe('reference broker with drop-mqtt:7', () => {
  let b: ReferenceBroker;
  before(async () => {
    b = await startReferenceBroker({ httpPort: 0, mqttPort: 0, deviations: ['drop-mqtt:7'] });
  });
  after(async () => {
    await b?.close();
  });

  // one publisher, so the broker's one counter sees exactly our 70 publishes per run: seq 6, 13, … 69 are dropped
  const dropRun = (extra: Partial<SwarmInput> = {}): Promise<SwarmResult> =>
    startSwarm({
      mqttUrl: b.mqttUrl,
      runId: testRunId('drop'),
      clients: 4,
      subscribers: 3,
      subTopics: ['hx/{run}/#'],
      publishers: 1,
      pubTopic: 'hx/{run}/{i}',
      qos: [1],
      pubRate: 0,
      messages: 70,
      workers: 2,
      drainQuietMs: 500,
      ...extra,
    }).done;
  const drainNotes = (r: SwarmResult): string[] => r.notes.filter((n) => /drain ended at its timeout/.test(n));

  test('every 7th PUBLISH acknowledged but never routed: exactly those are lost, at every subscriber', async () => {
    const r = await dropRun();
    assert.deepEqual(r.swarm.delivery['1'], { published: 70, expected: 210, received: 180, lost: 30, duplicated: 0 });
    assert.deepEqual(r.swarm.clients.failuresByReason, {}, 'no refusals: the publisher got every PUBACK');
    assert.deepEqual(drainNotes(r), [], 'the drain ended on quiet, not on its timeout');
  });

  test('a drain that ends on its timeout with copies still due says that lost may include late copies', async () => {
    // nothing more will come, but a 60 s quiet window cannot pass within a 1 s drain
    const r = await dropRun({ drainQuietMs: 60_000, drainTimeoutMs: 1000 });
    assert.deepEqual(r.swarm.delivery['1'], { published: 70, expected: 210, received: 180, lost: 30, duplicated: 0 }, 'the counts are the same');
    const notes = drainNotes(r);
    assert.equal(notes.length, 1, r.notes.join('\n'));
    assert.match(notes[0]!, /^the drain ended at its timeout \(1 s\) while copies were still arriving \(30 copies due\): the lost counts include copies/);
  });
});
