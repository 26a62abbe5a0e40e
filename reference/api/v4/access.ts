// /auth_user and /emqx_acl (4.x document, emqx_auth_mnesia) and /banned (4.x, also used by 3.x
// with its own field spellings). Batch adds answer one result per login, "ok" or the Erlang
// error term printed with ~p, as emqx_acl_mnesia_api:format_msg does.

import { fail, failNoCode, internalError, ok, type Json, type JsonObject, type Reply } from '../../http/reply.ts';
import { pageOfArray, pageReply } from '../../http/pagination.ts';
import { bodyObject, requestedPage, variedOrder } from '../common.ts';
import { AccessControl, DEFAULT_BAN_SECONDS, banKind, sha256, type AclAction, type BanEntry } from '../../state/access.ts';
import type { Ctx } from '../../core.ts';

function pagedTable(ctx: Ctx, rows: Json[], withHasnext: boolean): Reply {
  const p = requestedPage(ctx);
  const page = pageOfArray(rows, p);
  return pageReply(p, page.rows, rows.length, withHasnext && ctx.core.behaviour.hasnext ? page.hasnext : undefined);
}

/** A batch body may be one object or a list of them (emqx_*_mnesia_api:add/2). */
function items(ctx: Ctx): Array<Record<string, unknown>> {
  const b = ctx.body;
  if (Array.isArray(b)) return b.map((x) => (x !== null && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : {}));
  return [bodyObject(ctx)];
}

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

export function listAuthUsers(ctx: Ctx): Reply {
  const rows = [...ctx.core.access.users.values()].map((u) => ({ password: u.password, login: u.login, is_superuser: u.is_superuser }));
  return pagedTable(ctx, rows, true);
}

export function addAuthUsers(ctx: Ctx): Reply {
  const { access } = ctx.core;
  const data: JsonObject = {};
  for (const it of items(ctx)) {
    const { login, password, is_superuser } = it;
    const key = typeof login === 'string' ? login : 'undefined';
    if (!nonEmpty(login)) data[key] = '{error,login}';
    else if (!nonEmpty(password)) data[key] = '{error,password}';
    // every field is required (the document; emqx_auth_mnesia_api 4.1 validates each one)
    else if (typeof is_superuser !== 'boolean') data[key] = '{error,is_superuser}';
    else if (access.users.has(login)) data[key] = '{error,existed}';
    else {
      access.users.set(login, { login, password: sha256(password), is_superuser: is_superuser === true });
      data[key] = 'ok';
    }
  }
  return ok(data);
}

export function lookupAuthUser(ctx: Ctx): Reply {
  const u = ctx.core.access.users.get(ctx.params.login ?? '');
  return ok(u ? [{ password: u.password, login: u.login, is_superuser: u.is_superuser }] : []);
}

export function updateAuthUser(ctx: Ctx): Reply {
  const { access } = ctx.core;
  const login = ctx.params.login ?? '';
  const p = bodyObject(ctx);
  if (!nonEmpty(p.password)) return failNoCode('password');
  if (p.is_superuser !== undefined && typeof p.is_superuser !== 'boolean') return failNoCode('is_superuser');
  const u = access.users.get(login);
  if (!u) return failNoCode('noexisted');
  u.password = sha256(p.password);
  if (typeof p.is_superuser === 'boolean') u.is_superuser = p.is_superuser;
  return ok();
}

export function deleteAuthUser(ctx: Ctx): Reply {
  ctx.core.access.users.delete(ctx.params.login ?? '');
  return ok();
}

const formatAcl = (r: { login: string; topic: string; action: AclAction; allow: boolean }) => ({ topic: r.topic, login: r.login, allow: r.allow, action: r.action });

export function listAcl(ctx: Ctx): Reply {
  return pagedTable(ctx, [...ctx.core.access.acl.values()].map(formatAcl), true);
}

