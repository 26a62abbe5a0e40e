// Every behaviour that changed between EMQX releases is decided here, as a named predicate,
// so the rest of the broker asks "does this version do X?" and never compares numbers itself.
// The 4.x API (/api/v4, /api) follows the configured 4.x release (`emqxVersion`), the 3.x API
// (/api/v3) the configured 3.x release (`emqxV3Version`): no EMQX serves both, so each API
// emulates its own line.
// Sources: /work/shared/EMQX-BEHAVIOUR.md and the EMQX source paths quoted in reference/README.md.

export interface EmqxVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** As configured (without a leading "v"), e.g. "4.4.19". */
  readonly text: string;
}

/** The 4.x release /api/v4 emulates by default. */
export const DEFAULT_EMQX_VERSION = '4.4.19';
/**
 * The 3.x release /api/v3 emulates by default: the first release that routes every path of the
 * 3.x document's route index (3.2.0 added `/sessions/persistent/…` and `/rule_events/`), the
 * closest such release to the `v3.1.0` its examples print. See reference/README.md.
 */
export const DEFAULT_EMQX_V3_VERSION = '3.2.0';

export function parseEmqxVersion(input: string): EmqxVersion | undefined {
  const m = /^v?(\d{1,3})\.(\d{1,3})(?:\.(\d{1,4}))?$/.exec(input.trim());
  if (!m) return undefined;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  const patch = m[3] === undefined ? 0 : Number(m[3]);
  if (major < 3 || major > 4) return undefined;
  return { major, minor, patch, text: `${major}.${minor}.${patch}` };
}

function atLeast(v: EmqxVersion, major: number, minor: number, patch: number): boolean {
  if (v.major !== major) return v.major > major;
  if (v.minor !== minor) return v.minor > minor;
  return v.patch >= patch;
}

/** The 4.x behaviour switches, evaluated once per broker from the 4.x release. */
export interface VersionBehaviour {
  /** `meta.hasnext` on /clients, /subscriptions, rules, auth tables (4.1+). */
  readonly hasnext: boolean;
  /** `DELETE /clients/{unknown}` answers 112 not_found (up to 4.3.8); later releases answer 0. */
  readonly kickUnknownIsNotFound: boolean;
  /** `/mqtt/subscribe` rejects QoS outside 0..2 with 116 (4.3.13+ on 4.3, 4.4.2+). */
  readonly subscribeRejectsBadQos: boolean;
  /** HTTP status of a handler `throw` (minirest 0.3.12, shipped with 4.4.19, made it 400). */
  readonly throwStatus: 400 | 500;
  /** A non-string `clientid` on publish/subscribe answers 108 (4.3.9+). */
  readonly rejectsNonStringClientid: boolean;
  /** `/clients` and `/subscriptions` accept the multi-condition / fuzzy filters (4.1+). */
  readonly clientFilters: boolean;
  /**
   * A `/clients` filter value that can't be converted (`proto_ver=abc`) answers 108 through
   * `fence/1` (4.3.3+); 4.1.0–4.3.2 convert without a fence and crash (500).
   */
  readonly clientFilterFence: boolean;
  /** GET /rules is paginated with `meta` (node_query in emqx_rule_engine_api, 4.3+; a guess, see README). */
  readonly rulesPaginated: boolean;
  /** `PUT /rules/:id` is routed (emqx-rule-engine 4.0.7+; earlier releases answer 404). */
  readonly updateRuleRoute: boolean;
  /**
   * publish parses its parameters inside a try and answers `108 bad_params` for a body it can't
   * read (e.g. a numeric topic) (4.4.4+); earlier releases crash (500).
   */
  readonly publishCatchesBadParams: boolean;
  /**
   * `publish_batch` answers code 0 for every item that parsed, whatever its publish gave
   * (4.4.4–4.4.8: the per-item result was dropped; fixed in 4.4.9).
   */
  readonly publishBatchItemCodesLost: boolean;
}

export function behaviourOf(v: EmqxVersion): VersionBehaviour {
  return {
    hasnext: atLeast(v, 4, 1, 0),
    kickUnknownIsNotFound: !atLeast(v, 4, 3, 9),
    subscribeRejectsBadQos:
      atLeast(v, 4, 4, 2) || (v.major === 4 && v.minor === 3 && atLeast(v, 4, 3, 13)),
    throwStatus: atLeast(v, 4, 4, 19) ? 400 : 500,
    rejectsNonStringClientid: atLeast(v, 4, 3, 9),
    clientFilters: atLeast(v, 4, 1, 0),
    clientFilterFence: atLeast(v, 4, 3, 3),
    rulesPaginated: atLeast(v, 4, 3, 0),
    updateRuleRoute: atLeast(v, 4, 0, 7),
    publishCatchesBadParams: atLeast(v, 4, 4, 4),
    publishBatchItemCodesLost: atLeast(v, 4, 4, 4) && !atLeast(v, 4, 4, 9),
  };
}

/** The 3.x behaviour switches, evaluated once per broker from the 3.x release. */
export interface V3Behaviour {
  /**
   * The management listener serves the HTTP APIs of other plugins: emqx_rule_engine,
   * emqx_auth_clientid / emqx_auth_username, emqx_dashboard's users (3.1+; 3.0.x serves only
   * emqx_management's own routes, and has no rule engine at all).
   */
  readonly pluginApis: boolean;
  /** `/connection/username/:username` and its node form are routed (3.1+). */
  readonly connectionViaUsername: boolean;
  /** `DELETE /sessions/persistent/:clientid` and its node form are routed (3.2+). */
  readonly cleanPersistentSession: boolean;
  /** `GET /rule_events/` is routed (emqx-rule-engine 3.2+). */
  readonly ruleEvents: boolean;
  /**
   * Plugin load/unload errors carry code 102, `{"code":102,"message":"already_started"}`
   * (3.0.x, the module's own return/1); from 3.1 minirest:return/1 gives `{"message": …}`.
   */
  readonly pluginErrorsHaveCode: boolean;
  /** `DELETE /connections/{unknown}` crashes (500) in 3.0.x (no return/1 clause); 112 from 3.1. */
  readonly kickUnknownCrashes: boolean;
  /**
   * `emqx_message:make` guards `0 =< QoS =< 2` (3.1+), so a publish with another QoS (3, -1,
   * "1") crashes (500); 3.0.x makes the message unchecked and answers 0.
   */
  readonly publishGuardsQos: boolean;
  /**
   * `emqx_topic:validate` raises for a wildcard topic name (3.2.3+): publish to `a/#` is 500;
   * before, it returned false, the topic was dropped and the answer was 115 bad_topic.
   */
  readonly wildcardPublishCrashes: boolean;
}

export function v3BehaviourOf(v: EmqxVersion): V3Behaviour {
  return {
    pluginApis: atLeast(v, 3, 1, 0),
    connectionViaUsername: atLeast(v, 3, 1, 0),
    cleanPersistentSession: atLeast(v, 3, 2, 0),
    ruleEvents: atLeast(v, 3, 2, 0),
    pluginErrorsHaveCode: !atLeast(v, 3, 1, 0),
    kickUnknownCrashes: !atLeast(v, 3, 1, 0),
    publishGuardsQos: atLeast(v, 3, 1, 0),
    wildcardPublishCrashes: atLeast(v, 3, 2, 3),
  };
}
