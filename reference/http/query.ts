// Query strings and path segments are decoded the way EMQX decodes them (docs/emqx-behaviour.md §14):
// a path segment is percent-decoded once and `+` stays `+`; a query value is decoded twice
// (cowboy turns `+` into a space and `%XX` into bytes, then emqx_mgmt_util:urldecode runs again).

/** Decode `%XX` sequences once; a malformed sequence is left as it is rather than rejected. */
export function percentDecode(s: string): string {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s.replace(/%([0-9a-fA-F]{2})/g, (whole, hex: string) => {
      const code = parseInt(hex, 16);
      return code < 0x80 ? String.fromCharCode(code) : whole;
    });
  }
}

export type Query = ReadonlyMap<string, string>;

/** First occurrence wins, as with proplists:get_value/2. */
export function parseQuery(raw: string): Query {
  const out = new Map<string, string>();
  if (!raw) return out;
  for (const part of raw.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const k = eq < 0 ? part : part.slice(0, eq);
    const v = eq < 0 ? '' : part.slice(eq + 1);
    const key = percentDecode(percentDecode(k.replace(/\+/g, ' ')));
    if (out.has(key)) continue;
    out.set(key, percentDecode(percentDecode(v.replace(/\+/g, ' '))));
  }
  return out;
}

/** Split a raw path into decoded segments; `%2F` inside a segment stays inside it. */
export function pathSegments(rawPath: string): string[] {
  return rawPath
    .split('/')
    .filter((s) => s.length > 0)
    .map(percentDecode);
}
