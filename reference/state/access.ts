// Who may connect, publish and subscribe: the auth_user / emqx_acl tables of the 4.x document,
// the 3.x auth_clientid / auth_username plugins, banned entries, and the per-client ACL cache.
// Passwords are stored as unsalted SHA-256 hex, which is what the 4.x example lists.

import { createHash } from 'node:crypto';
import { topicMatches } from '../mqtt/topic.ts';
import type { AclCacheEntry, ClientRecord } from './clients.ts';

export function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

export interface AuthUser {
  login: string;
  password: string;
  is_superuser: boolean;
}

export type AclAction = 'pub' | 'sub' | 'pubsub';

export interface AclRule {
  login: string;
  topic: string;
  action: AclAction;
  allow: boolean;
}

export type BanKind = 'clientid' | 'username' | 'peerhost';

export interface BanEntry {
  who: string;
  /** As given (`client_id` in 3.x, `clientid` in 4.x); `kind` is the normalised form. */
  as: string;
  kind: BanKind;
  reason: string;
  desc?: string;
  by: string;
  at: number;
  until: number;
}

/** EMQX caches ACL results per client (acl_cache_max_size = 32, acl_cache_ttl = 1m). */
export const ACL_CACHE_MAX = 32;
export const ACL_CACHE_TTL_MS = 60_000;
/** banned entries without `until` expire after 5 minutes, EMQX's default. */
export const DEFAULT_BAN_SECONDS = 300;

export function banKind(as: unknown): BanKind | undefined {
  switch (as) {
    case 'clientid':
    case 'client_id':
      return 'clientid';
    case 'username':
      return 'username';
    case 'peerhost':
    case 'ip_address':
      return 'peerhost';
    default:
      return undefined;
  }
}

export class AccessControl {
  /** 4.x document: auth_user (a login in it must present its password at CONNECT). */
  readonly users = new Map<string, AuthUser>();
  /** 4.x document: emqx_acl, keyed by login + topic. */
  readonly acl = new Map<string, AclRule>();
  /** 3.x emqx_auth_clientid / emqx_auth_username plugins: id → sha256(password). */
  readonly clientidAuth = new Map<string, string>();
  readonly usernameAuth = new Map<string, string>();
  readonly banned = new Map<string, BanEntry>();

  static aclKey(login: string, topic: string): string {
    return `${login}\u0000${topic}`;
  }

  static banKey(kind: BanKind, who: string): string {
    return `${kind}\u0000${who}`;
  }

  isBanned(clientid: string, username: string | undefined, peerhost: string, now = Date.now()): boolean {
    const nowSec = Math.floor(now / 1000);
    const check = (kind: BanKind, who: string | undefined): boolean => {
      if (who === undefined) return false;
      const key = AccessControl.banKey(kind, who);
      const e = this.banned.get(key);
      if (!e) return false;
      if (e.until <= nowSec) {
        this.banned.delete(key);
        return false;
      }
      return true;
    };
    return check('clientid', clientid) || check('username', username) || check('peerhost', peerhost);
  }

  /**
   * CONNECT authentication, as EMQX's auth chain: a source that knows the login decides (right
   * password → in, wrong → refused); a login no source knows falls through to anonymous access,
   * which EMQX allows by default (`allow_anonymous = true`). `plugins` says which 3.x auth
   * plugins are loaded. Returns undefined when no source knew the client.
   */
  authenticate(
    clientid: string,
    username: string | undefined,
    password: string | undefined,
    plugins: { clientid: boolean; username: boolean },
  ): { ok: boolean; superuser: boolean } | undefined {
    const matches = (hash: string) => password !== undefined && hash === sha256(password);
    const user = username === undefined ? undefined : this.users.get(username);
    if (user) return { ok: matches(user.password), superuser: user.is_superuser };
    if (plugins.clientid) {
      const h = this.clientidAuth.get(clientid);
      if (h !== undefined) return { ok: matches(h), superuser: false };
    }
    if (plugins.username && username !== undefined) {
      const h = this.usernameAuth.get(username);
      if (h !== undefined) return { ok: matches(h), superuser: false };
    }
    return undefined;
  }

  /**
   * emqx_acl check with EMQX's per-client cache. The first rule (specific logins before `$all`)
   * whose topic matches decides; no match allows (acl_nomatch = allow).
   */
  check(rec: ClientRecord, access: 'publish' | 'subscribe', topic: string, now = Date.now()): 'allow' | 'deny' {
    return this.checkCached(rec, access, topic, now).result;
  }

  /** check(), also saying whether the ACL cache answered (EMQX counts `client.acl.cache_hit`). */
  checkCached(rec: ClientRecord, access: 'publish' | 'subscribe', topic: string, now = Date.now()): { result: 'allow' | 'deny'; cached: boolean } {
    if (rec.isSuperuser) return { result: 'allow', cached: false };
    const key = `${access}\u0000${topic}`;
    const cached = rec.aclCache.get(key);
    if (cached && now - cached.updated_time < ACL_CACHE_TTL_MS) return { result: cached.result, cached: true };
    const result = this.evaluate(rec, access, topic);
    const entry: AclCacheEntry = { access, topic, result, updated_time: now };
    rec.aclCache.delete(key);
    rec.aclCache.set(key, entry);
    if (rec.aclCache.size > ACL_CACHE_MAX) {
      const oldest = rec.aclCache.keys().next();
      if (!oldest.done) rec.aclCache.delete(oldest.value);
    }
    return { result, cached: false };
  }

  private evaluate(rec: ClientRecord, access: 'publish' | 'subscribe', topic: string): 'allow' | 'deny' {
    if (this.acl.size === 0) return 'allow';
    const wanted: AclAction = access === 'publish' ? 'pub' : 'sub';
    const specific: AclRule[] = [];
    const all: AclRule[] = [];
    for (const r of this.acl.values()) {
      if (r.login === '$all') all.push(r);
      else if (r.login === rec.username || r.login === rec.clientid) specific.push(r);
    }
    for (const r of [...specific, ...all]) {
      if (r.action !== 'pubsub' && r.action !== wanted) continue;
      const filter = r.topic.replace(/%u/g, rec.username ?? '').replace(/%c/g, rec.clientid);
      const hit = filter.startsWith('eq ') ? filter.slice(3) === topic : topic === filter || topicMatches(topic, filter);
      if (hit) return r.allow ? 'allow' : 'deny';
    }
    return 'allow';
  }
}
