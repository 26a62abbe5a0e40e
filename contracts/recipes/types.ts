// A recipe says how to make one valid call to a catalog endpoint: the parameters, the
// body, and any object it needs first (created with the run prefix, removed afterwards).
import type { ApiCall, ApiClient, CallOptions } from '../../src/api-client.ts';
import type { TestClient, ConnectOptions } from '../../src/mqtt.ts';
import type { Target } from '../../src/target.ts';
import type { Checker } from '../lib/checker.ts';
import { dataOf, succeeded } from '../../src/answers.ts';

export interface RecipeContext {
  api: ApiClient;
  target: Target;
  /** the target's node name (policy has ensured it is known where needed) */
  node: string;
  prefix: string;
  /** the run prefix the resident client's topics use */
  runPrefix: string;
  resident: TestClient | null;
  mqttConnect: (opts?: Partial<ConnectOptions>) => Promise<TestClient>;
  cleanup: (label: string, fn: () => Promise<unknown>) => void;
  check: Checker;
}

export interface Recipe {
  /** the call needs connected MQTT clients */
  mqtt?: boolean;
  make(ctx: RecipeContext): Promise<CallOptions>;
  /** after the call: register the removal of what it created (its id is in the answer) */
  after?(ctx: RecipeContext, call: ApiCall): void;
}

/** A prerequisite call failed: the check that needed it cannot run, and says why. */
export class SetupFailed extends Error {
  override name = 'SetupFailed';
  constructor(
    message: string,
    /** the prerequisite call that failed, when there was one */
    readonly call?: ApiCall,
  ) {
    super(message);
  }
}

/** Make a prerequisite call and insist it succeeded (HTTP 200, code 0). */
export async function setup(ctx: RecipeContext, endpoint: string, opts: CallOptions): Promise<ApiCall> {
  const call = await ctx.api.call(endpoint, opts);
  if (!succeeded(call)) {
    throw new SetupFailed(`setup ${call.label} answered HTTP ${call.response.status} ${call.response.text.slice(0, 120)}`, call);
  }
  return call;
}

/** Run a cleanup call, tolerating that the object is already gone. */
export function removeLater(ctx: RecipeContext, label: string, endpoint: string, opts: CallOptions): void {
  ctx.cleanup(label, () => ctx.api.call(endpoint, opts));
}

export function residentOf(ctx: RecipeContext): TestClient {
  if (!ctx.resident) throw new SetupFailed('the resident MQTT client could not connect (see the MQTT settings: EMQX_MQTT_URL, EMQX_MQTT_USERNAME, EMQX_MQTT_PASSWORD)');
  return ctx.resident;
}

/** After a create call: remove the object by the id its answer carries (if it created one). */
export function removeCreated(ctx: RecipeContext, call: ApiCall, deleteEndpoint: string, param: string): void {
  const id = dataOf<{ id?: unknown } | undefined>(call)?.id;
  if (typeof id === 'string') removeLater(ctx, `${param} ${id}`, deleteEndpoint, { params: { [param]: id } });
}
