// Negative cases from schemas/expectations/negative.json: bad input, and what the target's
// own release answers to it. A case whose answer for this release is unknown is skipped
// with its reason, never passed.
import { type ApiVersion, entryById } from '../../src/catalog.ts';
import { expectations, fillPlaceholders, outcomeFor, placeholdersUsed, compareWithOutcome, type Outcome } from '../../src/expectations.ts';
import { test } from '../fixtures.ts';

function sourceOf(o: Outcome): string {
  return [o.source.doc, o.source.behaviour, o.source.emqx].filter(Boolean).join('; ');
}

export function defineNegativeSuite(version: ApiVersion): void {
  test.describe('negative cases', () => {
    for (const exp of expectations().filter((e) => e.endpoint.startsWith(`${version}.`))) {
      test(`${exp.id}: ${exp.title}`, { annotation: { type: 'endpoint', description: exp.endpoint } }, async ({ api, target, check, policy, mqttConnect, prefix, probe }) => {
        const entry = entryById(exp.endpoint);
        const uses = placeholdersUsed(exp);
        const skipCase = (reason: string): void => {
          check.skip([exp.endpoint], 'negative', `${exp.id}: ${reason}`);
          test.skip(true, reason);
        };
        if (entry.mutates) policy.requireMutations([exp.endpoint]);
        if (entry.disruptive) policy.requireDisruptive([exp.endpoint]);
        if (uses.has('node') || uses.has('unknownNode') || entry.path.includes('{node}')) policy.requireNode([exp.endpoint]);
        if (uses.has('connectedClient') || uses.has('connectedUsername')) policy.requireMqtt([exp.endpoint]);

        const outcome = outcomeFor(exp, target.emqxVersion);
        if (!outcome || outcome.unknown) {
          const reason = !outcome
            ? `the answer differs between releases and this target's release is ${target.emqxVersion ? `${target.emqxVersion}, which the table does not cover` : 'unknown (set EMQX_VERSION)'}`
            : `what EMQX ${target.emqxVersion} answers is not known: ${outcome.reason ?? 'no source'}`;
          return skipCase(reason);
        }
        const connectedUsername = `${prefix}-user`;
        const client = uses.has('connectedClient') || uses.has('connectedUsername') ? await mqttConnect({ username: connectedUsername }) : undefined;
        const request = fillPlaceholders(exp.request, {
          node: target.node ?? '',
          unknownNode: `harness-nonexistent-${prefix}@127.0.0.1`,
          unknownClient: `${prefix}-nobody`,
          unknownId: `${prefix}-missing`,
          connectedClient: client?.clientId,
          connectedUsername: client ? connectedUsername : undefined,
        });
        const body = request.rawBody ?? (request.body != null ? JSON.stringify(request.body) : undefined);
        // unknown-route cases override the method or the path, leaving the catalog's shape behind
        const url = request.path ? `${target.apiUrl}${request.path}` : api.url(entry, request.params, request.query);
        const call = await api.raw(entry, request.method ?? entry.method, url, body, request.auth ?? 'valid');
        check.timing(call);
        if (outcome.routeAbsent && !(await probe.absentReason(call))) {
          return skipCase(
            `EMQX ${target.emqxVersion} does not route ${entry.method} ${entry.path} on its management listener, but this target serves it (as EMQX Cloud, a dashboard listener or the reference broker can): no established answer to hold it to`,
          );
        }
        const mismatches = compareWithOutcome(outcome, call.response);
        // a case on a route the target lacks (a plugin not running, an endpoint of another
        // product) says nothing about the release's error handling
        const absent = mismatches.length && exp.case !== 'unknown-route' && exp.case !== 'unknown-node' ? await probe.absentReason(call) : undefined;
        if (absent) {
          check.notImplemented(call, `${absent}${exp.requires ? `; the case needs ${exp.requires.plugins.join(', ')}` : ''}`);
          return;
        }
        for (const m of mismatches) {
          check.record({
            endpoint: exp.endpoint,
            check: 'negative',
            verdict: 'fail',
            pointer: m.pointer,
            expected: m.expected,
            actual: m.actual,
            doc: sourceOf(outcome),
            curl: call.curl,
            message: `${call.label} ${exp.title}: ${m.pointer || '(body)'} expected ${m.expected}, got ${m.actual} (EMQX ${target.emqxVersion ?? '?'}; ${sourceOf(outcome)})`,
          });
        }
        if (mismatches.length === 0) {
          check.record({ endpoint: exp.endpoint, check: 'negative', verdict: 'pass', message: `${call.label} ${exp.title}: answered as EMQX ${target.emqxVersion ?? ''} does (${sourceOf(outcome)})`, curl: call.curl });
        }
      });
    }
  });
}
