// /mqtt/publish, /mqtt/subscribe, /mqtt/unsubscribe and their batch forms, after
// emqx_mgmt_api_pubsub (4.4): `topic` and `topics` are both comma-split, invalid topics are
// dropped and 115 comes only when none survive; publish never validates QoS (emqx_message:make
// crashes on one outside 0..2); subscribe rejects QoS outside 0..2 with 116 from 4.4.2; a
// non-string clientid is 108 from 4.3.9. The 3.x API names the field `client_id`, crashes (500)
// on a topic emqx_topic:validate raises for, and answers 112 `session_not_found`. Everything
// that differs between releases is a predicate of versions.ts (4.x: `core.behaviour`, 3.x:
// `core.v3`).

import { fail, internalError, ok, type Json, type JsonObject, type Reply } from '../http/reply.ts';
import { isValidTopicFilter, isValidTopicName } from '../mqtt/topic.ts';
import { bodyObject } from './common.ts';
import type { Ctx } from '../core.ts';
import type { ClientRecord } from '../state/clients.ts';

type Dialect = 'v3' | 'v4';

const idKey = (d: Dialect) => (d === 'v3' ? 'client_id' : 'clientid');

class BadParams extends Error {}

/** emqx topics/3: `topic` wins over `topics`; both are comma lists; invalid entries are dropped. */
function splitTopics(p: Record<string, unknown>, valid: (t: string) => boolean): string[] {
  const raw = p.topic !== undefined ? p.topic : (p.topics ?? '');
  if (typeof raw !== 'string') throw new BadParams();
  return raw.split(',').filter((t) => valid(t));
}

/**
 * 3.x publish topics: emqx_topic:validate({name, T}) is called without a catch. It raises for
 * an empty topic or a malformed one (`a/#/b`): 500. A wildcard name (`a/#`) made it return
 * false (dropped; 115 if nothing is left) until 3.2.3, and raise from 3.2.3.
 */
function v3PublishTopics(ctx: Ctx, p: Record<string, unknown>): string[] {
  const raw = p.topic !== undefined ? p.topic : (p.topics ?? '');
  if (typeof raw !== 'string') throw internalError();
  const out: string[] = [];
  for (const t of raw.split(',')) {
    if (!isValidTopicFilter(t)) throw internalError();
    if (!isValidTopicName(t)) {
      if (ctx.core.v3.wildcardPublishCrashes) throw internalError();
      continue;
    }
    out.push(t);
  }
  return out;
}

/**
 * A sender emqx_tracer can trace: a binary, or an atom (`undefined` when omitted; JSON null,
 * true, false decode to atoms). Anything else (a number, a list, an object) has no clause.
 */
function traceableSender(c: unknown): boolean {
  return c === undefined || c === null || typeof c === 'string' || typeof c === 'boolean';
}

function respTopic(p: Record<string, unknown>): Json {
  const v = p.topic !== undefined ? p.topic : (p.topics ?? '');
  return (v ?? '') as Json;
}

function decodePayload(p: Record<string, unknown>): Buffer {
  const payload = p.payload === undefined ? '' : p.payload;
  const encoding = p.encoding ?? 'plain';
  if (encoding === 'base64') {
    if (typeof payload !== 'string') throw new BadParams();
    const compact = payload.replace(/\s+/g, '');
    if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) throw new BadParams();
    return Buffer.from(compact, 'base64');
  }
  // maybe_maps_to_binary: anything that isn't a string is JSON-encoded.
  return Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
}

/** Into aedes' 0..2 (subscribe before 4.4.2 passes any QoS through). */
function publishQos(q: unknown): 0 | 1 | 2 {
  if (typeof q !== 'number' || !Number.isFinite(q)) return 0;
  return q >= 2 ? 2 : q >= 1 ? 1 : 0;
}

/** This broker's part of an emqx_guid (EMQX puts the node and process there). */
const GUID_NODE = Math.floor(Math.random() * 2 ** 32).toString(16).padStart(8, '0');
let guidSeq = 0;

/**
 * emqx_guid as `emqx_guid:to_hexstr/1` prints it: 32 upper-case hex digits, a microsecond
 * timestamp (16), the node and process (12), a sequence (4) — observed on 4.4.19 as
 * `000661A37AF26EF9F4420000326E0000`, `…326E0001` for the two topics of one request.
 */
function msgId(): string {
  const micros = BigInt(Date.now()) * 1000n + BigInt(Math.floor((performance.now() % 1) * 1000));
  const seq = (guidSeq++ & 0xffff).toString(16).padStart(4, '0');
  return `${micros.toString(16).padStart(16, '0')}${GUID_NODE}${((guidSeq >>> 16) & 0xffff).toString(16).padStart(4, '0')}${seq}`.toUpperCase();
}

