// The same exactness against a real EMQX 4.4 when one answers (EMQX_MQTT_URL, or the CI node on
// 127.0.0.1:31883 with anonymous clients allowed); skipped, and saying so, otherwise.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { startSwarm } from '../../load/swarm/index.ts';
import { MESSAGES, PUBLISHERS, SUBSCRIBERS, overlapping, realEmqx } from './helpers.ts';

const url = await realEmqx();

describe('real EMQX', { skip: url ? false : 'skipped: no EMQX answers (set EMQX_MQTT_URL, or start one on 127.0.0.1:31883)' }, () => {
  before(() => {
    console.log(`# swarm tests against the real EMQX at ${url}`);
  });

  for (const protocol of [4, 5] as const) {
    test(`MQTT ${protocol === 5 ? '5' : '3.1.1'}: one copy per distinct matching filter, the first subscription of a filter counts (8 × 2 + 1 per message), none lost or duplicated`, async () => {
      const r = await startSwarm(
        overlapping(url!, `emqx${protocol}`, {
          protocol,
          username: process.env.EMQX_MQTT_USERNAME,
          password: process.env.EMQX_MQTT_PASSWORD,
          // gentle: EMQX drops deliveries beyond a subscriber's queue (max_mqueue_len 1000, counted as
          // delivery.dropped.queue_full), and the swarm would rightly report them lost
          pubRate: 100,
        }),
      ).done;
      assert.equal(r.overlap, 'per-filter', 'measured by the probe');
      const published = (PUBLISHERS / 3) * MESSAGES;
      // two plain copies per client, and group g; `$share/g2/hx/{run}/#` comes after the plain
      // `hx/{run}/#` of the same filter, so EMQX ignores it: g2 has no member
      const expected = published * (SUBSCRIBERS * 2 + 1);
      for (const q of ['0', '1', '2']) assert.deepEqual(r.swarm.delivery[q], { published, expected, received: expected, lost: 0, duplicated: 0 }, `QoS ${q}`);
      assert.equal(r.disconnect.clean, SUBSCRIBERS + PUBLISHERS);
    });
  }
});
