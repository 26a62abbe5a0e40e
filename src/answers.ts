// The one set of readers for answers (data, code, meta), so suites, recipes, sweeps and
// probes say what they read rather than how to dig for it.
import type { ApiCall } from './api-client.ts';

/** `data` as it came (object, list, or undefined). */
export function dataOf<T = unknown>(call: ApiCall): T {
  return (call.response.json as { data?: T } | undefined)?.data as T;
}

/** `data` as a list: a lookup's list, a single object as one item, nothing as none. */
export function data<T = Record<string, unknown>>(call: ApiCall): T[] {
  const d = dataOf<unknown>(call);
  return Array.isArray(d) ? (d as T[]) : d !== undefined && d !== null ? [d as T] : [];
}

export function metaOf<T = Record<string, unknown>>(call: ApiCall): T | undefined {
  return (call.response.json as { meta?: T } | undefined)?.meta;
}

export function codeOf(call: ApiCall): unknown {
  return (call.response.json as { code?: unknown } | undefined)?.code;
}

/** The one meaning of a successful call: HTTP 200, a JSON body (by its content type), code 0. */
export function succeeded(call: ApiCall): boolean {
  return call.response.status === 200 && call.response.isJson && codeOf(call) === 0;
}

/** Project an object onto the fields a check compares. */
export function pick(o: Record<string, unknown> | undefined, fields: string[]): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => [f, o?.[f]]));
}
