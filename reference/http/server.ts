// The management HTTP listener: /status, /api/v4 (and the Cloud-style /api alias), /api/v3.
// It does what minirest does around the handlers: Basic auth, route lookup, body decoding,
// and the plain-text framework errors; then it applies any deviations that match the path.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { FrameworkError, HandlerThrow, notFound, text, type Json, type JsonObject, type JsonReply, type Reply } from './reply.ts';
import { parseQuery, pathSegments } from './query.ts';
import type { Router } from './router.ts';
import type { ApiVersion, Core, Ctx } from '../core.ts';

/** One 8 MB body read, as cowboy's default in minirest (docs/emqx-behaviour.md §12). */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface HttpOptions {
  host: string;
  port: number;
  appId: string;
  appSecret: string;
  /** `/api/v3`, `/api/v4`, and the Cloud base path `/api` (the v4 handlers plus the Cloud-only routes). */
  routers: Record<ApiVersion | 'cloud', Router<Ctx>>;
  /** Gate a route on a plugin being loaded (3.x: routes of unloaded plugins are 404). */
  pluginOf: (api: ApiVersion, routeName: string) => string | undefined;
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class HttpServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly core: Core,
    private readonly opts: HttpOptions,
  ) {
    this.server = createServer({ maxHeaderSize: 16 * 1024 }, (req, res) => {
      this.handle(req, res).catch(() => {
        if (!res.headersSent) this.send(res, text(500, 'Internal Error'));
        else res.destroy();
      });
    });
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      core.http.openConnections = this.sockets.size;
      s.on('error', () => {});
      s.once('close', () => {
        this.sockets.delete(s);
        core.http.openConnections = this.sockets.size;
      });
    });
    this.server.on('clientError', (_err, socket: Socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 11\r\nConnection: close\r\n\r\nBad Request');
      else socket.destroy();
    });
  }

  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.opts.port, this.opts.host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private authorized(req: IncomingMessage): boolean {
    const h = req.headers.authorization;
    if (!h || !/^basic /i.test(h)) return false;
    const decoded = Buffer.from(h.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    const id = decoded.slice(0, colon);
    const secret = decoded.slice(colon + 1);
    if (safeEqual(id, this.opts.appId) && safeEqual(secret, this.opts.appSecret)) return true;
    return this.core.admin.checkApp(id, secret);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const rawPath = q >= 0 ? rawUrl.slice(0, q) : rawUrl;
    const rawQuery = q >= 0 ? rawUrl.slice(q + 1) : '';
    const method = (req.method ?? 'GET').toUpperCase();

    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (e) {
      if (e instanceof BodyTooLarge) {
        res.setHeader('connection', 'close');
        this.send(res, text(413, 'Request Entity Too Large'));
        res.once('finish', () => req.destroy());
        return;
      }
      throw e;
    }

    const rawSegments = rawPath.split('/').filter((s) => s.length > 0);
    const segments = pathSegments(rawPath);
    if (segments.length === 1 && segments[0] === 'status' && method === 'GET') {
      return this.send(res, text(200, `Node ${this.core.node} is started\nemqx is running`));
    }
    if (segments[0] !== 'api') return this.frameworkError(res, notFound(), '/');

    let api: ApiVersion = 'v4';
    let base: ApiVersion | 'cloud' = 'cloud';
    let skip = 1;
    if (segments[1] === 'v4' || segments[1] === 'v3') {
      api = segments[1];
      base = segments[1];
      skip = 2;
    }
    const rest = segments.slice(skip);
    const relPath = `/${rawSegments.slice(skip).join('/')}`;

    if (!this.authorized(req)) {
      // minirest's 401 (cowboy_req:reply(401, #{<<"WWW-Authenticate">> => …}, <<"UNAUTHORIZED">>))
      // names no Content-Type at all
      return this.frameworkError(res, new FrameworkError(401, 'UNAUTHORIZED'), relPath, {
        'www-authenticate': 'Basic Realm="minirest-server"',
      });
    }

    const dev = this.core.deviations.forPath(relPath);
    if (dev.get('missing-endpoint')) return this.frameworkError(res, notFound(), relPath);
    const flaky = dev.get('flaky-500');
    if (flaky) {
      flaky.hits++;
      if (flaky.hits % (flaky.arg === undefined ? 5 : Number(flaky.arg)) === 0) return this.send(res, text(500, 'Internal Error'));
    }
    const slow = dev.numArg('slow', 2000);
    if (slow !== undefined && slow > 0) await new Promise((r) => setTimeout(r, slow));

    const router = this.opts.routers[base];
    if (rest.length === 0) {
      // minirest special-cases its root (dispatch("/", …) in 3.x and in 0.3.12 of 4.4.19): any
      // method but GET is 400 Bad Request (observed on 4.4.19 for POST, PUT, DELETE)
      if (method !== 'GET') return this.send(res, text(400, 'Bad Request'));
      // missing-endpoint: a route that is missing is not listed either (listed-404 keeps it listed)
      const listing = router.listing().filter((r) => !this.core.deviations.active('missing-endpoint', `/${r.path.replace(/^\/+/, '')}`));
      return this.send(res, dev.applyToSuccess({ kind: 'json', status: 200, body: { code: 0, data: listing } }));
    }
    const match = router.match(method, rest, rawSegments.slice(skip));
    if (!match) return this.frameworkError(res, notFound(), relPath);
    // listed-404: the route matched (and is listed) but answers as if it were not there
    if (dev.get('listed-404')) return this.frameworkError(res, notFound(), relPath);
    // list-500-after-delete: the listing at the prefix breaks once a DELETE under it succeeded
    const brittle = dev.get('list-500-after-delete');
    if (brittle?.tripped && method === 'GET' && isListingAt(relPath, brittle.prefix)) return this.send(res, text(500, 'Internal Error'));
    if (match.params.node !== undefined && match.params.node !== this.core.node) {
      return this.frameworkError(res, notFound(), relPath);
    }
    const plugin = this.opts.pluginOf(api, match.route.name);
    if (plugin && !this.core.admin.isActive(plugin)) return this.frameworkError(res, notFound(), relPath);

    // minirest's parse_params reads the body of any method (a GET with a body is parsed too) and
    // answers 400 `Bad Request` only when it is not JSON. A JSON scalar (`"x"`, 123, null, true)
    // is handed to the handler as its parameters (`[] ++ Scalar` is the scalar itself), and the
    // handler decides: proplists crash on it (500 `Internal Error`), publish's try turns it
    // into 108 (observed on 4.4.19). The 3.x API keeps answering 400 for scalars.
    let parsed: unknown;
    if (body.length > 0) {
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        return this.send(res, text(400, 'Bad Request'));
      }
      if (api === 'v3' && (parsed === null || typeof parsed !== 'object')) return this.send(res, text(400, 'Bad Request'));
    }

    const ctx: Ctx = {
      core: this.core,
      api,
      method,
      relPath,
      params: match.params,
      query: parseQuery(rawQuery),
      body: parsed,
      dev,
    };
    let reply: Reply;
    try {
      reply = await match.route.handler(ctx);
    } catch (e) {
      if (e instanceof FrameworkError) return this.frameworkError(res, e, relPath);
      if (e instanceof HandlerThrow) {
        // 3.x minirest answers every exception with 500; 4.4.19's turns a throw into 400
        const status = api === 'v4' ? this.core.behaviour.throwStatus : 500;
        return this.send(res, text(status, status === 400 ? e.term : 'Internal Error'));
      }
      return this.send(res, text(500, 'Internal Error'));
    }
    if (brittle && method === 'DELETE' && reply.kind === 'json' && reply.status === 200 && reply.body.code === 0) brittle.tripped = true;
    if (reply.kind === 'json' && this.core.variations.has('extra-fields')) reply = withExtraFields(reply);
    if (reply.kind === 'json') reply = dev.applyToSuccess(reply);
    this.send(res, reply);
  }

  private frameworkError(res: ServerResponse, e: FrameworkError, relPath: string, headers?: Record<string, string>): void {
    if ((e.status === 401 || e.status === 404) && this.core.deviations.active('json-framework-errors', relPath)) {
      for (const [k, v] of Object.entries(headers ?? {})) res.setHeader(k, v);
      return this.send(res, { kind: 'json', status: e.status, body: { code: e.status, message: e.text } });
    }
    this.send(res, { ...text(e.status, e.text, headers), noContentType: e.status === 401 });
  }

  private send(res: ServerResponse, reply: Reply): void {
    if (res.headersSent) return;
    // cowboy names itself on every answer
    res.setHeader('server', 'Cowboy');
    if (reply.kind === 'json') {
      const payload = JSON.stringify(envelopeOrder(reply.body));
      res.writeHead(reply.status, { 'content-type': reply.contentType ?? 'application/json', 'content-length': Buffer.byteLength(payload) });
      res.end(payload);
    } else {
      res.writeHead(reply.status, { ...(reply.noContentType ? {} : { 'content-type': 'text/plain' }), 'content-length': Buffer.byteLength(reply.body), ...(reply.headers ?? {}) });
      res.end(reply.body);
    }
  }
}

