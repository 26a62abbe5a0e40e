// Every behaviour that changed between EMQX releases is decided here, as a named predicate,
// so the rest of the broker asks "does this version do X?" and never compares numbers itself.
// Sources: /work/shared/EMQX-BEHAVIOUR.md and the EMQX source paths quoted in reference/README.md.

export interface EmqxVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** As configured (without a leading "v"), e.g. "4.4.19". */
  readonly text: string;
}

export const DEFAULT_EMQX_VERSION = '4.4.19';

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

/** The behaviour switches, evaluated once per broker. */
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
  /** GET /rules is paginated with `meta` (node_query in emqx_rule_engine_api, 4.3+; a guess, see README). */
  readonly rulesPaginated: boolean;
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
    rulesPaginated: atLeast(v, 4, 3, 0),
  };
}
