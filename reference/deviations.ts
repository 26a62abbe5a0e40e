// Deliberate contract breaks, for testing the harness against a broker that is wrong in one
// known way. `NAME[:ARG][@/path-prefix]`: the prefix is relative to the API version base
// (`drop-field:port@/clients` only touches /api/v4/clients… and /api/v3/clients…).

import type { Json, JsonObject, JsonReply } from './http/reply.ts';

interface DeviationSpec {
  arg: 'none' | 'optional' | 'required';
  argHelp: string;
  effect: string;
  validate?: (arg: string) => boolean;
}

const isInt = (s: string) => /^-?\d+$/.test(s);
const isPositiveInt = (s: string) => /^\d+$/.test(s) && Number(s) > 0;

export const DEVIATIONS: Readonly<Record<string, DeviationSpec>> = {
  'drop-field': { arg: 'required', argHelp: 'FIELD', effect: 'removes FIELD from data objects (and from each object of a data list)' },
  'type-change': { arg: 'required', argHelp: 'FIELD', effect: 'turns FIELD number↔string in data objects (booleans become strings)' },
  'extra-field': { arg: 'required', argHelp: 'NAME', effect: 'adds an undocumented field NAME ("deviation") to data objects' },
  'omit-meta': { arg: 'none', argHelp: '', effect: 'drops `meta` from paginated answers' },
  'wrong-count': { arg: 'optional', argHelp: 'DELTA (default 1)', effect: 'adds DELTA to meta.count', validate: isInt },
  'no-hasnext': { arg: 'none', argHelp: '', effect: 'drops meta.hasnext' },
  'duplicate-across-pages': { arg: 'none', argHelp: '', effect: 'page n+1 starts with the last item of page n' },
  'nonzero-code': { arg: 'optional', argHelp: 'CODE (default 102)', effect: 'success bodies carry code CODE (still HTTP 200)', validate: isInt },
  'wrong-status': { arg: 'optional', argHelp: 'STATUS (default 202)', effect: 'success answers use HTTP STATUS', validate: (s) => isInt(s) && Number(s) >= 200 && Number(s) <= 599 },
  slow: { arg: 'optional', argHelp: 'MS (default 2000)', effect: 'delays each answer by MS milliseconds', validate: (s) => /^\d+$/.test(s) },
  'flaky-500': { arg: 'optional', argHelp: 'N (default 5)', effect: 'every Nth matching request answers 500 Internal Error (deterministic)', validate: isPositiveInt },
  'missing-endpoint': { arg: 'none', argHelp: '', effect: 'answers 404 Not found. and leaves the routes under the prefix out of the route list (use with @prefix)' },
  'drop-publish': { arg: 'none', argHelp: '', effect: '/mqtt/publish(+batch) answers code 0 but delivers nothing' },
  'ignore-kick': { arg: 'none', argHelp: '', effect: 'kick answers code 0 and the client stays connected' },
  'ignore-ban': { arg: 'none', argHelp: '', effect: 'banned entries are stored but CONNECT is not refused' },
  'json-framework-errors': { arg: 'none', argHelp: '', effect: '401 and 404 come as JSON {"code","message"} instead of text/plain' },
  'listed-404': { arg: 'none', argHelp: '', effect: 'routes stay in the route list but answer 404 Not found. (use with @prefix)' },
  'list-500-after-delete': { arg: 'none', argHelp: '', effect: 'once a DELETE under the prefix succeeded, GET of the listing at the prefix answers 500 Internal Error (use with @prefix, e.g. @/rules)' },
  'json-as-text': { arg: 'none', argHelp: '', effect: 'successful JSON answers carry content-type text/plain (body unchanged)' },
  'batch-first-only': { arg: 'none', argHelp: '', effect: '/mqtt/publish_batch answers as usual but delivers only its first item' },
  'drop-mqtt': { arg: 'optional', argHelp: 'N (default 10)', effect: 'every Nth PUBLISH from an MQTT client is acknowledged (QoS 1/2) but routed to no subscriber (deterministic counter; prefix ignored)', validate: isPositiveInt },
};

export interface Deviation {
  name: string;
  arg: string | undefined;
  prefix: string | undefined;
  /** Requests seen so far (for flaky-500). */
  hits: number;
  /** list-500-after-delete: a DELETE under the prefix has succeeded. */
  tripped?: boolean;
}

export class DeviationError extends Error {}

