// The rule engine behind /rules, /actions, /resource_types and /resources. Rules run on every
// message published on the broker (MQTT or REST): FROM picks the topics, WHERE filters, and the
// actions run for real (republish publishes, data_to_webserver POSTs to the resource's URL).
// 3.x and 4.x name their actions and ids differently, so each rule and resource remembers which
// API made it and each API lists only its own.

import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { parseSql, runSql, SqlError, type ParsedSql, type Row } from './rule-sql.ts';
import { isValidTopicFilter, topicMatches } from '../mqtt/topic.ts';
import { ACTIONS_4_4_19, RULE_EVENTS_4_4_19, WEB_HOOK_RESOURCE_TYPE_4_4_19 } from './rule-catalog.ts';
import type { VersionBehaviour } from '../versions.ts';

export type ApiOrigin = 'v3' | 'v4';

export interface Bilingual {
  en: string;
  zh: string;
}

export interface ActionSpec {
  name: string;
  origin: ApiOrigin;
  for: string;
  app: string;
  types: string[];
  /** v3 listings carry `type`, v4 listings `types`. */
  type: string;
  title: Bilingual;
  description: Bilingual;
  params: Record<string, unknown>;
  run: ActionKind;
  /** 4.3+: `debug` / `data_forward`. */
  category?: string;
}

type ActionKind = 'inspect' | 'do_nothing' | 'republish' | 'webhook';

export interface ResourceTypeSpec {
  name: string;
  origin: ApiOrigin;
  provider: string;
  title: Bilingual;
  description: Bilingual;
  params: Record<string, unknown>;
}

export interface ActionInstance {
  id: string;
  name: string;
  params: Record<string, unknown>;
  success: number;
  failed: number;
  /** Times the action was run (4.3.12+ `taken`). */
  taken: number;
}

class Speed {
  private readonly buckets = new Array<number>(300).fill(0);
  private lastSecond = Math.floor(Date.now() / 1000);
  max = 0;

  private roll(now: number): void {
    const sec = Math.floor(now / 1000);
    const steps = Math.min(300, sec - this.lastSecond);
    for (let i = 1; i <= steps; i++) this.buckets[(this.lastSecond + i) % 300] = 0;
    if (sec > this.lastSecond) this.lastSecond = sec;
  }

  hit(now = Date.now()): void {
    this.roll(now);
    const idx = this.lastSecond % 300;
    this.buckets[idx] = (this.buckets[idx] ?? 0) + 1;
    const s = this.speed(now);
    if (s > this.max) this.max = s;
  }

  /** Messages per second over the last 5 s. */
  speed(now = Date.now()): number {
    this.roll(now);
    let n = 0;
    for (let i = 0; i < 5; i++) n += this.buckets[(this.lastSecond - i + 300) % 300] ?? 0;
    return Math.round((n / 5) * 100) / 100;
  }

  last5m(now = Date.now()): number {
    this.roll(now);
    let n = 0;
    for (const b of this.buckets) n += b;
    return Math.round((n / 300) * 100) / 100;
  }
}

export interface Rule {
  id: string;
  origin: ApiOrigin;
  /** 3.x rules have a name and a hook (`for: "message.publish"`). */
  name: string | undefined;
  hook: string | undefined;
  rawsql: string;
  sql: ParsedSql;
  enabled: boolean;
  description: string;
  actions: ActionInstance[];
  createdAt: number;
  /** 4.3+: what happens to the other actions when one fails. */
  onActionFailed: 'continue' | 'stop';
  /** Messages whose topic matched FROM (4.4: before WHERE; earlier releases: rows selected). */
  matched: number;
  /** WHERE passed / gave no row / raised (4.3.12+). */
  passed: number;
  noResult: number;
  exception: number;
  speed: Speed;
}

export interface Resource {
  id: string;
  origin: ApiOrigin;
  name: string | undefined;
  type: string;
  config: Record<string, unknown>;
  description: string;
  alive: boolean | undefined;
  checkedAt: number;
  /** Whether it could be initialised (its URL answered) when created or last started; undefined for 3.x. */
  initialized?: boolean;
}

export interface MessageEvent {
  id: string;
  clientid: string;
  username: string | undefined;
  topic: string;
  payload: Buffer;
  qos: number;
  retain: boolean;
  peerhost: string | undefined;
  timestamp: number;
  /** Rules that produced this message (republish), which must not see it again. */
  via: ReadonlySet<string>;
}

