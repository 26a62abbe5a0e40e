// Requests from the suites go through Playwright's APIRequestContext (the `request`
// fixture's machinery), so Playwright's report sees them; timeouts become TargetErrors
// like the node transport's. The body goes as bytes: given a string with a JSON content
// type, Playwright re-encodes one that does not parse as a JSON *string*, so a malformed
// body would reach the broker as valid JSON while the reproducing curl sends the real bytes.
import type { APIRequestContext } from '@playwright/test';
import { TargetError } from '../../src/errors.ts';
import type { Transport } from '../../src/transport.ts';

export function playwrightTransport(ctx: APIRequestContext): Transport {
  return {
    async send(req) {
      const url = new URL(req.url);
      const label = `${req.method} ${url.origin}${url.pathname}`;
      try {
        const res = await ctx.fetch(req.url, {
          method: req.method,
          headers: req.headers,
          data: req.body === undefined ? undefined : Buffer.from(req.body, 'utf8'),
          timeout: req.timeoutMs,
          failOnStatusCode: false,
          maxRedirects: 0,
        });
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers())) headers[k.toLowerCase()] = v;
        return { status: res.status(), headers, text: await res.text() };
      } catch (e) {
        const msg = (e as Error).message.split('\n')[0] ?? String(e);
        if (/Timeout/i.test(msg)) throw new TargetError(`no answer within ${req.timeoutMs} ms`, label);
        if (/ECONNREFUSED/.test(msg)) throw new TargetError('connection refused (is the broker running, and is this its management port?)', label);
        if (/ECONNRESET|socket hang up/i.test(msg)) throw new TargetError('the connection was reset by the target', label);
        throw new TargetError(msg, label);
      }
    },
    close: () => ctx.dispose(),
  };
}
