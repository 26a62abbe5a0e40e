// What a handler answers. EMQX (minirest) has two kinds of answers: JSON bodies with HTTP 200,
// where success and business errors differ only in `code`, and plain-text framework errors
// (401, 400, 404, 500) that never carry JSON. Handlers return the first and throw the second.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json | undefined };
export type JsonObject = { [key: string]: Json | undefined };

export interface JsonReply {
  kind: 'json';
  status: number;
  body: JsonObject;
  /** Content-Type other than application/json (only the `json-as-text` deviation sets it). */
  contentType?: string;
}

export interface TextReply {
  kind: 'text';
  status: number;
  body: string;
  headers?: Record<string, string>;
  /** Sent without any Content-Type header (minirest's 401), instead of text/plain. */
  noContentType?: boolean;
}

export type Reply = JsonReply | TextReply;

/** `{"code":0}` or `{"code":0,"data":...}`. */
export function ok(data?: Json, extra?: JsonObject): JsonReply {
  const body: JsonObject = { code: 0 };
  if (data !== undefined) body.data = data;
  if (extra) Object.assign(body, extra);
  return { kind: 'json', status: 200, body };
}

/** A business error: still HTTP 200, with `code` and `message`. */
export function fail(code: number, message: string): JsonReply {
  return { kind: 'json', status: 200, body: { code, message } };
}

/** minirest `return({error, Msg})`: a body with a message and no `code` key at all. */
export function failNoCode(message: string): JsonReply {
  return { kind: 'json', status: 200, body: { message } };
}

export function text(status: number, body: string, headers?: Record<string, string>): TextReply {
  return { kind: 'text', status, body, headers };
}

/** A framework error (minirest's own replies): plain text, never JSON. */
export class FrameworkError extends Error {
  constructor(
    readonly status: number,
    readonly text: string,
  ) {
    super(text);
  }
}

export const notFound = (): FrameworkError => new FrameworkError(404, 'Not found.');
export const internalError = (): FrameworkError => new FrameworkError(500, 'Internal Error');

/**
 * An Erlang `throw` escaping a handler (e.g. a filter value that can't be converted). minirest
 * turns it into 500 `Internal Error` before 4.4.19 and, from 4.4.19 (minirest 0.3.12), into 400
 * with the thrown term printed as the text body; `term` is that print-out.
 */
export class HandlerThrow extends Error {
  constructor(readonly term: string) {
    super(term);
  }
}