export interface RuleHost {
  node: string;
  publish(msg: { topic: string; payload: Buffer; qos: number; retain: boolean; via: ReadonlySet<string> }): void;
  countMatched(): void;
  countAction(ok: boolean): void;
}

export class RuleError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const t = (en: string, zh: string): Bilingual => ({ en, zh });

const TARGET_TOPIC = {
  type: 'string',
  title: t('Target Topic', '目的主题'),
  required: true,
  format: 'topic',
  description: t('To which topic the message will be republished', '重新发布消息到哪个主题'),
};

/** The 4.x actions as a 4.3+ release lists them (4.4.19's definitions, observed), per the release's switches. */
function v43Actions(b: VersionBehaviour, documentRepublishParams: Record<string, unknown>, documentWebhookParams: Record<string, unknown>): ActionSpec[] {
  const kinds: Record<keyof typeof ACTIONS_4_4_19, ActionKind> = { inspect: 'inspect', do_nothing: 'do_nothing', republish: 'republish', data_to_webserver: 'webhook' };
  return (Object.keys(ACTIONS_4_4_19) as Array<keyof typeof ACTIONS_4_4_19>).map((name) => {
    const def = ACTIONS_4_4_19[name];
    const meta = def.meta as { types: string[]; title: Bilingual; for: string; description: Bilingual; category: string; app: string };
    let params: Record<string, unknown> = structuredClone(def.params);
    if (name === 'republish' && !b.republishTypeArrays) params = documentRepublishParams;
    if (name === 'data_to_webserver' && !b.webhookPoolResource) params = documentWebhookParams;
    return {
      name,
      origin: 'v4',
      for: meta.for,
      app: meta.app,
      types: [...meta.types],
      type: meta.types[0] ?? 'built_in',
      title: { ...meta.title },
      description: { ...meta.description },
      params,
      run: kinds[name],
      category: meta.category,
    };
  });
}