export function parseDeviation(spec: string): Deviation {
  let rest = spec.trim();
  let prefix: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    prefix = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!prefix.startsWith('/')) throw new DeviationError(`deviation "${spec}": the path prefix must start with "/"`);
  }
  const colon = rest.indexOf(':');
  const name = colon >= 0 ? rest.slice(0, colon) : rest;
  const arg = colon >= 0 ? rest.slice(colon + 1) : undefined;
  const def = DEVIATIONS[name];
  if (!def) {
    throw new DeviationError(`unknown deviation "${name}"; valid: ${Object.keys(DEVIATIONS).join(', ')}`);
  }
  if (def.arg === 'none' && arg !== undefined) throw new DeviationError(`deviation "${name}" takes no argument`);
  if (def.arg === 'required' && !arg) throw new DeviationError(`deviation "${name}" needs an argument: ${name}:${def.argHelp}`);
  if (arg !== undefined && def.validate && !def.validate(arg)) {
    throw new DeviationError(`deviation "${name}": bad argument "${arg}" (expected ${def.argHelp})`);
  }
  return { name, arg: arg === '' ? undefined : arg, prefix, hits: 0 };
}

export class Deviations {
  constructor(readonly list: readonly Deviation[]) {}

  static parse(specs: readonly string[] | undefined): Deviations {
    return new Deviations((specs ?? []).map(parseDeviation));
  }

  /** Active for a path relative to the version base (`/clients/x`), or for any path if undefined. */
  active(name: string, relPath?: string): Deviation | undefined {
    return this.list.find(
      (d) => d.name === name && (d.prefix === undefined || relPath === undefined || pathHasPrefix(relPath, d.prefix)),
    );
  }

  has(name: string): boolean {
    return this.list.some((d) => d.name === name);
  }

  forPath(relPath: string): ActiveDeviations {
    return new ActiveDeviations(this.list.filter((d) => d.prefix === undefined || pathHasPrefix(relPath, d.prefix)));
  }
}

function pathHasPrefix(path: string, prefix: string): boolean {
  const p = prefix.length > 1 && prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  return path === p || path.startsWith(p.endsWith('/') ? p : `${p}/`) || (p === '/' && path.startsWith('/'));
}

/** The deviations that apply to one request. */
export class ActiveDeviations {
  constructor(readonly list: readonly Deviation[]) {}

  get(name: string): Deviation | undefined {
    return this.list.find((d) => d.name === name);
  }

  numArg(name: string, fallback: number): number | undefined {
    const d = this.get(name);
    if (!d) return undefined;
    return d.arg === undefined ? fallback : Number(d.arg);
  }

  /** Rewrites a successful JSON answer according to the active response deviations. */
  applyToSuccess(reply: JsonReply): JsonReply {
    if (this.list.length === 0 || reply.body.code !== 0) return reply;
    const body: JsonObject = { ...reply.body };
    const eachDataObject = (fn: (o: JsonObject) => void) => {
      const data = body.data;
      if (Array.isArray(data)) body.data = data.map((d) => (isObject(d) ? mutate({ ...d }, fn) : d));
      else if (isObject(data)) body.data = mutate({ ...data }, fn);
    };
    for (const d of this.list) {
      switch (d.name) {
        case 'drop-field':
          eachDataObject((o) => delete o[d.arg!]);
          break;
        case 'type-change':
          eachDataObject((o) => {
            if (d.arg! in o) o[d.arg!] = flipType(o[d.arg!]);
          });
          break;
        case 'extra-field':
          eachDataObject((o) => {
            o[d.arg!] = 'deviation';
          });
          break;
        case 'omit-meta':
          delete body.meta;
          break;
        case 'wrong-count':
          if (isObject(body.meta) && typeof body.meta.count === 'number') {
            body.meta = { ...body.meta, count: body.meta.count + (d.arg === undefined ? 1 : Number(d.arg)) };
          }
          break;
        case 'no-hasnext':
          if (isObject(body.meta)) {
            const meta = { ...body.meta };
            delete meta.hasnext;
            body.meta = meta;
          }
          break;
        case 'nonzero-code':
          body.code = d.arg === undefined ? 102 : Number(d.arg);
          break;
      }
    }
    const status = this.numArg('wrong-status', 202) ?? reply.status;
    const out: JsonReply = { kind: 'json', status, body };
    if (this.get('json-as-text')) out.contentType = 'text/plain';
    return out;
  }
}

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function mutate(o: JsonObject, fn: (o: JsonObject) => void): JsonObject {
  fn(o);
  return o;
}

function flipType(v: Json | undefined): Json | undefined {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string') {
    const n = Number(v);
    return v.trim() !== '' && Number.isFinite(n) ? n : v.length;
  }
  return v;
}

/** For the README and --help. */
export function deviationTable(): string {
  const rows = Object.entries(DEVIATIONS).map(([name, d]) => {
    const arg = d.arg === 'none' ? '' : d.arg === 'optional' ? `[:${d.argHelp.split(' ')[0]}]` : `:${d.argHelp}`;
    return [`${name}${arg}`, d.effect] as const;
  });
  const width = Math.max(...rows.map(([n]) => n.length)) + 2;
  return rows.map(([n, effect]) => `  ${n.padEnd(width)}${effect}`).join('\n');
}
