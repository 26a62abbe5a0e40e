// A target is a profile plus overrides from env and flags (docs/architecture.md, "Targets").
// Secrets live only in the Target object; everything printed goes through describeTarget().
import { existsSync } from 'node:fs';
import semver from 'semver';
import type { ApiVersion } from './catalog.ts';
import { UsageError } from './errors.ts';

export type ProfileName = 'reference' | 'emqx-v3' | 'emqx-v4' | 'emqx-cloud';
export const PROFILES: ProfileName[] = ['reference', 'emqx-v3', 'emqx-v4', 'emqx-cloud'];

export interface Target {
  /** how findings and reports name it: `v4`, `v3`, or `cloud` (one run can check several) */
  name: string;
  profile: ProfileName;
  apiVersion: ApiVersion;
  /** the API base, e.g. http://127.0.0.1:8081/api/v4 (Cloud: https://host:8443/api) */
  apiUrl: string;
  appId: string;
  appSecret: string;
  /** where the MQTT clients of semantic checks connect; undefined = MQTT checks are skipped */
  mqttUrl?: string;
  mqttUsername?: string;
  mqttPassword?: string;
  /** whether the broker lets clients in with a username of the check's own (decided in preflight) */
  ownUsernames?: boolean;
  /** the node name the /nodes/{node}/… endpoints are called with; read from GET /brokers when unset */
  node?: string;
  /** the EMQX release the target is held to (negative cases differ per release); read from GET /brokers when unset */
  emqxVersion?: string;
  tls: { caFile?: string; insecure: boolean };
  allowMutations: boolean;
  allowDisruptive: boolean;
  /** per-request timeout */
  timeoutMs: number;
}

export interface TargetInput {
  profile?: string;
  apiUrl?: string;
  appId?: string;
  appSecret?: string;
  mqttUrl?: string;
  mqttUsername?: string;
  mqttPassword?: string;
  node?: string;
  apiVersion?: string;
  emqxVersion?: string;
  caFile?: string;
  insecure?: boolean;
  allowMutations?: boolean;
  allowDisruptive?: boolean;
  timeoutMs?: number;
}

/** Env names users and scripts rely on (docs/architecture.md); flags override them. */
export function targetInputFromEnv(env: NodeJS.ProcessEnv): TargetInput {
  const bool = (v: string | undefined): boolean | undefined => (v === undefined ? undefined : /^(1|true|yes)$/i.test(v));
  return {
    profile: env.EMQX_PROFILE,
    apiUrl: env.EMQX_API_URL,
    appId: env.EMQX_APP_ID,
    appSecret: env.EMQX_APP_SECRET,
    mqttUrl: env.EMQX_MQTT_URL,
    mqttUsername: env.EMQX_MQTT_USERNAME,
    mqttPassword: env.EMQX_MQTT_PASSWORD,
    node: env.EMQX_NODE,
    apiVersion: env.EMQX_API_VERSION,
    emqxVersion: env.EMQX_VERSION,
    caFile: env.EMQX_TLS_CA,
    insecure: bool(env.EMQX_TLS_INSECURE),
    timeoutMs: env.EMQX_TIMEOUT_MS ? Number(env.EMQX_TIMEOUT_MS) : undefined,
  };
}

const DEFAULTS: Record<Exclude<ProfileName, 'reference'>, { apiVersion: ApiVersion; apiUrl?: string; mqttUrl?: string }> = {
  'emqx-v4': { apiVersion: 'v4', apiUrl: 'http://127.0.0.1:8081/api/v4', mqttUrl: 'mqtt://127.0.0.1:1883' },
  'emqx-v3': { apiVersion: 'v3', apiUrl: 'http://127.0.0.1:8080/api/v3', mqttUrl: 'mqtt://127.0.0.1:1883' },
  // Cloud deployments have their own host; nothing to default to
  'emqx-cloud': { apiVersion: 'v4' },
};

/**
 * Resolve a non-reference target (the reference profile resolves once the broker has
 * started on its free ports: see referenceTarget()). Throws UsageError with one line.
 */
