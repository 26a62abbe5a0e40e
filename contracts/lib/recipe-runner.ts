// Runs a catalog endpoint's recipe under the target's policy: skipped (with findings)
// when the target forbids it, not-implemented when the route is absent, and otherwise
// the call's answer for the spec to check.
import type { ApiCall } from '../../src/api-client.ts';
import { failureFinding } from '../../src/findings.ts';
import { type ApiVersion, entryById } from '../../src/catalog.ts';
import { v3Recipes } from '../recipes/v3.ts';
import { v4Recipes } from '../recipes/v4.ts';
import { type Recipe, type RecipeContext, SetupFailed } from '../recipes/types.ts';
import type { Checker } from './checker.ts';
import type { Policy } from '../fixtures.ts';
import { test } from '../fixtures.ts';

export function recipesOf(version: ApiVersion): Record<string, Recipe> {
  return version === 'v4' ? v4Recipes : v3Recipes;
}

/** Gate by presence, the catalog's flags and the recipe's needs; skips the test when not allowed. */
export function gate(policy: Policy, endpointId: string, recipe: Recipe | undefined): void {
  const entry = entryById(endpointId);
  policy.requirePresent([endpointId]);
  if (entry.mutates) policy.requireMutations([endpointId]);
  if (entry.disruptive) policy.requireDisruptive([endpointId]);
  if (entry.path.includes('{node}')) policy.requireNode([endpointId]);
  if (recipe?.mqtt) policy.requireMqtt([endpointId]);
}

/**
 * Make the endpoint's call. Returns undefined when the check cannot go on, having recorded
 * why: a prerequisite that failed is a failure of the prerequisite's endpoint, and the check
 * that needed it is skipped naming it (never passed).
 */
export async function callByRecipe(ctx: RecipeContext, check: Checker, endpointId: string): Promise<ApiCall | undefined> {
  const recipe = recipesOf(entryById(endpointId).apiVersion)[endpointId];
  if (!recipe) throw new Error(`harness bug: no recipe for ${endpointId}`);
  let call: ApiCall;
  try {
    const opts = await recipe.make(ctx);
    if (opts.body !== undefined) check.requestIsDocumented(endpointId, opts.body);
    call = await ctx.api.call(endpointId, opts);
  } catch (e) {
    if (!(e instanceof SetupFailed)) throw e;
    if (e.call && check.isAbsent(e.call.entry.id)) {
      const reason = `needs ${e.call.entry.method} ${e.call.entry.path}, which this target does not implement`;
      check.skip([endpointId], 'schema', reason);
      test.skip(true, reason);
      return undefined;
    }
    if (e.call) check.answered(e.call);
    else check.record(failureFinding(endpointId, 'semantics', `setup for ${endpointId} failed: ${e.message}`));
    check.skip([endpointId], 'schema', `its setup failed: ${e.message}`);
    test.skip(true, e.message);
    return undefined;
  }
  recipe.after?.(ctx, call);
  return call;
}