export function addAcl(ctx: Ctx): Reply {
  const { access } = ctx.core;
  const data: JsonObject = {};
  for (const it of items(ctx)) {
    const { login, topic, action, allow } = it;
    const key = typeof login === 'string' ? login : 'undefined';
    if (!nonEmpty(login)) data[key] = '{error,login}';
    else if (!nonEmpty(topic)) data[key] = '{error,topic}';
    else if (action !== 'pub' && action !== 'sub' && action !== 'pubsub') data[key] = '{error,action}';
    else if (typeof allow !== 'boolean') data[key] = '{error,allow}';
    else {
      access.acl.set(AccessControl.aclKey(login, topic), { login, topic, action, allow });
      data[key] = 'ok';
    }
  }
  return ok(data);
}

export function lookupAcl(ctx: Ctx): Reply {
  const login = ctx.params.login ?? '';
  return ok([...ctx.core.access.acl.values()].filter((r) => r.login === login).map(formatAcl));
}

export function deleteAcl(ctx: Ctx): Reply {
  ctx.core.access.acl.delete(AccessControl.aclKey(ctx.params.login ?? '', ctx.params.topic ?? ''));
  return ok();
}

// ---- banned ---------------------------------------------------------------------------------

/** 4.x lists {who, as, reason, by, at, until}; the 3.x example {who, as, reason, desc, until}. */
function formatBan(b: BanEntry, idStyle: 'v3' | 'v4'): JsonObject {
  if (idStyle === 'v3') return { who: b.who, as: b.as, reason: b.reason, desc: b.desc ?? '', until: b.until };
  // in 4.4.19's order (jiffy's reverse key order)
  const out: JsonObject = { who: b.who, until: b.until, reason: b.reason, by: b.by, at: b.at, as: b.as };
  if (b.desc !== undefined) out.desc = b.desc;
  return out;
}