interface PublishOutcome {
  code: number;
  message?: string;
  msgids?: string[];
}

/** @param deliver false when a deviation swallows the message (the answer stays the same) */
async function publishOne(ctx: Ctx, d: Dialect, p: Record<string, unknown>, deliver = true): Promise<PublishOutcome> {
  const { behaviour, v3 } = ctx.core;
  const topics = d === 'v3' ? v3PublishTopics(ctx, p) : splitTopics(p, isValidTopicName);
  const payload = decodePayload(p);
  const clientid = p[idKey(d)];
  if (d === 'v4' && clientid !== undefined && typeof clientid !== 'string' && behaviour.rejectsNonStringClientid) {
    return { code: 108, message: 'bad clientid: must be string' };
  }
  if (topics.length === 0) return { code: 115, message: 'bad_topic' };
  // Not validated by the API, but emqx_message:make guards 0 =< QoS =< 2 (3.1+): anything
  // else crashes the handler outside its try (500, for a batch the whole request). 3.0.x made
  // the message unchecked.
  const validQos = p.qos === undefined || p.qos === 0 || p.qos === 1 || p.qos === 2;
  if (!validQos && (d === 'v4' || v3.publishGuardsQos)) throw internalError();
  // emqx_broker:publish → emqx_tracer:trace(From, Msg) has no clause for other senders
  if (!traceableSender(clientid)) throw internalError();
  const qos = publishQos(p.qos);
  const retain = p.retain === true;
  const ids: string[] = [];
  for (const topic of topics) {
    ids.push(msgId());
    if (ctx.dev.get('drop-publish') || !deliver) continue;
    await ctx.core.mqtt.publish({ topic, payload, qos, retain, from: typeof clientid === 'string' ? clientid : '' });
  }
  return { code: 0, msgids: ids };
}

export async function publish(ctx: Ctx, d: Dialect): Promise<Reply> {
  let p: Record<string, unknown>;
  try {
    p = bodyObject(ctx);
  } catch {
    return fail(108, 'bad_params');
  }
  let r: PublishOutcome;
  try {
    r = await publishOne(ctx, d, p);
  } catch (e) {
    if (e instanceof BadParams) {
      // parameters that can't be read (a numeric topic, bad base64): a try around the parsing
      // answers 108 from 4.4.4 (never in 4.3.x); before, and in 3.x, the handler crashes
      if (d === 'v3' || !ctx.core.behaviour.publishCatchesBadParams) throw internalError();
      return fail(108, 'bad_params');
    }
    throw e;
  }
  if (r.code !== 0) return fail(r.code, r.message ?? '');
  if (p.return !== undefined && r.msgids) {
    return ok(p.topics !== undefined ? { msgids: r.msgids } : { msgid: r.msgids[r.msgids.length - 1] ?? '' });
  }
  return ok();
}

export async function publishBatch(ctx: Ctx): Promise<Reply> {
  const b = ctx.body;
  const { behaviour } = ctx.core;
  if (b !== undefined && (b === null || typeof b !== 'object')) throw internalError();
  // A JSON object arrives as a proplist: each key/value pair is an item that fails to parse, and
  // `{}` is `[{}]`, one such item (observed on 4.4.19: `{}` → one 108 item).
  const items: unknown[] = b === undefined ? [] : Array.isArray(b) ? b : Object.keys(b).length === 0 ? [null] : Object.keys(b).map(() => null);
  const data: Json[] = [];
  // batch-first-only: answers as usual, delivers only the first item
  const firstOnly = ctx.dev.get('batch-first-only') !== undefined;
  for (const [index, item] of items.entries()) {
    if (item === null || typeof item !== 'object') {
      data.push({ code: 108, message: 'bad_params' });
      continue;
    }
    // an array item is a list proplists reads no parameter from: no topic, 115 (observed)
    const p = (Array.isArray(item) ? {} : item) as Record<string, unknown>;
    try {
      const r = await publishOne(ctx, 'v4', p, !firstOnly || index === 0);
      // 4.4.4–4.4.8 lost each item's result: every item that parsed reports 0
      data.push({ topic: respTopic(p), code: behaviour.publishBatchItemCodesLost ? 0 : r.code });
    } catch (e) {
      if (!(e instanceof BadParams)) throw e;
      if (!behaviour.publishCatchesBadParams) throw internalError();
      data.push({ code: 108, message: 'bad_params' });
    }
  }
  return ok(data);
}

function parseSubQos(q: unknown): unknown {
  return q === undefined ? 0 : q;
}

/** No live channel (4.x) / session (3.x) for the client id: 112. */
const notFoundOf = (d: Dialect) => ({ code: 112, message: d === 'v3' ? 'session_not_found' : 'channel_not_found' });

