// How requests leave the harness. The contract suites plug in Playwright's `request`
// fixture; the CLI's preflight and the scripts use the node:http one below. Either way a
// request that cannot complete becomes a TargetError naming it, never a hang.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';
import { TargetError } from './errors.ts';

export interface RawRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

export interface RawResponse {
  status: number;
  /** lower-case names */
  headers: Record<string, string>;
  text: string;
}

export interface Transport {
  send(req: RawRequest): Promise<RawResponse>;
  close?(): Promise<void>;
}

/** Bodies beyond this are cut: a contract check never needs more, and a runaway target must not exhaust memory. */
const MAX_BODY = 64 * 1024 * 1024;

export function nodeTransport(tls: { caFile?: string; insecure?: boolean } = {}): Transport {
  const ca = tls.caFile ? readFileSync(tls.caFile) : undefined;
  return {
    send(req) {
      return new Promise<RawResponse>((resolve, reject) => {
        const url = new URL(req.url);
        const fn = url.protocol === 'https:' ? httpsRequest : httpRequest;
        const label = `${req.method} ${url.origin}${url.pathname}`;
        const r = fn(
          url,
          {
            method: req.method,
            headers: { ...req.headers, ...(req.body !== undefined ? { 'content-length': Buffer.byteLength(req.body).toString() } : {}) },
            ...(url.protocol === 'https:' ? { ca, rejectUnauthorized: !tls.insecure } : {}),
          },
          (res) => {
            const chunks: Buffer[] = [];
            let size = 0;
            res.on('data', (c: Buffer) => {
              size += c.length;
              if (size <= MAX_BODY) chunks.push(c);
            });
            res.on('end', () => {
              const headers: Record<string, string> = {};
              for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
              resolve({ status: res.statusCode ?? 0, headers, text: Buffer.concat(chunks).toString('utf8') });
            });
            res.on('error', (e) => reject(new TargetError(`response broke off: ${e.message}`, label)));
          },
        );
        r.setTimeout(req.timeoutMs, () => r.destroy(new TargetError(`no answer within ${req.timeoutMs} ms`, label)));
        r.on('error', (e: NodeJS.ErrnoException) => reject(e instanceof TargetError ? e : new TargetError(describeNetError(e), label)));
        if (req.body !== undefined) r.write(req.body);
        r.end();
      });
    },
  };
}

export function describeNetError(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case 'ECONNREFUSED':
      return 'connection refused (is the broker running, and is this its management port?)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host not found (${e.message.split(' ').at(-1)})`;
    case 'ECONNRESET':
      return 'the connection was reset by the target';
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
      return `TLS certificate not trusted (${e.code}): give the CA with EMQX_TLS_CA or use --insecure`;
    default:
      return e.code ? `${e.code}: ${e.message}` : e.message;
  }
}