function actionCatalog(b: VersionBehaviour): ActionSpec[] {
  const webhookParams = {
    $resource: { type: 'string', title: t('Resource ID', '资源 ID'), required: true, description: t('Bind a resource to this action', '给动作绑定一个资源') },
  };
  const documentRepublishParams = {
    target_topic: TARGET_TOPIC,
    target_qos: { type: 'number', enum: [-1, 0, 1, 2], default: 0, title: t('Target QoS', '目的 QoS'), description: t('The QoS Level to be uses when republishing the message. Set to -1 to use the original QoS', '重新发布消息时用的 QoS 级别, 设置为 -1 以使用原消息中的 QoS') },
    payload_tmpl: { type: 'string', required: false, default: '${payload}', title: t('Payload Template', '消息内容模板'), description: t('The payload template, variable interpolation is supported', '消息内容模板，支持变量') },
  };
  const documentWebhookParams = { ...webhookParams, payload_tmpl: { type: 'string', required: false, default: '', title: t('Payload Template', '消息内容模板'), description: t('The payload template, variable interpolation is supported. If using empty template (default), then the payload will be all the available vars in JSON format', '消息内容模板，支持变量。若使用空模板（默认），消息内容为 JSON 格式的所有字段') } };
  const all: ActionSpec[] = [
    // 4.x names (the 4.x document's examples show inspect and do_nothing).
    { name: 'inspect', origin: 'v4', for: '$any', app: 'emqx_rule_engine', types: [], type: 'built_in', title: t('Inspect (debug)', '检查 (调试)'), description: t("Inspect the details of action params for debug purpose", '检查动作参数 (用以调试)'), params: {}, run: 'inspect' },
    { name: 'do_nothing', origin: 'v4', for: '$any', app: 'emqx_rule_engine', types: [], type: 'built_in', title: t('Do Nothing (debug)', '空动作 (调试)'), description: t("This action does nothing and never fails. It's for debug purpose", '此动作什么都不做，并且不会失败 (用以调试)'), params: {}, run: 'do_nothing' },
    {
      name: 'republish', origin: 'v4', for: '$any', app: 'emqx_rule_engine', types: [], type: 'built_in',
      title: t('Republish', '消息重新发布'), description: t('Republish a MQTT message to another topic', '重新发布消息到另一个主题'),
      params: {
        target_topic: TARGET_TOPIC,
        target_qos: { type: 'number', enum: [-1, 0, 1, 2], default: 0, title: t('Target QoS', '目的 QoS'), description: t('The QoS Level to be uses when republishing the message. Set to -1 to use the original QoS', '重新发布消息时用的 QoS 级别, 设置为 -1 以使用原消息中的 QoS') },
        payload_tmpl: { type: 'string', required: false, default: '${payload}', title: t('Payload Template', '消息内容模板'), description: t('The payload template, variable interpolation is supported', '消息内容模板，支持变量') },
      },
      run: 'republish',
    },
    { name: 'data_to_webserver', origin: 'v4', for: '$any', app: 'emqx_web_hook', types: ['web_hook'], type: 'web_hook', title: t('Data to Web Server', '发送数据到 Web 服务'), description: t('Forward Messages to Web Server', '将数据转发给 Web 服务'), params: { ...webhookParams, payload_tmpl: { type: 'string', required: false, default: '', title: t('Payload Template', '消息内容模板'), description: t('The payload template, variable interpolation is supported. If using empty template (default), then the payload will be all the available vars in JSON format', '消息内容模板，支持变量。若使用空模板（默认），消息内容为 JSON 格式的所有字段') } }, run: 'webhook' },
    // 3.x names, as in the 3.x document.
    { name: 'built_in:republish_action', origin: 'v3', for: 'message.publish', app: 'emqx_rule_engine', types: [], type: 'built_in', title: t('To Which Topic', '目的主题'), description: t('Republish a MQTT message to a another topic', '重新发布消息到另一个主题'), params: { target_topic: { description: 'Repubilsh the message to which topic', format: 'topic', required: true, title: 'To Which Topic', type: 'string' } }, run: 'republish' },
    { name: 'web_hook:event_action', origin: 'v3', for: '$events', app: 'emqx_web_hook', types: ['web_hook'], type: 'web_hook', title: t('Forward Events to Web Server', '转发事件到 Web 服务'), description: t('Forward Events to Web Server', '转发事件到 Web 服务'), params: { $resource: { description: 'Bind a resource to this action', required: true, title: 'Resource ID', type: 'string' }, template: { description: 'The payload template to be filled with variables before sending messages', required: false, schema: {}, title: 'Payload Template', type: 'object' } }, run: 'webhook' },
    { name: 'web_hook:publish_action', origin: 'v3', for: 'message.publish', app: 'emqx_web_hook', types: ['web_hook'], type: 'web_hook', title: t('Forward Messages to Web Server', '转发消息到 Web 服务'), description: t('Forward Messages to Web Server', '转发消息到 Web 服务'), params: { $resource: { description: 'Bind a resource to this action', required: true, title: 'Resource ID', type: 'string' } }, run: 'webhook' },
    { name: 'built_in:inspect_action', origin: 'v3', for: '$any', app: 'emqx_rule_engine', types: [], type: 'built_in', title: t('Inspect', '检查'), description: t('Inspect the details of action params for debug purpose', '检查动作参数 (用以调试)'), params: {}, run: 'inspect' },
  ];
  if (!b.actionCategory) return all;
  return [...v43Actions(b, documentRepublishParams, documentWebhookParams), ...all.filter((a) => a.origin === 'v3')];
}

function resourceTypeCatalog(b: VersionBehaviour): ResourceTypeSpec[] {
  const webHookParams: Record<string, unknown> = {
    url: { type: 'string', title: t('Request URL', '请求 URL'), required: true, format: 'url', description: t('Request URL', '请求 URL') },
    method: { type: 'string', title: t('Request Method', '请求方法'), enum: ['PUT', 'POST'], description: t('Request Method', '请求方法'), default: 'POST' },
    headers: { type: 'object', title: t('Request Header', '请求头'), schema: {}, description: t('Request Header', '请求头'), default: {} },
  };
  // 4.3+: the pooled HTTP client's params (4.4.19's, observed); enable_pipelining from 4.3.10/4.4.0
  const pooled: Record<string, unknown> = structuredClone(WEB_HOOK_RESOURCE_TYPE_4_4_19.params);
  if (!b.webhookPipelining) delete pooled.enable_pipelining;
  return [
    { name: 'web_hook', origin: 'v4', provider: 'emqx_web_hook', title: t('WebHook', 'WebHook'), description: t('WebHook', 'WebHook'), params: b.webhookPoolResource ? pooled : webHookParams },
    { name: 'built_in', origin: 'v3', provider: 'emqx_rule_engine', title: t('Built-In', '内置'), description: t('The built in resource type for debug purpose', '用于调试的内置资源类型'), params: {} },
    { name: 'web_hook', origin: 'v3', provider: 'emqx_web_hook', title: t('WebHook', 'WebHook'), description: t('WebHook Resource', 'WebHook 资源'), params: { url: { description: 'Request URL', format: 'url', required: true, title: 'Request URL', type: 'string' } } },
  ];
}

