// The programmatic API the combined runs use: start the swarm, put REST→MQTT traffic beside it
// (what k6 does: publish stamped messages through /mqtt/publish), stop it; and sharded runs
// (Kubernetes Indexed Jobs) side by side on one broker.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startReferenceBroker, type ReferenceBroker } from '../../reference/index.ts';
import { stampPayload } from '../../src/load/stamp.ts';
import { startSwarm, withRestSent } from '../../load/swarm/index.ts';
import { testRunId } from './helpers.ts';

describe('against the reference broker', () => {
  let b: ReferenceBroker;
  before(async () => {
    b = await startReferenceBroker({ httpPort: 0, mqttPort: 0 });
  });
  after(async () => {
    await b?.close();
  });

  async function restPublish(topic: string, payload: string): Promise<void> {
    const res = await fetch(`${b.apiUrl('v4')}/mqtt/publish`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${b.appId}:${b.appSecret}`).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ topic, payload, qos: 1, clientid: 'k6' }),
    });
    const body = (await res.json()) as { code: number };
    assert.equal(body.code, 0);
  }

  test('REST→MQTT: messages stamped by k6 sources for the run are counted apart, per source, with duplicates; stop() ends the run normally', async () => {
    const runId = testRunId('rest');
    let holding!: () => void;
    const ready = new Promise<void>((r) => (holding = r));
    const s = startSwarm(
      { mqttUrl: b.mqttUrl, runId, clients: 3, subscribers: 3, subTopics: ['rest/{run}/#'], restSource: 'k6-', durationMs: 60_000, workers: 2 },
      { onPhase: (p) => p === 'holding' && holding() },
    );
    await ready;
    // k6-1 sends seq 0..9, k6-2 seq 0..4 with seq 3 sent twice; another run's and a non-k6 source's messages are not counted
    for (let seq = 0; seq < 10; seq++) await restPublish(`rest/${runId}/a`, stampPayload({ run: runId, source: 'k6-1', seq, sentMs: Date.now() }, 64));
    for (const seq of [0, 1, 2, 3, 3, 4]) await restPublish(`rest/${runId}/b`, stampPayload({ run: runId, source: 'k6-2', seq, sentMs: Date.now() }));
    await restPublish(`rest/${runId}/a`, stampPayload({ run: 'other-run', source: 'k6-1', seq: 99, sentMs: Date.now() }));
    await restPublish(`rest/${runId}/a`, stampPayload({ run: runId, source: 'curl', seq: 0, sentMs: Date.now() }));
    await new Promise((r) => setTimeout(r, 300));
    const r = await s.stop();
    assert.equal(r.interrupted, undefined, 'stop() without a reason is a normal end');
    assert.deepEqual(r.restReceipts, { 'k6-1': { distinct: 10, maxSeq: 9 }, 'k6-2': { distinct: 5, maxSeq: 4 } });
    assert.equal(r.restToMqtt!.delivered, 15);
    assert.equal(r.restToMqtt!.duplicated, 3, 'k6-2 seq 3 arrived twice at each of the 3 subscribers');
    assert.equal(r.restToMqtt!.latency!.count, 3 * 16, 'a latency per copy');
    assert.equal(r.foreign, 3, 'the non-k6 source of this run, at 3 subscribers');
    assert.deepEqual(withRestSent(r.restToMqtt!, 16), { ...r.restToMqtt!, sent: 16, ratio: 15 / 16 });
    assert.equal(r.disconnect.clean, 3);
  });

  test('stop(reason) is an interruption: publishers stop, a short drain, every client disconnects, the result says why', async () => {
    let publishing!: () => void;
    const started = new Promise<void>((r) => (publishing = r));
    const s = startSwarm(
      { mqttUrl: b.mqttUrl, runId: testRunId('stop'), clients: 6, subscribers: 4, subTopics: ['hx/{run}/#'], publishers: 2, qos: [1], pubRate: 50, durationMs: 60_000, workers: 2 },
      { onPhase: (p) => p === 'publishing' && publishing() },
    );
    await started;
    await new Promise((r) => setTimeout(r, 500));
    const t0 = Date.now();
    const r = await s.stop('the caller had enough');
    assert.ok(Date.now() - t0 < 5000, 'stops promptly');
    assert.deepEqual(r.interrupted, { reason: 'the caller had enough' });
    const d = r.swarm.delivery['1']!;
    assert.ok(d.published > 0);
    assert.equal(d.expected, d.published * 4);
    assert.equal(d.received + d.lost, d.expected);
    assert.equal(r.disconnect.clean, 6);
    assert.ok(r.swarm.timeline.length >= 1 && r.swarm.timeline.some((t) => (t.sent ?? 0) > 0));
  });

  test('two shards side by side: disjoint client ids, each accounts its own publishers and subscribers exactly, the other shard\'s messages counted as foreign', async () => {
    const runId = testRunId('shards');
    const shard = (index: number) =>
      startSwarm({
        mqttUrl: b.mqttUrl,
        runId,
        shard: { index, count: 2 },
        clients: 4,
        subscribers: 2,
        subTopics: ['hx/{run}/#'],
        publishers: 2,
        pubTopic: 'hx/{run}/{i}',
        qos: [1],
        pubRate: 200,
        messages: 50,
        workers: 2,
        drainQuietMs: 500,
      }).done;
    const [a, z] = await Promise.all([shard(0), shard(1)]);
    for (const r of [a, z]) {
      assert.equal(r.swarm.clients.connected, 4);
      assert.deepEqual(r.swarm.clients.failuresByReason, {}, 'no client id taken over by the other shard');
      assert.deepEqual(r.swarm.delivery['1'], { published: 100, expected: 200, received: 200, lost: 0, duplicated: 0 });
      // the other shard's 100 messages reach this shard's 2 subscribers too, while both run (the
      // shards start independently, so how many overlap in time varies)
      assert.ok(r.foreign <= 200, String(r.foreign));
    }
    assert.ok(a.foreign + z.foreign > 0, 'cross-shard copies are seen, as foreign');
  });
});

describe('a broker that admits only some usernames', () => {
  let b: ReferenceBroker;
  before(async () => {
    b = await startReferenceBroker({ httpPort: 0, mqttPort: 0, allowAnonymous: false });
    const res = await fetch(`${b.apiUrl('v4').replace(/\/v4$/, '')}/auth_user`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${b.appId}:${b.appSecret}`).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify([0, 1, 2].map((i) => ({ login: `u-${i}`, password: 'pw', is_superuser: false }))),
    });
    assert.equal(res.status, 200);
  });
  after(async () => {
    await b?.close();
  });

  test('refused connections are counted by CONNACK reason; the others run', async () => {
    const r = await startSwarm({ mqttUrl: b.mqttUrl, runId: testRunId('auth'), clients: 5, usernamePattern: 'u-{i}', password: 'pw', durationMs: 200, workers: 2 }).done;
    assert.deepEqual(r.swarm.clients, { target: 5, connected: 3, failed: 2, failuresByReason: { 'CONNACK 5 (not authorized)': 2 } });
    assert.equal(r.swarm.connectLatency?.count, 3);
    assert.equal(r.disconnect.clean, 3);
    assert.ok(r.swarm.timeline.some((t) => (t.errors ?? 0) > 0), 'the refusals are errors in the timeline');
  });

  test('the configured credentials refused: one reason, before any load', async () => {
    await assert.rejects(
      startSwarm({ mqttUrl: b.mqttUrl, runId: testRunId('auth'), clients: 5, username: 'u-0', password: 'wrong' }).done,
      /^TargetError: cannot connect to mqtt:\/\/127\.0\.0\.1:\d+ with MQTT 3\.1\.1: CONNACK 4 \(bad username or password\)$/,
    );
  });
});

