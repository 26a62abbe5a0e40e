// The typed fixtures every contract spec uses (Playwright's test.extend). Worker-scoped:
// the target of this project (one project per target: v4, cloud, v3), the API client built from
// the catalog, the validator, the target's presence decisions (src/presence.ts), and a
// resident MQTT client. Test-scoped:
// the finding recorder, a test-unique prefix, real MQTT clients that disconnect by
// themselves, and a cleanup registry that runs even when the test fails. Every answer the API
// client gets also reaches the worker's shape recorder (src/compare/record.ts); each test
// appends the shapes of its successful answers to findings.jsonl.
import { test as base } from '@playwright/test';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { type ApiCall, ApiClient } from '../src/api-client.ts';
import { ShapeRecorder, type ShapesRecord } from '../src/compare/record.ts';
import { TargetError } from '../src/errors.ts';
import { failureFinding } from '../src/findings.ts';
import { type ConnectOptions, type TestClient, connectClient } from '../src/mqtt.ts';
import { type RunConfig, loadRunConfig } from '../src/run-config.ts';
import { type Target, releaseAtLeast } from '../src/target.ts';
import type { PresenceMap } from '../src/presence.ts';
import { entryById } from '../src/catalog.ts';
import type { Transport } from '../src/transport.ts';
import { ContractValidator } from '../src/validator.ts';
import { Checker } from './lib/checker.ts';
import { playwrightTransport } from './lib/playwright-transport.ts';
import { FINDINGS_LOG } from './reporter.ts';

export const TARGET_DOWN_FILE = '.target-down.json';

type WorkerFixtures = {
  run: RunConfig;
  target: Target;
  api: ApiClient;
  validator: ContractValidator;
  /** whether each endpoint exists on this target, decided once by the CLI before the suites */
  presence: PresenceMap;
  /** a client connected for the whole worker, subscribed to `<prefix>/res/#`; null without MQTT */
  resident: TestClient | null;
  /** the shapes of the successful answers since the last test wrote them */
  shapes: ShapeRecorder;
};

type TestFixtures = {
  check: Checker;
  /** unique to this test: `<run prefix>-<test hash>`; everything the test creates starts with it */
  prefix: string;
  mqttConnect: (opts?: Partial<ConnectOptions>) => Promise<TestClient>;
  cleanup: (label: string, fn: () => Promise<unknown>) => void;
  policy: Policy;
  targetAlive: void;
  /** writes the shapes the test's calls recorded (auto) */
  shapeLog: void;
};

export interface Policy {
  /** skip the test (recording skipped findings) unless mutations are allowed */
  requireMutations(endpoints: string[]): void;
  requireDisruptive(endpoints: string[]): void;
  requireMqtt(endpoints: string[]): void;
  requireNode(endpoints: string[]): void;
  /** skip unless clients may connect with usernames of the check's own (not the configured one) */
  requireOwnUsernames(endpoints: string[]): void;
  /** skip unless the target's release has the feature (an unknown release is assumed current) */
  requireRelease(endpoints: string[], version: string, feature: string): void;
  /**
   * skip unless every endpoint the test needs exists on the target: the absent ones already
   * carry their not-implemented finding, the others are skipped naming what they lack
   */
  requirePresent(endpoints: string[]): void;
}

/** The worker's API client: every answer also goes to the shape recorder. */
class RecordingApiClient extends ApiClient {
  constructor(
    target: Target,
    transport: Transport,
    private readonly recorder: ShapeRecorder,
  ) {
    super(target, transport);
  }

  override async call(...args: Parameters<ApiClient['call']>): Promise<ApiCall> {
    const call = await super.call(...args);
    this.recorder.record(call);
    return call;
  }

  override async raw(...args: Parameters<ApiClient['raw']>): Promise<ApiCall> {
    const call = await super.raw(...args);
    this.recorder.record(call);
    return call;
  }
}

/** One line of findings.jsonl (appended in one write, as the reporter appends its own lines). */
function writeShapes(reportDir: string, recorder: ShapeRecorder, target: string): void {
  const shapes = recorder.take(target);
  if (shapes) appendFileSync(join(reportDir, FINDINGS_LOG), `${JSON.stringify({ shapes } satisfies ShapesRecord)}\n`);
}