/** The listing the prefix names: the path is the prefix itself (trailing slash or not). */
function isListingAt(relPath: string, prefix: string | undefined): boolean {
  if (prefix === undefined) return false;
  const strip = (p: string) => (p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p);
  return strip(relPath) === strip(prefix);
}

/**
 * The `extra-fields` variation: every object of a successful answer's `data` (the object itself,
 * or each object of a list) carries a field the documents never mention, as newer releases add
 * fields (`extra_info`).
 */
function withExtraFields(reply: JsonReply): JsonReply {
  if (reply.body.code !== 0 || reply.body.data === undefined) return reply;
  const add = (v: Json | undefined): Json | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? { ...v, extra_info: {} } : v);
  const data = reply.body.data;
  return { ...reply, body: { ...reply.body, data: Array.isArray(data) ? data.map((d) => add(d) as Json) : add(data) } };
}

/**
 * jiffy prints a small Erlang map with its keys in reverse order, so EMQX's envelope reads
 * `{"meta":…,"data":…,"code":0}` and `{"message":…,"code":108}` (observed on 4.4.19). The
 * envelope is put in that order; the items keep the order their formatters give them.
 */
function envelopeOrder(body: JsonObject): JsonObject {
  const keys = Object.keys(body);
  if (keys.length < 2) return body;
  const out: JsonObject = {};
  for (const k of keys.sort().reverse()) out[k] = body[k];
  return out;
}
