// Every catalog endpoint of an API version, called once with a valid request: HTTP
// status, envelope, data against the documented schema, undocumented fields.
import { type ApiVersion, catalog } from '../../src/catalog.ts';
import { test } from '../fixtures.ts';
import { callByRecipe, gate, recipesOf } from './recipe-runner.ts';

export function defineShapeSuite(version: ApiVersion): void {
  test.describe('every endpoint answers as documented', () => {
    for (const entry of catalog(version)) {
      test(`${entry.method} ${entry.path}`, { annotation: { type: 'endpoint', description: entry.id } }, async ({ api, target, check, policy, prefix, run, resident, mqttConnect, cleanup }) => {
        gate(policy, entry.id, recipesOf(version)[entry.id]);
        const ctx = { api, target, node: target.node ?? '', prefix, runPrefix: run.prefix, resident, mqttConnect, cleanup, check };
        const call = await callByRecipe(ctx, check, entry.id);
        if (call) check.contract(call);
      });
    }
  });
}