/**
 * The 4.x rule event catalogue (emqx_rule_events:event_info/0): 4.4.19's (observed) restricted to
 * the events the release has, or, before 4.3, the document's `message.publish` naming.
 */
export function ruleEventsOf(b: VersionBehaviour | undefined): Array<Record<string, unknown>> {
  if (!b || b.ruleEvents === 'document') return ruleEvents();
  const absent = new Set<string>();
  if (b.ruleEvents !== 'v44') absent.add('$events/client_connack').add('$events/client_check_acl_complete');
  if (b.ruleEvents === 'v43') absent.add('$events/delivery_dropped');
  return structuredClone(RULE_EVENTS_4_4_19).filter((e) => !absent.has(String(e.event)));
}

/** EMQX 4.x rule event catalogue of the document's era, trimmed to the fields it lists. */
export function ruleEvents(): Array<Record<string, unknown>> {
  const ev = (event: string, en: string, zh: string, columns: string[], sql: string) => ({
    event,
    title: t(en, zh),
    description: t(en, zh),
    columns,
    test_columns: {},
    sql_example: sql,
  });
  const msgCols = ['clientid', 'username', 'payload', 'peerhost', 'topic', 'qos', 'flags', 'headers', 'pub_props', 'timestamp', 'publish_received_at', 'node', 'id', 'event'];
  return [
    ev('message.publish', 'message publish', '消息发布', msgCols, 'SELECT * FROM "t/#"'),
    ev('$events/message_delivered', 'message delivered', '消息投递', msgCols, 'SELECT * FROM "$events/message_delivered"'),
    ev('$events/message_acked', 'message acked', '消息确认', msgCols, 'SELECT * FROM "$events/message_acked"'),
    ev('$events/message_dropped', 'message dropped', '消息丢弃', [...msgCols, 'reason'], 'SELECT * FROM "$events/message_dropped"'),
    ev('$events/client_connected', 'client connected', '连接完成', ['clientid', 'username', 'mountpoint', 'peername', 'sockname', 'proto_name', 'proto_ver', 'keepalive', 'clean_start', 'expiry_interval', 'is_bridge', 'connected_at', 'timestamp', 'node', 'event'], 'SELECT * FROM "$events/client_connected"'),
    ev('$events/client_disconnected', 'client disconnected', '连接断开', ['clientid', 'username', 'reason', 'peername', 'sockname', 'disconnected_at', 'timestamp', 'node', 'event'], 'SELECT * FROM "$events/client_disconnected"'),
    ev('$events/session_subscribed', 'session subscribed', '会话订阅完成', ['clientid', 'username', 'peerhost', 'topic', 'qos', 'timestamp', 'node', 'event'], 'SELECT * FROM "$events/session_subscribed"'),
    ev('$events/session_unsubscribed', 'session unsubscribed', '会话取消订阅完成', ['clientid', 'username', 'peerhost', 'topic', 'qos', 'timestamp', 'node', 'event'], 'SELECT * FROM "$events/session_unsubscribed"'),
  ];
}

function hex8(): string {
  return randomBytes(4).toString('hex');
}