/** A TargetError anywhere marks the target down, so the rest of the run stops quickly with one reason. */
function guarded(inner: Transport, reportDir: string): Transport {
  return {
    async send(req) {
      try {
        return await inner.send(req);
      } catch (e) {
        if (e instanceof TargetError) {
          writeFileSync(join(reportDir, TARGET_DOWN_FILE), JSON.stringify({ reason: e.message, lastRequest: e.lastRequest }));
        }
        throw e;
      }
    },
    close: inner.close,
  };
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  run: [async ({}, use) => use(loadRunConfig()), { scope: 'worker' }],

  target: [
    async ({ run }, use, workerInfo) => {
      const name = (workerInfo.project.metadata as { target?: string }).target;
      const t = run.targets.find((x) => x.name === name);
      if (!t) throw new Error(`no target for project ${workerInfo.project.name}`);
      await use(t);
    },
    { scope: 'worker' },
  ],

  shapes: [
    async ({ run, target }, use) => {
      const recorder = new ShapeRecorder(target.apiUrl, run.prefix);
      await use(recorder);
      // what the last test's cleanup called after that test wrote its shapes
      writeShapes(run.reportDir, recorder, target.name);
    },
    { scope: 'worker' },
  ],

  api: [
    async ({ playwright, target, run, shapes }, use) => {
      const ctx = await playwright.request.newContext({ ignoreHTTPSErrors: target.tls.insecure });
      const transport = guarded(playwrightTransport(ctx), run.reportDir);
      await use(new RecordingApiClient(target, transport, shapes));
      await ctx.dispose();
    },
    { scope: 'worker' },
  ],

  validator: [async ({}, use) => use(new ContractValidator()), { scope: 'worker' }],

  presence: [async ({ run, target }, use) => use(run.presence[target.name] ?? {}), { scope: 'worker' }],

  resident: [
    async ({ target, run }, use, workerInfo) => {
      if (!target.mqttUrl) return use(null);
      // a resident that cannot connect must not fail every test of the worker: the checks
      // that need it are skipped with the reason (SetupFailed), the others run
      // the configured MQTT credentials when there are some; an own username otherwise
      const client = await connectClient(target.mqttUrl, {
        clientId: `${run.prefix}-res-${target.name}-${workerInfo.workerIndex}`,
        username: target.mqttUsername ?? `${run.prefix}-resuser`,
        password: target.mqttPassword,
        tls: target.tls,
      })
        .then(async (c) => (await c.subscribe(`${run.prefix}/res/#`, 1), c))
        .catch(() => null);
      await use(client);
      await client?.end();
    },
    { scope: 'worker' },
  ],

  targetAlive: [
    async ({ run }, use) => {
      const marker = join(run.reportDir, TARGET_DOWN_FILE);
      if (existsSync(marker)) {
        const { reason } = JSON.parse(readFileSync(marker, 'utf8')) as { reason: string };
        test.skip(true, `the target stopped answering earlier in the run (${reason})`);
      }
      await use();
    },
    { auto: true },
  ],

  shapeLog: [
    async ({ run, target, shapes }, use) => {
      await use();
      writeShapes(run.reportDir, shapes, target.name);
    },
    { auto: true },
  ],

  check: async ({ validator, run, target, presence }, use, testInfo) => {
    const checker = new Checker(validator, { strictFields: run.strictFields, strictDocs: run.strictDocs, target, presence });
    await use(checker);
    await testInfo.attach('findings.json', {
      body: JSON.stringify({ findings: checker.findings, timings: checker.timings }),
      contentType: 'application/json',
    });
    const failed = checker.failures();
    if (failed.length && testInfo.status === 'passed') {
      throw new Error(`${failed.length} contract check(s) failed:\n${failed.map((f) => `  ${f.message}`).join('\n')}`);
    }
  },

  prefix: async ({ run }, use, testInfo) => {
    // testId is `<file hash>-<test hash>`: hash all of it, or tests of one file would share ids
    const id = createHash('sha1').update(`${testInfo.testId}:${testInfo.retry}`).digest('hex').slice(0, 8);
    await use(`${run.prefix}-${id}`);
  },

  cleanup: async ({ check }, use) => {
    const tasks: { label: string; fn: () => Promise<unknown> }[] = [];
    await use((label, fn) => void tasks.push({ label, fn }));
    for (const t of tasks.reverse()) {
      try {
        await t.fn();
      } catch (e) {
        check.record(failureFinding('cleanup', 'semantics', `cleanup "${t.label}" failed: ${(e as Error).message}`));
      }
    }
  },

  mqttConnect: async ({ target, prefix }, use) => {
    const clients: TestClient[] = [];
    let n = 0;
    await use(async (opts = {}) => {
      if (!target.mqttUrl) throw new Error('no MQTT URL for this target');
      const c = await connectClient(target.mqttUrl, { clientId: `${prefix}-c${n++}`, username: target.mqttUsername, password: target.mqttPassword, tls: target.tls, ...opts });
      clients.push(c);
      return c;
    });
    await Promise.all(clients.map((c) => c.end()));
  },

  policy: async ({ target, check, presence }, use) => {
    const gate = (allowed: boolean, endpoints: string[], reason: string): void => {
      if (allowed) return;
      check.skip(endpoints, 'semantics', reason);
      test.skip(true, reason);
    };
    await use({
      requireMutations: (e) => gate(target.allowMutations, e, 'changes broker state; not allowed on this target (--allow-mutations)'),
      requireDisruptive: (e) => gate(target.allowDisruptive, e, 'disconnects clients or publishes; not allowed on this target (--allow-disruptive)'),
      requireMqtt: (e) => gate(!!target.mqttUrl, e, 'needs MQTT: no EMQX_MQTT_URL for this target'),
      requireNode: (e) => gate(!!target.node, e, 'the node name is unknown: set EMQX_NODE'),
      requireOwnUsernames: (e) =>
        gate(target.ownUsernames !== false, e, 'needs MQTT clients with usernames of its own, and this broker refuses a username without the configured password'),
      requireRelease: (e, version, feature) =>
        gate(releaseAtLeast(target, version) !== false, e, `${feature} arrived in EMQX ${version}; this target is ${target.emqxVersion}`),
      requirePresent: (e) => {
        const absent = e.filter((id) => presence[id]?.present === false);
        if (!absent.length) return;
        const names = absent.map((id) => `${entryById(id).method} ${entryById(id).path}`).join(', ');
        gate(false, e.filter((id) => !absent.includes(id)), `needs ${names}, which this target does not implement`);
      },
    });
  },
});

export { expect } from '@playwright/test';
