// The HTTP client built from the catalog: call an endpoint by id, get the response with
// its timing and a reproducing curl. Paths and queries are encoded the way EMQX decodes
// them (docs/emqx-behaviour.md §14): path segments once, query values twice.
import { type CatalogEntry, entryById } from './catalog.ts';
import { curlFor } from './curl.ts';
import type { Target } from './target.ts';
import type { RawResponse, Transport } from './transport.ts';
import { encodePathParam, encodeQueryValue } from './url-encoding.ts';

export { encodePathParam, encodeQueryValue };

export type Auth = 'valid' | 'wrong' | 'none';

export interface CallOptions {
  params?: Record<string, string>;
  query?: Record<string, string | number | boolean>;
  /** a JSON value sent as the body */
  body?: unknown;
  /** a body sent exactly as given, with a JSON content type (for malformed-JSON cases) */
  rawBody?: string;
  auth?: Auth;
}

export interface ApiResponse extends RawResponse {
  /** the parsed body when the answer is JSON, else undefined */
  json?: unknown;
  isJson: boolean;
  durationMs: number;
}

export interface ApiCall {
  entry: CatalogEntry;
  method: string;
  url: string;
  /** `METHOD /path` as people read it in messages */
  label: string;
  requestBody?: string;
  response: ApiResponse;
  curl: string;
}

export class ApiClient {
  constructor(
    readonly target: Target,
    private readonly transport: Transport,
  ) {}

  url(entry: CatalogEntry, params: Record<string, string> = {}, query: CallOptions['query'] = {}): string {
    const path = entry.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const v = params[name];
      if (v === undefined) throw new Error(`${entry.id}: path parameter ${name} not given`);
      return encodePathParam(v);
    });
    const qs = Object.entries(query)
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeQueryValue(String(v))}`)
      .join('&');
    return `${this.target.apiUrl}${path === '/' ? '/' : path}${qs ? `?${qs}` : ''}`;
  }

  async call(endpointId: string, opts: CallOptions = {}): Promise<ApiCall> {
    const entry = entryById(endpointId);
    const url = this.url(entry, opts.params, opts.query);
    const requestBody = opts.rawBody ?? (opts.body !== undefined ? JSON.stringify(opts.body) : undefined);
    return this.send(entry, entry.method, url, requestBody, opts.auth ?? 'valid');
  }

  /** A request outside the catalog's shapes (unknown routes, the version's route list). */
  async raw(entry: CatalogEntry, method: string, url: string, body?: string, auth: Auth = 'valid'): Promise<ApiCall> {
    return this.send(entry, method, url, body, auth);
  }

  private async send(entry: CatalogEntry, method: string, url: string, requestBody: string | undefined, auth: Auth): Promise<ApiCall> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (auth !== 'none') {
      const secret = auth === 'valid' ? this.target.appSecret : `${this.target.appSecret}-wrong`;
      headers.authorization = `Basic ${Buffer.from(`${this.target.appId}:${secret}`).toString('base64')}`;
    }
    if (requestBody !== undefined) headers['content-type'] = 'application/json';
    const started = performance.now();
    const raw = await this.transport.send({ method, url, headers, body: requestBody, timeoutMs: this.target.timeoutMs });
    const durationMs = performance.now() - started;
    // judged by the content type, as a client would: JSON served as text/plain is a finding
    const isJson = /json/i.test(raw.headers['content-type'] ?? '');
    let json: unknown;
    if (isJson) {
      try {
        json = JSON.parse(raw.text);
      } catch {
        json = undefined;
      }
    }
    const u = new URL(url);
    return {
      entry,
      method,
      url,
      label: `${method} ${u.pathname}${u.search}`,
      requestBody,
      response: { ...raw, json, isJson: json !== undefined, durationMs },
      curl: curlFor({
        method,
        url,
        appId: this.target.appId,
        auth: auth !== 'none',
        body: requestBody,
        insecure: this.target.tls.insecure,
        caFile: this.target.tls.caFile,
      }),
    };
  }
}
