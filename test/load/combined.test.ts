// The combined run: the MQTT swarm and a k6 scenario on the same target. What k6 publishes
// through publish_batch lands on swarm subscribers and is counted; listings walked by k6 see
// the swarm's clients; without k6 the swarm part still runs and the report says k6 was skipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NO_K6, runLoadCli, said } from './run-load.ts';

test('load --with-swarm, smoke, on the reference broker: REST→MQTT delivery ratio 1.0, the swarm lost nothing, load.html written', { skip: NO_K6, timeout: 180_000 }, async () => {
  const run = await runLoadCli(['--with-swarm', '--profile', 'smoke', '--duration', '4s', '--scenario', 'gate', '--swarm-clients', '20', '--swarm-publishers', '4']);
  assert.equal(run.code, 0, said(run));
  const r = run.report!;
  assert.ok(r.k6 && !r.k6.skipped && r.k6.totals.messagesAccepted! > 0);
  assert.ok(r.restToMqtt, 'REST→MQTT figures');
  assert.equal(r.restToMqtt.sent, r.k6.totals.messagesAccepted);
  assert.equal(r.restToMqtt.delivered, r.restToMqtt.sent);
  assert.equal(r.restToMqtt.ratio, 1);
  assert.ok(r.restToMqtt.latency && r.restToMqtt.latency.count >= r.restToMqtt.sent);
  assert.equal(r.swarm!.clients.connected, 20);
  for (const [qos, d] of Object.entries(r.swarm!.delivery)) assert.deepEqual([qos, d.lost, d.duplicated, d.received === d.expected], [qos, 0, 0, true]);
  assert.ok(existsSync(join(run.reportDir!, 'load.html')));
  assert.match(run.stdout, /REST → MQTT/);
});

test('the listings k6 walks see the swarm: its clients are on the pages', { skip: NO_K6, timeout: 180_000 }, async () => {
  // no fill: the only clients on the broker are the swarm's 30
  const run = await runLoadCli(['--with-swarm', '--fill', '0', '--profile', 'smoke', '--duration', '3s', '--scenario', 'listings', '--limit', '7', '--swarm-clients', '30', '--swarm-publishers', '2']);
  assert.equal(run.code, 0, said(run));
  const depths = Object.keys(run.report!.k6!.latencyByPageDepth ?? {});
  // 30 clients at 7 a page: /clients needs 5 pages
  assert.ok(depths.includes('5-16'), `walks went ${depths.join(', ')} deep`);
});

test('without k6 the swarm part still runs and the report says the k6 part was skipped', { timeout: 120_000 }, async () => {
  const run = await runLoadCli(['--with-swarm', '--profile', 'smoke', '--duration', '3s', '--swarm-clients', '10', '--swarm-publishers', '2'], { env: { K6_BIN: '/nonexistent/k6' } });
  assert.equal(run.code, 0, said(run));
  assert.match(run.stderr, /k6 not found: .* the k6 part was skipped, the swarm runs alone/);
  assert.match(run.report!.k6!.skipped!, /k6 is not installed/);
  assert.equal(run.report!.swarm!.clients.connected, 10);
  assert.equal(run.report!.restToMqtt, undefined);
  assert.ok(Object.values(run.report!.swarm!.delivery).every((d) => d.lost === 0 && d.received > 0));
});
