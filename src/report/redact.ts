// The one redaction every report file passes through before it is written. Findings are
// supposed to carry redacted curls already; this is the guard for the day one does not
// (a message quoting a request, an error echoing a header), so a secret never reaches a
// file that CI archives or publishes.
import { escapeAttr, jsonForScript } from './text.ts';

export const REDACTED = '***';

// Runs of base64 / base64url characters: where an encoded `id:secret` can hide
// (`Authorization: Basic …`, `"authorization":"Basic …"`, a header dumped by a client).
const BASE64_RUN = /[A-Za-z0-9+/_-]{4,}={0,2}/g;

/**
 * Replaces each secret with `***`: as written, in the encodings a view applies to text
 * (JSON string, HTML/XML attribute, `<script>`-safe JSON, URL) and in base64 — any base64
 * run that decodes to text containing a secret, which is how `Basic` credentials carry it.
 * `-u id:secret` loses its secret to the plain replacement.
 *
 * Every occurrence is replaced, even inside ordinary words: a short secret such as EMQX's
 * default `public` costs some readability, which is the right side to err on.
 */
export function redact(text: string, secrets: readonly string[]): string {
  const live = liveSecrets(secrets);
  if (live.length === 0) return text;
  let out = text.replace(BASE64_RUN, (run) => redactBase64Run(run, live));
  for (const form of live.flatMap(encodedForms).sort(longestFirst)) out = out.split(form).join(REDACTED);
  return out;
}

/** `redact` applied to every string in a JSON-like value (keys included), keeping its shape. */
export function redactStrings<T>(value: T, secrets: readonly string[]): T {
  if (liveSecrets(secrets).length === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redact(v, secrets);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [redact(k, secrets), walk(x)]));
    }
    return v;
  };
  return walk(value) as T;
}

function liveSecrets(secrets: readonly string[]): string[] {
  return [...new Set(secrets.filter((s) => s.length > 0))].sort(longestFirst);
}

// Longest first, so a secret that contains another is replaced whole rather than leaving a tail.
function longestFirst(a: string, b: string): number {
  return b.length - a.length;
}

function encodedForms(secret: string): string[] {
  const inJsonString = JSON.stringify(secret).slice(1, -1);
  return [
    ...new Set([
      secret,
      inJsonString,
      jsonForScript(inJsonString),
      escapeAttr(secret),
      encodeURIComponent(secret),
      Buffer.from(secret).toString('base64').replace(/=+$/, ''),
    ]),
  ].filter((f) => f.length > 0);
}

// A run may have up to three characters glued in front of the real token (`Basic%20…` reads
// as `20…`), which shifts the 4-character alignment; trying each offset finds it anyway.
function redactBase64Run(run: string, secrets: string[]): string {
  for (let offset = 0; offset < 4 && run.length - offset >= 4; offset++) {
    const decoded = Buffer.from(run.slice(offset).replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('latin1');
    const utf8 = Buffer.from(decoded, 'latin1').toString('utf8');
    if (secrets.some((s) => decoded.includes(s) || utf8.includes(s))) return run.slice(0, offset) + REDACTED;
  }
  return run;
}
