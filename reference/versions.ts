// Every behaviour that changed between EMQX releases is decided here, as a named predicate,
// so the rest of the broker asks "does this version do X?" and never compares numbers itself.
// The 4.x API (/api/v4, /api) follows the configured 4.x release (`emqxVersion`), the 3.x API
// (/api/v3) the configured 3.x release (`emqxV3Version`): no EMQX serves both, so each API
// emulates its own line.
// Sources: docs/emqx-behaviour.md, the EMQX source paths quoted in reference/README.md (emqx/emqx
// tags v4.3.0…v4.4.19, emqx/minirest 0.3.12), and a real EMQX 4.4.19 for the default release.

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

/**
 * A change made on both maintained lines: from `p43` on 4.3 (4.3.p43 and later 4.3 patches) and
 * from `p44` on 4.4 (and every later minor).
 */
function since(v: EmqxVersion, p43: number, p44: number): boolean {
  return atLeast(v, 4, 4, p44) || (v.major === 4 && v.minor === 3 && v.patch >= p43);
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
  /**
   * `/auth_user` and `/emqx_acl` (the Cloud document's APIs) are routed on /api/v4 (only 4.1.x,
   * where emqx_auth_mnesia served those paths; 4.0.x and 4.2+ answer 404 `Not found.`, observed
   * on 4.4.19). The Cloud base path /api always serves them.
   */
  readonly authUserRoutes: boolean;
  /**
   * `/banned` create/delete run emqx_mgmt_api_banned's pipeline (4.3+, same in 4.4.19): 107
   * `missing mandatory params: ['who', 'as']`, 108 `value of 'as' must be one of: [...]`, a
   * missing `reason` crashes (500), the answer echoes the body. Before: 107
   * `required_params_missing`, 108 `type_error`.
   */
  readonly bannedPipeline: boolean;
  /** Global `rules.matched` / `actions.*` counters in /metrics (emqx_rule_metrics overall_metrics, removed in 4.3.12 and absent from 4.4). */
  readonly ruleEngineGlobalMetrics: 'none' | 'document' | 'v43';
  /**
   * /metrics has `client.acl.allow`, `client.acl.deny`, `client.acl.cache_hit` and
   * `messages.dropped.await_pubrel_timeout` instead of `messages.dropped.expired`
   * (src/emqx_metrics.erl, 4.3.12+ and 4.4.0+).
   */
  readonly aclMetrics: boolean;
  /**
   * /metrics has `client.auth.success`, `client.auth.success.anonymous`, `client.auth.failure`
   * instead of `client.auth.anonymous` (src/emqx_metrics.erl, 4.3.15+ and 4.4.4+).
   */
  readonly authResultMetrics: boolean;
  /** /stats has `rules.*`, `actions.*`, `resources.*` count/max (emqx_rule_registry ?STATS, up to 4.3.3). */
  readonly ruleEngineStats: boolean;
  /**
   * /stats has `live_connections.count/max` (connected clients) and `connections.count` counts
   * every channel, offline persistent sessions included (emqx_cm ?CHAN_STATS, 4.4.0+).
   */
  readonly liveConnectionStats: boolean;
  /** /nodes has `live_connections` (emqx_mgmt:node_info/1, 4.4.19). */
  readonly nodeLiveConnections: boolean;
  /** Clients carry `recv_msg.qos0…2`, `send_msg.qos0…2`, `recv_msg.dropped`, `send_msg.dropped*` (4.4.0+). */
  readonly clientMessageCounters: boolean;
  /** Clients carry `mountpoint` (emqx_mgmt_api_clients:format_channel_info, 4.3+; the 4.0-era document lacks it). */
  readonly clientMountpoint: boolean;
  /** MQTT listeners carry `identifier` (`mqtt:tcp:external`) (emqx_mgmt:list_listeners, 4.3+). */
  readonly listenerIdentifier: boolean;
  /** `sysdescr` is `EMQX Broker` (the "EMQ X" → "EMQX" rename, src/emqx.app.src, 4.4.16+); `EMQ X Broker` before. */
  readonly sysdescrEmqx: boolean;
  /** Rule actions carry `category` and their params `order` (emqx_rule_engine 4.3+). */
  readonly actionCategory: boolean;
  /**
   * republish's params are 4.4.19's: `target_qos` and `target_retain` typed as arrays
   * (`["number","string"]`, `["boolean","string"]`) with `${qos}` / `${flags.retain}`
   * placeholders (emqx_rule_actions.erl, 4.3.16+ and 4.4.5+).
   */
  readonly republishTypeArrays: boolean;
  /**
   * The web_hook resource type is the pooled HTTP client of 4.3+ (`url`, timeouts, `pool_size`,
   * TLS files) and data_to_webserver takes `method`, `path`, `headers`, `body`
   * (emqx_web_hook_actions.erl, 4.3.0+); before, the resource had `url`, `method`, `headers`.
   */
  readonly webhookPoolResource: boolean;
  /** The web_hook resource type has `enable_pipelining` (4.3.10+ and 4.4.0+). */
  readonly webhookPipelining: boolean;
  /** Rules carry `on_action_failed`, actions `fallbacks` (emqx_rule_engine_api record_to_map, 4.3+). */
  readonly ruleOnActionFailed: boolean;
  /**
   * emqx_rule_engine_api / emqx_rule_engine (4.3+, observed on 4.4.19) crash (500) on a rule
   * without `rawsql` or `actions`, a non-boolean `enabled`, an unknown `on_action_failed`,
   * `actions` that are not a list or name no existing atom (an unknown action), and on a web_hook
   * resource without `url` or `type`; an unknown resource type is 400
   * `Bad Arguments: {resource_type_not_found,<<"t">>}`. Before: 400 answers for all of them.
   */
  readonly ruleParamsCrash: boolean;
  /**
   * A rule whose action's resource can't be initialised (missing) is created disabled
   * (emqx_rule_engine:do_create_rule/2 retries with `enabled = false`, 4.4.12+, observed);
   * before, the create fails with 400.
   */
  readonly ruleDisabledWithoutResource: boolean;
  /** Rules carry `created_at` (ms) (4.3.17+ and 4.4.6+). */
  readonly ruleCreatedAt: boolean;
  /**
   * Rule metrics add `passed`, `failed`, `exception`, `no_result`; action metrics `taken`
   * (emqx_rule_metrics.erl, 4.3.12+ and 4.4.0+).
   */
  readonly ruleMetricsDetail: boolean;
  /** `/resources` items carry `status` (is the resource alive) (list_resources/2, 4.3+). */
  readonly resourceStatusInList: boolean;
  /**
   * The rule event catalogue (`/rule_events`): the document's `message.publish` names before
   * 4.3; `$events/message_publish` … from 4.3, plus `$events/delivery_dropped` from 4.3.12/4.4.0
   * and `$events/client_connack`, `$events/client_check_acl_complete` from 4.4.2
   * (emqx_rule_events:event_info/0).
   */
  readonly ruleEvents: 'document' | 'v43' | 'v43-delivery-dropped' | 'v44';
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
    authUserRoutes: v.major === 4 && v.minor === 1,
    bannedPipeline: atLeast(v, 4, 3, 0),
    ruleEngineGlobalMetrics: since(v, 12, 0) ? 'none' : atLeast(v, 4, 3, 0) ? 'v43' : 'document',
    aclMetrics: since(v, 12, 0),
    authResultMetrics: since(v, 15, 4),
    ruleEngineStats: !atLeast(v, 4, 3, 4),
    liveConnectionStats: atLeast(v, 4, 4, 0),
    nodeLiveConnections: atLeast(v, 4, 4, 19),
    clientMessageCounters: atLeast(v, 4, 4, 0),
    clientMountpoint: atLeast(v, 4, 3, 0),
    listenerIdentifier: atLeast(v, 4, 3, 0),
    sysdescrEmqx: atLeast(v, 4, 4, 16),
    actionCategory: atLeast(v, 4, 3, 0),
    republishTypeArrays: since(v, 16, 5),
    webhookPoolResource: atLeast(v, 4, 3, 0),
    webhookPipelining: since(v, 10, 0),
    ruleOnActionFailed: atLeast(v, 4, 3, 0),
    ruleParamsCrash: atLeast(v, 4, 3, 0),
    ruleDisabledWithoutResource: atLeast(v, 4, 4, 12),
    ruleCreatedAt: since(v, 17, 6),
    ruleMetricsDetail: since(v, 12, 0),
    resourceStatusInList: atLeast(v, 4, 3, 0),
    ruleEvents: atLeast(v, 4, 4, 2) ? 'v44' : since(v, 12, 0) ? 'v43-delivery-dropped' : atLeast(v, 4, 3, 0) ? 'v43' : 'document',
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