export function resolveTarget(input: TargetInput): Target {
  const profile = (input.profile ?? 'emqx-v4') as ProfileName;
  if (!PROFILES.includes(profile)) throw new UsageError(`unknown profile "${input.profile}" (use one of: ${PROFILES.join(', ')})`);
  if (profile === 'reference') throw new UsageError('the reference profile is started by the harness; give no URL with it');
  const d = DEFAULTS[profile];
  const apiUrl = (input.apiUrl ?? d.apiUrl)?.replace(/\/+$/, '');
  if (!apiUrl) throw new UsageError(`profile ${profile} needs the API URL: set EMQX_API_URL or --api-url (e.g. https://<deployment>:8443/api)`);
  let url: URL;
  try {
    url = new URL(apiUrl);
  } catch {
    throw new UsageError(`EMQX_API_URL is not a URL: "${apiUrl}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`EMQX_API_URL must be http(s), got ${url.protocol}`);
  if (url.username || url.password) throw new UsageError('put credentials in EMQX_APP_ID / EMQX_APP_SECRET, not in the URL');
  const apiVersion = (input.apiVersion ?? inferVersion(url.pathname) ?? d.apiVersion) as ApiVersion;
  if (apiVersion !== 'v3' && apiVersion !== 'v4') throw new UsageError(`EMQX_API_VERSION must be v3 or v4, got "${input.apiVersion}"`);
  if (input.emqxVersion !== undefined && !semver.valid(semver.coerce(input.emqxVersion))) {
    throw new UsageError(`EMQX_VERSION must look like 4.4.19, got "${input.emqxVersion}"`);
  }
  if (profile === 'emqx-cloud' && (!input.appId || !input.appSecret)) {
    throw new UsageError('profile emqx-cloud needs the deployment\'s AppID and AppSecret: set EMQX_APP_ID and EMQX_APP_SECRET');
  }
  if (input.caFile && !existsSync(input.caFile)) throw new UsageError(`TLS CA file not found: ${input.caFile}`);
  if (input.timeoutMs !== undefined && !(input.timeoutMs > 0)) throw new UsageError('the request timeout must be a positive number of milliseconds');
  const mqttUrl = input.mqttUrl ?? d.mqttUrl;
  if (mqttUrl && !/^(mqtts?|wss?|tcp|ssl):\/\//.test(mqttUrl)) throw new UsageError(`EMQX_MQTT_URL must be mqtt://, mqtts://, ws:// or wss://, got "${mqttUrl}"`);
  return {
    name: profile === 'emqx-cloud' ? 'cloud' : apiVersion,
    profile,
    apiVersion,
    apiUrl,
    appId: input.appId ?? 'admin',
    appSecret: input.appSecret ?? 'public',
    mqttUrl,
    mqttUsername: input.mqttUsername,
    mqttPassword: input.mqttPassword,
    node: input.node,
    emqxVersion: input.emqxVersion ? semver.coerce(input.emqxVersion)!.version : undefined,
    tls: { caFile: input.caFile, insecure: input.insecure ?? false },
    // a broker we did not start is only changed or disrupted when the user says so
    allowMutations: input.allowMutations ?? false,
    allowDisruptive: input.allowDisruptive ?? false,
    timeoutMs: input.timeoutMs ?? 10_000,
  };
}

function inferVersion(pathname: string): ApiVersion | undefined {
  if (/\/api\/v3\/?$/.test(pathname)) return 'v3';
  if (/\/api\/v4\/?$/.test(pathname)) return 'v4';
  return undefined;
}

/** The target as it may be printed or written: no secret. */
export function describeTarget(t: Target): string {
  return `${t.apiUrl} (${t.apiVersion}, profile ${t.profile}, app id ${t.appId}${t.emqxVersion ? `, EMQX ${t.emqxVersion}` : ''})`;
}

/** Everything that must never appear in output. */
export function secretsOf(t: Target): string[] {
  return [t.appSecret, t.mqttPassword].filter((s): s is string => !!s && s.length > 0);
}

/** Whether the target's release is at least `version`; undefined when the release is unknown. */
export function releaseAtLeast(t: Target, version: string): boolean | undefined {
  return t.emqxVersion ? semver.gte(t.emqxVersion, version) : undefined;
}
