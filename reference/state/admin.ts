// Broker administration state of the 3.x API: plugins (whose activity gates routes and auth),
// applications (AppID/secret pairs accepted by the API), dashboard users, and configs.

import { sha256 } from './access.ts';

export interface Plugin {
  name: string;
  description: string;
  active: boolean;
}

/** The plugin set of the 3.x document's example, with the two auth plugins its route index implies. */
const PLUGINS: ReadonlyArray<readonly [string, string, boolean]> = [
  ['emqx_auth_clientid', 'EMQ X Authentication with ClientId/Password', true],
  ['emqx_auth_http', 'EMQ X Authentication/ACL with HTTP API', false],
  ['emqx_auth_jwt', 'EMQ X Authentication with JWT', false],
  ['emqx_auth_ldap', 'EMQ X Authentication/ACL with LDAP', false],
  ['emqx_auth_mongo', 'EMQ X Authentication/ACL with MongoDB', false],
  ['emqx_auth_mysql', 'EMQ X Authentication/ACL with MySQL', false],
  ['emqx_auth_pgsql', 'EMQ X Authentication/ACL with PostgreSQL', false],
  ['emqx_auth_redis', 'EMQ X Authentication/ACL with Redis', false],
  ['emqx_auth_username', 'EMQ X Authentication with Username and Password', true],
  ['emqx_coap', 'EMQ X CoAP Gateway', false],
  ['emqx_dashboard', 'EMQ X Web Dashboard', true],
  ['emqx_delayed_publish', 'EMQ X Delayed Publish', false],
  ['emqx_lua_hook', 'EMQ X Lua Hooks', false],
  ['emqx_lwm2m', 'EMQ X LwM2M Gateway', false],
  ['emqx_management', 'EMQ X Management API and CLI', true],
  ['emqx_plugin_template', 'EMQ X Plugin Template', false],
  ['emqx_psk_file', 'EMQX PSK Plugin from File', false],
  ['emqx_recon', 'EMQ X Recon Plugin', true],
  ['emqx_reloader', 'EMQ X Reloader Plugin', false],
  ['emqx_retainer', 'EMQ X Retainer', true],
  ['emqx_rule_engine', 'EMQ X Rule Engine', true],
  ['emqx_sn', 'EMQ X MQTT SN Plugin', false],
  ['emqx_statsd', 'Statsd for EMQ X', false],
  ['emqx_stomp', 'EMQ X Stomp Protocol Plugin', false],
  ['emqx_web_hook', 'EMQ X Webhook Plugin', false],
];

export interface ConfigEntry {
  key: string;
  value: string;
  datatpye: string;
  app: string;
}

export interface PluginConfigEntry {
  key: string;
  value: string;
  desc: string;
  required: boolean;
}

export interface App {
  app_id: string;
  name: string;
  secret: string;
  desc: string;
  status: boolean;
  expired: number | 'undefined';
}

export interface DashboardUser {
  username: string;
  password: string;
  tags: string;
}

export class AdminState {
  readonly plugins = new Map<string, Plugin>(PLUGINS.map(([name, description, active]) => [name, { name, description, active }]));
  readonly apps = new Map<string, App>();
  readonly users = new Map<string, DashboardUser>();
  readonly configs: ConfigEntry[] = [
    { key: 'mqtt.max_packet_size', value: '1MB', datatpye: 'bytesize', app: 'emqx' },
    { key: 'mqtt.max_clientid_len', value: '65535', datatpye: 'integer', app: 'emqx' },
    { key: 'mqtt.max_topic_levels', value: '0', datatpye: 'integer', app: 'emqx' },
    { key: 'mqtt.max_qos_allowed', value: '2', datatpye: 'enum', app: 'emqx' },
    { key: 'mqtt.retain_available', value: 'true', datatpye: 'flag', app: 'emqx' },
    { key: 'mqtt.wildcard_subscription', value: 'true', datatpye: 'flag', app: 'emqx' },
    { key: 'mqtt.shared_subscription', value: 'true', datatpye: 'flag', app: 'emqx' },
    { key: 'allow_anonymous', value: 'true', datatpye: 'enum', app: 'emqx' },
    { key: 'acl_nomatch', value: 'allow', datatpye: 'enum', app: 'emqx' },
    { key: 'enable_acl_cache', value: 'on', datatpye: 'flag', app: 'emqx' },
    { key: 'acl_cache_max_size', value: '32', datatpye: 'integer', app: 'emqx' },
    { key: 'acl_cache_ttl', value: '1m', datatpye: 'duration', app: 'emqx' },
  ];
  readonly pluginConfigs = new Map<string, PluginConfigEntry[]>([
    ['emqx_auth_clientid', [{ key: 'auth.client.password_hash', value: 'sha256', desc: 'Password hash', required: true }]],
    ['emqx_auth_username', [{ key: 'auth.user.password_hash', value: 'sha256', desc: 'Password hash', required: true }]],
    ['emqx_management', [
      { key: 'management.max_row_limit', value: '10000', desc: 'Max Row Limit', required: true },
      { key: 'management.default_application.id', value: 'admin', desc: 'Default application id', required: false },
    ]],
    ['emqx_retainer', [
      { key: 'retainer.storage_type', value: 'ram', desc: 'Storage type', required: true },
      { key: 'retainer.max_retained_messages', value: '0', desc: 'Maximum number of retained messages', required: true },
    ]],
    ['emqx_dashboard', [{ key: 'dashboard.default_user.login', value: 'admin', desc: 'Default username', required: true }]],
  ]);

  constructor(defaultApp: { id: string; secret: string }) {
    this.apps.set(defaultApp.id, {
      app_id: defaultApp.id,
      name: 'Default',
      secret: defaultApp.secret,
      desc: 'Application user',
      status: true,
      expired: 'undefined',
    });
    this.users.set('admin', { username: 'admin', password: sha256('public'), tags: 'administrator' });
  }

  isActive(plugin: string): boolean {
    return this.plugins.get(plugin)?.active === true;
  }

  /** API credentials: any enabled, unexpired application. */
  checkApp(id: string, secret: string): boolean {
    const app = this.apps.get(id);
    if (!app || !app.status || app.secret !== secret) return false;
    return app.expired === 'undefined' || app.expired * 1000 > Date.now();
  }
}
