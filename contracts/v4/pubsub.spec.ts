// Subscriptions and routes from real subscriptions, and the REST publish/subscribe
// endpoints acting on real clients: what is published arrives, what is subscribed is
// received, what is unsubscribed stops.
import type { ApiCall } from '../../src/api-client.ts';
import { releaseAtLeast } from '../../src/target.ts';
import { test } from '../fixtures.ts';
import { codeOf, data } from '../../src/answers.ts';
import { arrivedBefore } from '../lib/delivery.ts';

const topicsOf = (call: ApiCall): string[] => data(call).map((s) => String(s.topic)).sort();

test.describe('subscriptions and routes', () => {
  test('subscriptions of a client appear in every listing, with their QoS, and make routes', async ({ api, target, check, policy, mqttConnect, prefix }) => {
    const eps = ['v4.lookup_client_subscriptions', 'v4.lookup_node_client_subscriptions', 'v4.list_subscriptions', 'v4.list_node_subscriptions', 'v4.list_routes', 'v4.lookup_routes'];
    policy.requireMqtt(eps);
    policy.requireNode(eps);
    const client = await mqttConnect();
    const subs = { [`${prefix}/a/+`]: 1, [`${prefix}/b/#`]: 2, [`${prefix}/c`]: 0 } as const;
    for (const [t, qos] of Object.entries(subs)) await client.subscribe(t, qos);
    const expected = Object.keys(subs).sort();
    const node = target.node!;
    const byClient = await api.call('v4.lookup_client_subscriptions', { params: { clientid: client.clientId } });
    // subscriptions come back in hash order: topicsOf sorts, QoS are compared as a map
    check.expectEqual('v4.lookup_client_subscriptions', 'semantics', 'topics of the client', expected, topicsOf(byClient), byClient);
    check.expectEqual(
      'v4.lookup_client_subscriptions',
      'semantics',
      'QoS of each subscription',
      subs,
      Object.fromEntries(data(byClient).map((s) => [s.topic, s.qos])),
      byClient,
    );
    const onNode = await api.call('v4.lookup_node_client_subscriptions', { params: { node, clientid: client.clientId } });
    check.expectEqual('v4.lookup_node_client_subscriptions', 'semantics', 'topics of the client on its node', expected, topicsOf(onNode), onNode);
    if (releaseAtLeast(target, '4.1.0') === false) {
      check.skip(['v4.list_subscriptions'], 'semantics', `the clientid filter arrived in EMQX 4.1.0; this target is ${target.emqxVersion}`);
    } else {
      const filtered = await api.call('v4.list_subscriptions', { query: { clientid: client.clientId, _limit: 10000 } });
      check.expectEqual('v4.list_subscriptions', 'semantics', 'the clientid filter', expected, topicsOf(filtered), filtered);
    }
    const nodeList = await api.call('v4.list_node_subscriptions', { params: { node }, query: { _limit: 10000 } });
    check.expectEqual('v4.list_node_subscriptions', 'semantics', "the client's subscriptions on the node listing", expected, topicsOf(nodeList).filter((t) => t.startsWith(prefix)), nodeList);
    const routes = await api.call('v4.list_routes', { query: { _limit: 10000 } });
    check.expectEqual('v4.list_routes', 'semantics', 'a route per subscribed filter', expected, topicsOf(routes).filter((t) => t.startsWith(prefix)), routes);
    for (const t of expected) {
      const route = await api.call('v4.lookup_routes', { params: { topic: t } });
      check.expectEqual('v4.lookup_routes', 'semantics', `the route of ${t} (URL-encoded in the path)`, [{ topic: t, node }], data(route).map((r) => ({ topic: r.topic, node: r.node })), route);
    }
  });
});