/** EMQX stamps action instances and 3.x rules with a nanosecond-ish integer. */
function nanoStamp(): string {
  return `${Date.now()}${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
}

function render(tmpl: string, row: Row): string {
  return tmpl.replace(/\$\{([A-Za-z0-9_.]+)\}/g, (_m, path: string) => {
    let cur: unknown = row;
    for (const [i, p] of path.split('.').entries()) {
      if (typeof cur === 'string' && i > 0) {
        try {
          cur = JSON.parse(cur);
        } catch {
          return '';
        }
      }
      if (cur === null || typeof cur !== 'object') return '';
      cur = (cur as Record<string, unknown>)[p];
    }
    if (cur === undefined || cur === null) return '';
    return typeof cur === 'object' ? JSON.stringify(cur) : String(cur);
  });
}

/** The rule engine crashed on the request (the API answers 500 `Internal Error`). */
export class RuleCrash extends Error {}

/** An object with its keys in jiffy's order (reverse), as EMQX prints a small map. */
function sortedReverse(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o).sort().reverse()) out[k] = o[k];
  return out;
}

/**
 * emqx_rule_validator:validate_params/2: walks the spec in key order; a required param that is
 * missing stops with `{required_field_missing,<<"name">>}` (so `target_qos` is reported before
 * `target_topic`), a missing optional one gets its default. Given params are kept as given.
 */
export function withDefaults(given: Record<string, unknown>, spec: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...given };
  for (const name of Object.keys(spec).sort()) {
    if (name in given) continue;
    const s = asParams(spec[name]);
    if (s.required === true) throw new RuleError(400, `Bad Arguments: {required_field_missing,<<"${name}">>}`);
    if ('default' in s) out[name] = structuredClone(s.default);
  }
  return sortedReverse(out);
}

/**
 * The `echo-defaults` variation: keys a newer release adds to what it echoes (EMQX 5 names:
 * republish's MQTT properties, the HTTP connector's retry and pool settings).
 */
const ECHO_DEFAULT_ACTION_PARAMS: Record<ActionKind, Record<string, unknown>> = {
  inspect: {},
  do_nothing: {},
  republish: { mqtt_properties: {}, user_properties: '${pub_props.\'User-Property\'}' },
  webhook: { max_retries: 2, request_timeout: '15s' },
};
const ECHO_DEFAULT_RESOURCE_CONFIG: Record<string, unknown> = { pool_type: 'random', max_retries: 2, retry_interval: '1s' };

function asParams(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export class RuleEngine {
  readonly rules = new Map<string, Rule>();
  readonly resources = new Map<string, Resource>();
  readonly actions: readonly ActionSpec[];
  readonly resourceTypes: readonly ResourceTypeSpec[];

  /**
   * @param b the 4.x release's switches (catalogues, rule format, metrics)
   * @param echoDefaults the `echo-defaults` variation: more default keys in action params and resource configs
   */
  constructor(
    private readonly host: RuleHost,
    readonly b: VersionBehaviour,
    private readonly echoDefaults = false,
  ) {
    this.actions = actionCatalog(b);
    this.resourceTypes = resourceTypeCatalog(b);
  }

  action(origin: ApiOrigin, name: string): ActionSpec | undefined {
    return this.actions.find((a) => a.origin === origin && a.name === name);
  }

  resourceType(origin: ApiOrigin, name: string): ResourceTypeSpec | undefined {
    return this.resourceTypes.find((r) => r.origin === origin && r.name === name);
  }

  rulesOf(origin: ApiOrigin): Rule[] {
    return [...this.rules.values()].filter((r) => r.origin === origin);
  }

  resourcesOf(origin: ApiOrigin): Resource[] {
    return [...this.resources.values()].filter((r) => r.origin === origin);
  }
  /** The resources of one type, or undefined when the type does not exist (a 404 for the API). */
  resourcesOfType(origin: ApiOrigin, type: string): Resource[] | undefined {
    if (!this.resourceType(origin, type)) return undefined;
    return this.resourcesOf(origin).filter((r) => r.type === type);
  }


  /** 4.3+ 4.x API: the request crashes where emqx_rule_engine_api does (see versions.ts ruleParamsCrash). */
  private crashes(origin: ApiOrigin): boolean {
    return origin === 'v4' && this.b.ruleParamsCrash;
  }

  private buildActions(origin: ApiOrigin, raw: unknown, missing: { resource: boolean }): ActionInstance[] {
    if (raw === undefined) return [];
    if (!Array.isArray(raw)) {
      if (this.crashes(origin)) throw new RuleCrash();
      throw new RuleError(400, 'Bad Arguments: {invalid_actions}');
    }
    return raw.map((a) => {
      const obj = asParams(a);
      const name = obj.name;
      if (typeof name !== 'string') {
        if (this.crashes(origin)) throw new RuleCrash();
        throw new RuleError(400, 'Bad Arguments: {missing_action_name}');
      }
      const spec = this.action(origin, name);
      // binary_to_existing_atom: a name that is no atom at all crashes (4.3+)
      if (!spec && this.crashes(origin)) throw new RuleCrash();
      if (!spec) throw new RuleError(400, `Action ${name} Not Found`);
      let params = asParams(obj.params);
      if (origin === 'v4') {
        params = withDefaults(params, spec.params);
        if (this.echoDefaults) params = { ...params, ...ECHO_DEFAULT_ACTION_PARAMS[spec.run] };
      } else if (spec.run === 'republish' && typeof params.target_topic !== 'string') {
        throw new RuleError(400, 'Bad Arguments: {required_field_missing,target_topic}');
      }
      if (spec.run === 'webhook') {
        const res = params.$resource;
        if (typeof res !== 'string' || !this.resources.has(res)) {
          // 4.4.12+: the rule is made anyway, disabled (its action could not be initialised)
          if (origin === 'v4' && this.b.ruleDisabledWithoutResource) missing.resource = true;
          else throw new RuleError(400, `Bad Arguments: {resource_not_found,${String(res)}}`);
        }
      }
      return { id: `${name.replace(/^.*:/, '')}_${nanoStamp()}`, name, params, success: 0, failed: 0, taken: 0 };
    });
  }

  private parse(rawsql: unknown): ParsedSql {
    try {
      const sql = parseSql(rawsql);
      for (const f of sql.from) {
        if (!f.startsWith('$events/') && !isValidTopicFilter(f)) throw new SqlError(`invalid topic filter ${f}`);
      }
      return sql;
    } catch (e) {
      const reason = e instanceof SqlError ? e.message : 'parse error';
      // EMQX prints its SQL parser's error term ({parse_error,{"5: syntax error before: …",…}})
      throw new RuleError(400, `Bad Arguments: {${this.b.ruleParamsCrash ? 'parse_error' : 'select_and_transform_error'},${reason}}`);
    }
  }

  createRule(origin: ApiOrigin, body: Record<string, unknown>): Rule {
    // emqx_rule_engine:create_rule/1 reads `rawsql` with maps:get: a body without one crashes
    // the API (500, observed on 4.4.19)
    if (origin === 'v4' && body.rawsql === undefined) throw new RuleCrash();
    // create_rule(#{rawsql := Sql, actions := ActArgs}), error({invalid_enabled, _}), on_failed/1
    if (this.crashes(origin) && (body.actions === undefined || (body.enabled !== undefined && typeof body.enabled !== 'boolean'))) throw new RuleCrash();
    if (this.crashes(origin) && body.on_action_failed !== undefined && body.on_action_failed !== 'continue' && body.on_action_failed !== 'stop') throw new RuleCrash();
    const sql = this.parse(body.rawsql);
    const missing = { resource: false };
    const actions = this.buildActions(origin, body.actions, missing);
    if (body.enabled !== undefined && typeof body.enabled !== 'boolean') {
      throw new RuleError(400, `Bad Arguments: {invalid_enabled,${JSON.stringify(body.enabled)}}`);
    }
    let id: string;
    const name = typeof body.name === 'string' ? body.name : undefined;
    if (typeof body.id === 'string' && body.id !== '') {
      if (this.rules.has(body.id)) throw new RuleError(400, 'Already Exists');
      id = body.id;
    } else if (origin === 'v3') {
      id = `${name ?? 'rule'}:${nanoStamp()}`;
    } else {
      do id = `rule:${hex8()}`;
      while (this.rules.has(id));
    }
    const rule: Rule = {
      id,
      origin,
      name,
      hook: origin === 'v3' ? (typeof body.for === 'string' ? body.for : 'message.publish') : undefined,
      rawsql: body.rawsql as string,
      sql,
      enabled: missing.resource ? false : body.enabled === undefined ? true : (body.enabled as boolean),
      description: typeof body.description === 'string' ? body.description : '',
      actions,
      createdAt: Date.now(),
      onActionFailed: body.on_action_failed === 'stop' ? 'stop' : 'continue',
      matched: 0,
      passed: 0,
      noResult: 0,
      exception: 0,
      speed: new Speed(),
    };
    this.rules.set(id, rule);
    return rule;
  }

  updateRule(id: string, body: Record<string, unknown>): Rule {
    const rule = this.rules.get(id);
    if (!rule) throw new RuleError(400, `Rule ${id} Not Found`);
    if (this.crashes(rule.origin) && body.enabled !== undefined && typeof body.enabled !== 'boolean') throw new RuleCrash();
    if (this.crashes(rule.origin) && body.on_action_failed !== undefined && body.on_action_failed !== 'continue' && body.on_action_failed !== 'stop') throw new RuleCrash();
    if (body.on_action_failed === 'continue' || body.on_action_failed === 'stop') rule.onActionFailed = body.on_action_failed;
    const sql = body.rawsql !== undefined ? this.parse(body.rawsql) : undefined;
    const missing = { resource: false };
    const actions = body.actions !== undefined ? this.buildActions(rule.origin, body.actions, missing) : undefined;
    if (missing.resource) rule.enabled = false;
    if (body.enabled !== undefined && typeof body.enabled !== 'boolean') {
      throw new RuleError(400, `Bad Arguments: {invalid_enabled,${JSON.stringify(body.enabled)}}`);
    }
    if (sql) {
      rule.sql = sql;
      rule.rawsql = body.rawsql as string;
    }
    if (actions) rule.actions = actions;
    if (typeof body.enabled === 'boolean') rule.enabled = body.enabled;
    if (typeof body.description === 'string') rule.description = body.description;
    return rule;
  }

  deleteRule(id: string): void {
    this.rules.delete(id);
  }

  createResource(origin: ApiOrigin, body: Record<string, unknown>): Resource {
    const type = body.type;
    if (this.crashes(origin)) {
      // parse_resource_params: binary_to_existing_atom of the type; no type at all crashes later
      if (typeof type !== 'string') throw new RuleCrash();
      if (!this.resourceType(origin, type)) throw new RuleError(400, `Bad Arguments: {resource_type_not_found,<<"${type}">>}`);
    }
    if (typeof type !== 'string' || !this.resourceType(origin, type)) {
      throw new RuleError(400, `Resource Type ${String(type)} Not Found`);
    }
    const name = typeof body.name === 'string' ? body.name : undefined;
    let id: string;
    if (typeof body.id === 'string' && body.id !== '') {
      if (this.resources.has(body.id)) throw new RuleError(400, 'Already Exists');
      id = body.id;
    } else if (origin === 'v3') {
      id = `${type}:${name ?? hex8()}`;
      if (this.resources.has(id)) throw new RuleError(400, 'Already Exists');
    } else {
      do id = `resource:${hex8()}`;
      while (this.resources.has(id));
    }
    let config = asParams(body.config);
    if (origin === 'v4') {
      // emqx_rule_validator:validate_params/2: a missing required param is refused, the others
      // get their defaults, and the answer echoes the filled config (observed on 4.4.19)
      try {
        config = withDefaults(config, this.resourceType(origin, type)!.params);
      } catch (e) {
        // for a resource the validator's throw is not caught: 500 (observed: web_hook without url)
        if (this.crashes(origin)) throw new RuleCrash();
        throw e;
      }
      if (this.echoDefaults) config = sortedReverse({ ...config, ...ECHO_DEFAULT_RESOURCE_CONFIG });
    } else if (type === 'web_hook' && typeof config.url !== 'string') {
      throw new RuleError(400, 'Bad Arguments: {required_field_missing,url}');
    }
    const res: Resource = {
      id,
      origin,
      name,
      type,
      config,
      description: typeof body.description === 'string' ? body.description : '',
      alive: undefined,
      checkedAt: 0,
    };
    this.resources.set(id, res);
    return res;
  }

  /** Rules whose actions use the resource (EMQX refuses to delete it then). */
  dependentRules(resourceId: string): string[] {
    return [...this.rules.values()]
      .filter((r) => r.actions.some((a) => a.params.$resource === resourceId))
      .map((r) => r.id);
  }

  /** A resource is alive if its URL's host accepts a TCP connection (checked at most every 5 s). */
  async isAlive(res: Resource): Promise<boolean> {
    if (res.type !== 'web_hook') return true;
    if (res.alive !== undefined && Date.now() - res.checkedAt < 5000) return res.alive;
    let alive = false;
    try {
      const url = new URL(String(res.config.url));
      const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
      alive = await new Promise<boolean>((resolve) => {
        const sock = connect({ host: url.hostname, port });
        const done = (v: boolean) => {
          sock.destroy();
          resolve(v);
        };
        sock.setTimeout(1000, () => done(false));
        sock.once('connect', () => done(true));
        sock.once('error', () => done(false));
      });
    } catch {
      alive = false;
    }
    res.alive = alive;
    res.checkedAt = Date.now();
    return alive;
  }

  /** Runs every enabled rule whose FROM matches the message. */
  onMessage(msg: MessageEvent): void {
    if (this.rules.size === 0) return;
    let row: Row | undefined;
    for (const rule of this.rules.values()) {
      if (!rule.enabled || msg.via.has(rule.id)) continue;
      if (rule.hook !== undefined && rule.hook !== 'message.publish') continue;
      if (!rule.sql.from.some((f) => topicMatches(msg.topic, f))) continue;
      // 4.3.12+/4.4 (emqx_rule_runtime:apply_rule/2): `matched` counts before WHERE runs
      if (this.b.ruleMetricsDetail) {
        rule.matched++;
        rule.speed.hit();
        this.host.countMatched();
      }
      row ??= {
        id: msg.id,
        clientid: msg.clientid,
        username: msg.username ?? null,
        payload: msg.payload.toString('utf8'),
        topic: msg.topic,
        qos: msg.qos,
        flags: { retain: msg.retain, dup: false },
        retain: msg.retain,
        peerhost: msg.peerhost ?? null,
        timestamp: msg.timestamp,
        publish_received_at: msg.timestamp,
        node: this.host.node,
        event: 'message.publish',
      };
      let selected: Row | undefined;
      try {
        selected = runSql(rule.sql, row);
      } catch {
        rule.exception++;
        continue;
      }
      if (!selected) {
        rule.noResult++;
        continue;
      }
      rule.passed++;
      if (!this.b.ruleMetricsDetail) {
        rule.matched++;
        rule.speed.hit();
        this.host.countMatched();
      }
      for (const action of rule.actions) this.runAction(rule, action, selected, msg);
    }
  }

  private runAction(rule: Rule, action: ActionInstance, selected: Row, msg: MessageEvent): void {
    const spec = this.action(rule.origin, action.name);
    action.taken++;
    const settle = (ok: boolean) => {
      if (ok) action.success++;
      else action.failed++;
      this.host.countAction(ok);
    };
    if (!spec) return settle(false);
    switch (spec.run) {
      case 'inspect':
      case 'do_nothing':
        return settle(true);
      case 'republish': {
        const target = render(String(action.params.target_topic ?? ''), selected);
        const rawQos = Number(action.params.target_qos ?? 0);
        const qos = rawQos === -1 ? msg.qos : rawQos === 1 || rawQos === 2 ? rawQos : 0;
        const tmpl = typeof action.params.payload_tmpl === 'string' ? action.params.payload_tmpl : '${payload}';
        const payload = tmpl === '' ? JSON.stringify(selected) : render(tmpl, selected);
        if (!target || target.includes('+') || target.includes('#')) return settle(false);
        const via = new Set(msg.via);
        via.add(rule.id);
        this.host.publish({ topic: target, payload: Buffer.from(payload), qos, retain: false, via });
        return settle(true);
      }
      case 'webhook': {
        const res = this.resources.get(String(action.params.$resource));
        if (!res) return settle(false);
        // 4.3+: method, path, headers and body are the action's params; before, the resource
        // carried method and headers and the action a payload_tmpl
        const p = action.params;
        const tmpl = typeof p.body === 'string' ? p.body : typeof p.payload_tmpl === 'string' ? p.payload_tmpl : '';
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        for (const [k, v] of Object.entries({ ...asParams(res.config.headers), ...asParams(p.headers) })) headers[k] = String(v);
        const rawMethod = String(p.method ?? res.config.method ?? 'POST').toUpperCase();
        const method = ['POST', 'PUT', 'GET', 'DELETE'].includes(rawMethod) ? rawMethod : 'POST';
        const body = method === 'GET' || method === 'DELETE' ? undefined : tmpl === '' ? JSON.stringify(selected) : render(tmpl, selected);
        const url = String(res.config.url) + (typeof p.path === 'string' ? render(p.path, selected) : '');
        fetch(url, { method, headers, body, signal: AbortSignal.timeout(5000) }).then(
          (r) => settle(r.ok),
          () => settle(false),
        );
        return;
      }
    }
  }

  /** Rule metrics in 4.4.19's key order (observed); `passed`, `no_result`, `failed`, `exception` from 4.3.12. */
  ruleMetrics(rule: Rule): Array<Record<string, unknown>> {
    const speed = { speed_max: rule.speed.max, speed_last5m: rule.speed.last5m(), speed: rule.speed.speed() };
    if (!this.b.ruleMetricsDetail) return [{ ...speed, node: this.host.node, matched: rule.matched }];
    return [{ ...speed, passed: rule.passed, node: this.host.node, no_result: rule.noResult, matched: rule.matched, failed: 0, exception: rule.exception }];
  }

  actionMetrics(a: ActionInstance): Array<Record<string, unknown>> {
    if (!this.b.ruleMetricsDetail) return [{ success: a.success, node: this.host.node, failed: a.failed }];
    return [{ taken: a.taken, success: a.success, node: this.host.node, failed: a.failed }];
  }
}
