// How EMQX decodes paths and queries (docs/emqx-behaviour.md §14), in one pure module: the
// catalog's HTTP client and the k6 scenarios both encode with it.

/**
 * Percent-encode a path parameter, except `@` and `:`, which are legal in a path segment.
 * EMQX turns node bindings into atoms from the raw path without decoding, so
 * `emqx%40127.0.0.1` would be an unknown node; ids like `rule:7fdb2c9e` are printed raw
 * by the documents too.
 */
export function encodePathParam(value: string): string {
  return encodeURIComponent(value).replace(/%40/g, '@').replace(/%3A/g, ':');
}

/** EMQX decodes query values twice (`+` → space, then %XX), so a literal % must arrive as %2525. */
export function encodeQueryValue(value: string): string {
  return encodeURIComponent(value).replace(/%25/g, '%2525');
}
