// junit.xml of a load run: a breached threshold and a loss at QoS 1/2 are failures CI shows,
// skipped parts are skipped cases with their reason, an interrupted run is an error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadJunitXml } from '../../src/load/report/junit.ts';
import { fullReport, shard } from './fixtures.ts';

function cases(xml: string): { name: string; body: string }[] {
  return [...xml.matchAll(/<testcase name="([^"]*)"[^>]*?(?:\/>|>([\s\S]*?)<\/testcase>)/g)].map((m) => ({ name: m[1]!, body: m[2] ?? '' }));
}

test('each threshold is a test case; a breached one is a failure naming the metric and the expression', () => {
  const xml = loadJunitXml(fullReport());
  const all = cases(xml);
  const held = all.find((c) => c.name === 'http_req_duration p(95)&lt;250');
  assert.ok(held, xml);
  assert.equal(held.body, '');
  const breached = all.find((c) => c.name === 'http_req_duration{endpoint:v4.list_clients} p(95)&lt;150');
  assert.ok(breached, xml);
  assert.match(breached.body, /<failure message="threshold breached: http_req_duration\{endpoint:v4\.list_clients\} p\(95\)&lt;150" type="threshold">/);
  assert.match(breached.body, /metric: http_req_duration\{endpoint:v4\.list_clients\}\nexpression: p\(95\)&lt;150/);
  assert.match(xml, /<testsuite name="k6\.thresholds" tests="4" failures="1" errors="0" skipped="0"/);
});

test('a loss at QoS 1 or 2 is a failure; QoS 0 loss is reported, not failed', () => {
  const xml = loadJunitXml(fullReport());
  const all = cases(xml);
  const q0 = all.find((c) => c.name === 'QoS 0 delivery')!;
  const q1 = all.find((c) => c.name === 'QoS 1 delivery')!;
  const q2 = all.find((c) => c.name === 'QoS 2 delivery')!;
  assert.doesNotMatch(q0.body, /<failure/);
  assert.match(q0.body, /<system-out>published [\d,]+, expected [\d,]+, received [\d,]+, lost [1-9]/);
  assert.match(q1.body, /<failure message="QoS 1: \d+ of [\d,]+ messages lost \([\d.]+%\)" type="loss">/);
  assert.doesNotMatch(q2.body, /<failure/);
  assert.match(xml, /<testsuites name="emqx-api-harness load [^"]+" tests="\d+" failures="2" errors="0" skipped="0" time="20\.000">/);
  assert.match(xml, /<property name="capacity\.knee" value="800"\/>/);
});

test('skipped parts are skipped cases with the reason; an interrupted run is an error', () => {
  const report = shard({ id: 'x', startedAt: '2026-12-02T10:00:00.000Z', seed: 3, swarmSkipped: 'no MQTT URL given (--mqtt-url)', interrupted: 'SIGINT' }).report;
  const xml = loadJunitXml(report);
  assert.match(xml, /<testcase name="swarm" classname="swarm" time="0">\n\s+<skipped message="swarm part skipped: no MQTT URL given \(--mqtt-url\)"\/>/);
  assert.match(xml, /<error message="interrupted: SIGINT" type="interrupted"\/>/);
  assert.ok(!xml.includes('QoS 1 delivery'));
});

test('k6 failing (exit code neither 0 nor 99) is an error', () => {
  const report = fullReport();
  report.k6!.exitCode = 107;
  assert.match(loadJunitXml(report), /<error message="k6 exited with 107 \(k6 failed\)" type="k6"\/>/);
});
