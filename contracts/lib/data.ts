// Small readers for answers, so specs say what they check rather than how to dig for it.
import type { ApiCall } from '../../src/api-client.ts';

export function data<T = Record<string, unknown>>(call: ApiCall): T[] {
  const d = (call.response.json as { data?: unknown } | undefined)?.data;
  return Array.isArray(d) ? (d as T[]) : d !== undefined && d !== null ? [d as T] : [];
}

export function codeOf(call: ApiCall): unknown {
  return (call.response.json as { code?: unknown } | undefined)?.code;
}

/** Project an object onto the fields a check compares, in a stable order. */
export function pick(o: Record<string, unknown> | undefined, fields: string[]): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => [f, o?.[f]]));
}