async function subscribeOne(ctx: Ctx, d: Dialect, p: Record<string, unknown>): Promise<{ code: number; message?: string }> {
  const clientid = p[idKey(d)];
  const topics = splitTopics(p, isValidTopicFilter);
  const qos = parseSubQos(p.qos);
  const { behaviour } = ctx.core;
  if (typeof clientid !== 'string') {
    if (behaviour.rejectsNonStringClientid && d === 'v4') return { code: 108, message: 'bad clientid: must be string' };
    return notFoundOf(d);
  }
  if (topics.length === 0) {
    if (d === 'v3') throw internalError();
    return { code: 115, message: 'bad_topic' };
  }
  const validQos = qos === 0 || qos === 1 || qos === 2;
  if (!validQos && behaviour.subscribeRejectsBadQos && d === 'v4') return { code: 116, message: 'bad_qos' };
  const rec = ctx.core.registry.get(clientid);
  if (!rec?.connected) return notFoundOf(d);
  const granted = validQos ? qos : publishQos(qos);
  const apply = () => Promise.all(topics.map((t) => ctx.core.mqtt.subscribe(rec, t, granted)));
  if (d === 'v3') await apply();
  else later(ctx, rec, apply);
  return { code: 0 };
}

/**
 * 4.x: emqx_mgmt:do_subscribe/2 and do_unsubscribe/2 look the channel up (112 if there is none)
 * and send it a message (`Pid ! {subscribe, TopicTables}`) without waiting: the answer comes
 * before the subscription exists. The effect lands `core.timing.subscribeDelayMs` later (in
 * order: timers of equal delay fire in the order they were set), if the client is still there.
 */
function later(ctx: Ctx, rec: ClientRecord, effect: () => Promise<unknown>): void {
  const t = setTimeout(() => {
    if (!rec.connected || ctx.core.registry.get(rec.clientid) !== rec) return;
    effect().catch(() => {});
  }, ctx.core.timing.subscribeDelayMs);
  t.unref();
}

async function unsubscribeOne(ctx: Ctx, d: Dialect, p: Record<string, unknown>): Promise<{ code: number; message?: string }> {
  const clientid = p[idKey(d)];
  const topic = p.topic;
  if (typeof clientid !== 'string') {
    if (ctx.core.behaviour.rejectsNonStringClientid && d === 'v4') return { code: 108, message: 'bad clientid: must be string' };
    return notFoundOf(d);
  }
  if (!isValidTopicFilter(topic)) {
    if (d === 'v3') throw internalError();
    return { code: 115, message: 'bad_topic' };
  }
  const rec = ctx.core.registry.get(clientid);
  if (!rec?.connected) return notFoundOf(d);
  if (d === 'v3') await ctx.core.mqtt.unsubscribe(rec, topic);
  else later(ctx, rec, () => ctx.core.mqtt.unsubscribe(rec, topic));
  return { code: 0 };
}

function single(r: { code: number; message?: string }): Reply {
  return r.code === 0 ? ok() : fail(r.code, r.message ?? '');
}

export async function subscribe(ctx: Ctx, d: Dialect): Promise<Reply> {
  try {
    return single(await subscribeOne(ctx, d, bodyObject(ctx)));
  } catch (e) {
    if (e instanceof BadParams) throw internalError();
    throw e;
  }
}

export async function unsubscribe(ctx: Ctx, d: Dialect): Promise<Reply> {
  return single(await unsubscribeOne(ctx, d, bodyObject(ctx)));
}

async function batch(
  ctx: Ctx,
  one: (ctx: Ctx, d: Dialect, p: Record<string, unknown>) => Promise<{ code: number; message?: string }>,
): Promise<Reply> {
  const b = ctx.body;
  if (b !== undefined && !Array.isArray(b)) throw internalError();
  const data: Json[] = [];
  for (const item of b ?? []) {
    if (item === null || typeof item !== 'object') throw internalError();
    // an array item reads as no parameters (observed on 4.4.19: `[[1]]` → clientid "undefined", 108)
    const p = (Array.isArray(item) ? {} : item) as Record<string, unknown>;
    let r: { code: number; message?: string };
    try {
      r = await one(ctx, 'v4', p);
    } catch (e) {
      if (e instanceof BadParams) throw internalError();
      throw e;
    }
    const entry: JsonObject = { clientid: (p.clientid ?? 'undefined') as Json, topic: respTopic(p), code: r.code };
    data.push(entry);
  }
  return ok(data);
}

export const subscribeBatch = (ctx: Ctx): Promise<Reply> => batch(ctx, subscribeOne);
export const unsubscribeBatch = (ctx: Ctx): Promise<Reply> => batch(ctx, unsubscribeOne);