test.describe('publish and subscribe through the API', () => {
  test('a published message reaches a subscriber with the same payload, for QoS 0, 1 and 2', async ({ api, check, policy, mqttConnect, prefix }) => {
    policy.requireMqtt(['v4.mqtt_publish']);
    policy.requireDisruptive(['v4.mqtt_publish']);
    const sub = await mqttConnect();
    await sub.subscribe(`${prefix}/p/#`, 2);
    for (const qos of [0, 1, 2] as const) {
      const topic = `${prefix}/p/q${qos}`;
      const call = await api.call('v4.mqtt_publish', { body: { topic, payload: `hello ${qos}`, qos, retain: false, clientid: `${prefix}-api` } });
      check.expectEqual('v4.mqtt_publish', 'semantics', 'code', 0, codeOf(call), call, '/code');
      const m = await sub.waitFor((x) => x.topic === topic);
      check.expectEqual('v4.mqtt_publish', 'mqtt-effect', `QoS ${qos} delivery (topic, payload, qos)`, { topic, payload: `hello ${qos}`, qos }, m && { topic: m.topic, payload: m.payload.toString(), qos: m.qos }, call);
    }
  });

  test('topics, base64 and retain are honoured', async ({ api, check, policy, mqttConnect, prefix, cleanup }) => {
    policy.requireMqtt(['v4.mqtt_publish']);
    policy.requireDisruptive(['v4.mqtt_publish']);
    const sub = await mqttConnect();
    await sub.subscribe(`${prefix}/m/#`, 1);
    const many = await api.call('v4.mqtt_publish', { body: { topics: `${prefix}/m/x,${prefix}/m/y`, payload: 'both', qos: 1, clientid: `${prefix}-api` } });
    const x = await sub.waitFor((m) => m.topic === `${prefix}/m/x`);
    const y = await sub.waitFor((m) => m.topic === `${prefix}/m/y`);
    check.expectTrue('v4.mqtt_publish', 'mqtt-effect', 'a comma-separated `topics` publishes to each topic', !!x && !!y, 'both topics receive', `x: ${!!x}, y: ${!!y}`, many);
    const raw = Buffer.from([0, 1, 2, 250, 255]);
    const b64 = await api.call('v4.mqtt_publish', { body: { topic: `${prefix}/m/bin`, payload: raw.toString('base64'), encoding: 'base64', qos: 1, clientid: `${prefix}-api` } });
    const bin = await sub.waitFor((m) => m.topic === `${prefix}/m/bin`);
    check.expectEqual('v4.mqtt_publish', 'mqtt-effect', 'encoding base64 delivers the decoded bytes', raw.toString('hex'), bin?.payload.toString('hex'), b64);
    const topic = `${prefix}/m/retained`;
    // an empty retained message deletes the stored one
    cleanup(`retained message on ${topic}`, () => api.call('v4.mqtt_publish', { body: { topic, payload: '', qos: 1, retain: true, clientid: `${prefix}-api` } }));
    const ret = await api.call('v4.mqtt_publish', { body: { topic, payload: 'kept', qos: 1, retain: true, clientid: `${prefix}-api` } });
    const late = await mqttConnect();
    await late.subscribe(topic, 1);
    const kept = await late.waitFor((m) => m.topic === topic);
    check.expectTrue('v4.mqtt_publish', 'mqtt-effect', 'retain: a later subscriber receives the retained message', kept?.payload.toString() === 'kept' && kept.retain, 'payload "kept" with the retain flag', kept ? `${kept.payload} retain=${kept.retain}` : 'nothing', ret);
  });

  test('publish_batch delivers every message of the batch', async ({ api, check, policy, mqttConnect, prefix }) => {
    policy.requireMqtt(['v4.mqtt_publish_batch']);
    policy.requireDisruptive(['v4.mqtt_publish_batch']);
    const sub = await mqttConnect();
    await sub.subscribe(`${prefix}/batch/#`, 1);
    const body = Array.from({ length: 5 }, (_, i) => ({ topic: `${prefix}/batch/${i}`, payload: `m${i}`, qos: 1, clientid: `${prefix}-api` }));
    const call = await api.call('v4.mqtt_publish_batch', { body });
    check.expectEqual('v4.mqtt_publish_batch', 'semantics', 'code', 0, codeOf(call), call, '/code');
    const got = await Promise.all(body.map((b) => sub.waitFor((m) => m.topic === b.topic)));
    check.expectEqual('v4.mqtt_publish_batch', 'mqtt-effect', 'payloads received', body.map((b) => b.payload), got.map((m) => m?.payload.toString() ?? null), call);
  });

  test('subscribe makes the client receive, unsubscribe makes it stop (single and batch)', async ({ api, check, policy, mqttConnect, prefix }) => {
    const eps = ['v4.mqtt_subscribe', 'v4.mqtt_unsubscribe', 'v4.mqtt_subscribe_batch', 'v4.mqtt_unsubscribe_batch'];
    policy.requireMqtt(eps);
    policy.requireDisruptive(eps);
    const client = await mqttConnect();
    const pub = await mqttConnect();
    const control = `${prefix}/control`;
    await client.subscribe(control, 1);
    // EMQX's REST (un)subscribe hands the request to the client's process and answers before
    // it takes effect (docs/emqx-behaviour.md §20): each effect is polled to a deadline
    let n = 0;
    const delivered = (topic: string) => async (): Promise<{ value: boolean }> => {
      const payload = `probe-${n++}`;
      await pub.publish(topic, payload, { qos: 1 });
      return { value: (await client.waitFor((m) => m.topic === topic && m.payload.toString() === payload, 300)) !== null };
    };
    /** one round: publish on `topic`, then a control message; did `topic` arrive before the control? */
    const stillDelivered = (topic: string) => async (): Promise<{ value: boolean }> => {
      const payload = `late-${n++}`;
      await pub.publish(topic, payload, { qos: 1 });
      const r = await arrivedBefore(client, (m) => m.topic === topic && m.payload.toString() === payload, () => pub.publish(control, `c-${n}`, { qos: 1 }), (m) => m.topic === control && m.payload.toString() === `c-${n}`);
      if (!r.controlSeen) throw new Error('the control message did not arrive: the subscriber is not receiving at all');
      return { value: r.unwantedSeen };
    };

    const sub = await api.call('v4.mqtt_subscribe', { body: { topic: `${prefix}/s1`, qos: 1, clientid: client.clientId } });
    check.expectEqual('v4.mqtt_subscribe', 'semantics', 'code', 0, codeOf(sub), sub, '/code');
    await check.eventually('v4.mqtt_subscribe', 'mqtt-effect', 'the client receives on the topic subscribed for it', delivered(`${prefix}/s1`), (x) => x, 'a message on s1');
    const batch = await api.call('v4.mqtt_subscribe_batch', { body: [{ topic: `${prefix}/s2`, qos: 1, clientid: client.clientId }, { topic: `${prefix}/s3`, qos: 1, clientid: client.clientId }] });
    check.expectEqual('v4.mqtt_subscribe_batch', 'semantics', 'code', 0, codeOf(batch), batch, '/code');
    await check.eventually('v4.mqtt_subscribe_batch', 'mqtt-effect', 'the client receives on s2 of the batch', delivered(`${prefix}/s2`), (x) => x, 'a message on s2');
    await check.eventually('v4.mqtt_subscribe_batch', 'mqtt-effect', 'the client receives on s3 of the batch', delivered(`${prefix}/s3`), (x) => x, 'a message on s3');

    const unsub = await api.call('v4.mqtt_unsubscribe', { body: { topic: `${prefix}/s1`, clientid: client.clientId } });
    check.expectEqual('v4.mqtt_unsubscribe', 'semantics', 'code', 0, codeOf(unsub), unsub, '/code');
    await check.eventually('v4.mqtt_unsubscribe', 'mqtt-effect', 'nothing arrives on s1 after unsubscribing (a control message published after it does)', stillDelivered(`${prefix}/s1`), (x) => !x, 'the control message only');
    const unbatch = await api.call('v4.mqtt_unsubscribe_batch', { body: [{ topic: `${prefix}/s2`, clientid: client.clientId }, { topic: `${prefix}/s3`, clientid: client.clientId }] });
    check.expectEqual('v4.mqtt_unsubscribe_batch', 'semantics', 'code', 0, codeOf(unbatch), unbatch, '/code');
    await check.eventually('v4.mqtt_unsubscribe_batch', 'mqtt-effect', 'nothing arrives on s2 after unsubscribing the batch', stillDelivered(`${prefix}/s2`), (x) => !x, 'the control message only');
    await check.eventually('v4.mqtt_unsubscribe_batch', 'mqtt-effect', 'nothing arrives on s3 after unsubscribing the batch', stillDelivered(`${prefix}/s3`), (x) => !x, 'the control message only');
  });
});