export function listBanned(ctx: Ctx, idStyle: 'v3' | 'v4'): Reply {
  const now = Math.floor(Date.now() / 1000);
  const live = [...ctx.core.access.banned.values()].filter((b) => b.until > now);
  const rows = (idStyle === 'v4' ? (variedOrder(ctx, live, (b) => `${b.as}/${b.who}`) ?? live) : live).map((b) => formatBan(b, idStyle));
  return pagedTable(ctx, rows, false);
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

const V4_AS = ['clientid', 'username', 'peerhost'];
const V4_AS_MESSAGE = "value of 'as' must be one of: ['clientid', 'username', 'peerhost']";

/** What inet:parse_address accepts, as far as a ban needs: a dotted IPv4 address, or anything with a colon (IPv6). */
function parsesAsAddress(who: string): boolean {
  return (IPV4.test(who) && who.split('.').every((x) => Number(x) <= 255)) || who.includes(':');
}

function wholeSeconds(v: unknown, otherwise: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.floor(v) : otherwise;
}

/**
 * 4.3+ (emqx_mgmt_api_banned create/2, same in 4.4.19, observed): ensure_required → 107
 * `missing mandatory params: ['who', 'as']`, validate_params → 108 for another `as`, then
 * pack_banned, whose last clause needs a `reason`: without one the handler crashes (500), as it
 * does for a peerhost that is no IP address (`{ok, IP} = inet:parse_address`). A non-string
 * `who` is refused with 500 too (EMQX stores it, but no DELETE path can name it again). The
 * answer echoes the body (`maps:from_list(Params)`).
 */
function createBannedV43(ctx: Ctx): Reply {
  const p = bodyObject(ctx);
  if (!('who' in p) || !('as' in p)) return fail(107, "missing mandatory params: ['who', 'as']");
  if (typeof p.as !== 'string' || !V4_AS.includes(p.as)) return fail(108, V4_AS_MESSAGE);
  const kind = banKind(p.as)!;
  if (!('reason' in p) || typeof p.who !== 'string') throw internalError();
  if (kind === 'peerhost' && !parsesAsAddress(p.who)) throw internalError();
  const now = Math.floor(Date.now() / 1000);
  const entry: BanEntry = {
    who: p.who,
    as: p.as,
    kind,
    reason: typeof p.reason === 'string' ? p.reason : String(p.reason),
    desc: undefined,
    by: typeof p.by === 'string' ? p.by : 'user',
    at: wholeSeconds(p.at, now),
    until: wholeSeconds(p.until, now + DEFAULT_BAN_SECONDS),
  };
  ctx.core.access.banned.set(AccessControl.banKey(kind, entry.who), entry);
  return ok({ ...(p as JsonObject) });
}

export function createBanned(ctx: Ctx, idStyle: 'v3' | 'v4'): Reply {
  if (idStyle === 'v4' && ctx.core.behaviour.bannedPipeline) return createBannedV43(ctx);
  const p = bodyObject(ctx);
  if (p.who === undefined || p.as === undefined) return fail(107, 'required_params_missing');
  const kind = banKind(p.as);
  if (typeof p.who !== 'string' || p.who === '' || kind === undefined) return fail(108, 'type_error');
  if (kind === 'peerhost' && !parsesAsAddress(p.who)) {
    return fail(108, 'bad peerhost');
  }
  const now = Math.floor(Date.now() / 1000);
  const entry: BanEntry = {
    who: p.who,
    as: String(p.as),
    kind,
    reason: typeof p.reason === 'string' ? p.reason : '',
    desc: typeof p.desc === 'string' ? p.desc : undefined,
    by: typeof p.by === 'string' ? p.by : 'user',
    at: wholeSeconds(p.at, now),
    until: wholeSeconds(p.until, now + DEFAULT_BAN_SECONDS),
  };
  ctx.core.access.banned.set(AccessControl.banKey(kind, entry.who), entry);
  return ok(idStyle === 'v3' ? { ...(p as JsonObject) } : formatBan(entry, idStyle));
}

export function deleteBanned(ctx: Ctx, as: string | undefined, who: string): Reply {
  if (ctx.core.behaviour.bannedPipeline && !V4_AS.includes(as ?? '')) return fail(108, V4_AS_MESSAGE);
  const kind = banKind(as);
  if (kind === undefined) return fail(108, 'type_error');
  ctx.core.access.banned.delete(AccessControl.banKey(kind, who));
  return ok();
}

// ---- 3.x /banned (emqx_mgmt_api_banned of emqx-management 3.x) ------------------------------
// A pipeline of ensure_required (107, one fixed message per action), validate_params (108: `as`
// must be one of the 3.x spellings) and pack_banned; DELETE reads `as` from the query string.

const V3_AS = ['client_id', 'username', 'ip_address'];
const V3_AS_MESSAGE = "value of 'as' must be one of: ['client_id', 'username', 'ip_address']";

export function createBannedV3(ctx: Ctx): Reply {
  const p = bodyObject(ctx);
  if (p.who === undefined || p.as === undefined) return fail(107, "missing mandatory params: ['who', 'as']");
  if (typeof p.as !== 'string' || !V3_AS.includes(p.as)) return fail(108, V3_AS_MESSAGE);
  const kind = banKind(p.as)!;
  // pack_banned: `{ok, IP} = inet:parse_address(str(Who))` and str/1 only take strings: a crash
  if (typeof p.who !== 'string') throw internalError();
  if (kind === 'peerhost' && !parsesAsAddress(p.who)) throw internalError();
  const now = Math.floor(Date.now() / 1000);
  const entry: BanEntry = {
    who: p.who,
    as: p.as,
    kind,
    reason: typeof p.reason === 'string' ? p.reason : '',
    desc: typeof p.desc === 'string' ? p.desc : undefined,
    by: typeof p.by === 'string' ? p.by : 'user',
    at: now,
    until: wholeSeconds(p.until, now + DEFAULT_BAN_SECONDS),
  };
  ctx.core.access.banned.set(AccessControl.banKey(kind, entry.who), entry);
  return ok({ ...(p as JsonObject) });
}

export function deleteBannedV3(ctx: Ctx): Reply {
  const as = ctx.query.get('as');
  if (as === undefined) return fail(107, "missing mandatory params: ['as']");
  if (!V3_AS.includes(as)) return fail(108, V3_AS_MESSAGE);
  ctx.core.access.banned.delete(AccessControl.banKey(banKind(as)!, ctx.params.who ?? ''));
  return ok();
}
