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
      test(`${exp.id}: ${exp.title}`, { annotation: { type: 'endpoint', description: exp.endpoint } }, async ({ api, target, check, policy, mqttConnect, prefix, presence }) => {
        const entry = entryById(exp.endpoint);
        const uses = placeholdersUsed(exp);
        const skipCase = (reason: string): void => {
          check.skip([exp.endpoint], 'negative', `${exp.id}: ${reason}`);
          test.skip(true, reason);
        };
        // a case about an endpoint the target lacks says nothing about its error handling;
        // unknown-route cases are about the absence itself
        const absent = presence[exp.endpoint]?.present === false;
        if (absent && exp.case !== 'unknown-route') policy.requirePresent([exp.endpoint]);
        if (entry.mutates) policy.requireMutations([exp.endpoint]);
        if (entry.disruptive) policy.requireDisruptive([exp.endpoint]);
        if (uses.has('node') || uses.has('unknownNode') || entry.path.includes('{node}')) policy.requireNode([exp.endpoint]);
        if (uses.has('connectedClient') || uses.has('connectedUsername')) policy.requireMqtt([exp.endpoint]);
        if (uses.has('connectedUsername')) policy.requireOwnUsernames([exp.endpoint]);

        const outcome = outcomeFor(exp, target.emqxVersion);
        if (!outcome || outcome.unknown) {
          const reason = !outcome
            ? `the answer differs between releases and this target's release is ${target.emqxVersion ? `${target.emqxVersion}, which the table does not cover` : 'unknown (set EMQX_VERSION)'}`
            : `what EMQX ${target.emqxVersion} answers is not known: ${outcome.reason ?? 'no source'}`;
          return skipCase(reason);
        }
        if (outcome.routeAbsent && !absent) {
          return skipCase(
            `EMQX ${target.emqxVersion} does not route ${entry.method} ${entry.path} on its management listener, but this target serves it (as EMQX Cloud, a dashboard listener or the reference broker can): no established answer to hold it to`,
          );
        }
        const connectedUsername = `${prefix}-user`;
        const client = uses.has('connectedClient') || uses.has('connectedUsername') ? await mqttConnect(uses.has('connectedUsername') ? { username: connectedUsername } : {}) : undefined;
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
        check.outcome(exp.endpoint, call, exp.title, compareWithOutcome(outcome, call.response), `EMQX ${target.emqxVersion ?? '?'}; ${sourceOf(outcome)}`);
      });
    }
  });
}
