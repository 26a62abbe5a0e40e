// The expectations table of negative cases (schemas/expectations/negative.json): what a
// target should answer to bad input, per API version and EMQX version range. This module
// picks the outcome for a target's release and compares an answer with it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import type { ApiResponse } from './api-client.ts';
import { REPO_ROOT } from './schema-registry.ts';
import { escapePointerToken, showValue } from './findings.ts';

export interface Outcome {
  /** space-separated comparators over X.Y.Z, e.g. `>=4.0.0 <4.3.9` */
  versions: string;
  status?: number;
  contentType?: 'json' | 'text';
  /** a JSON subset the answer must contain */
  body?: unknown;
  /** the exact text of a text/plain answer */
  bodyText?: string;
  /** lower-case header name → exact value */
  headers?: Record<string, string>;
  /** this release does not route the path at all (a 404 for the route, not for the case) */
  routeAbsent?: true;
  /** batch endpoints: the `code` of each element of `data`, in request order */
  itemCodes?: number[];
  /** the behaviour in this range is not known; the check is skipped there, never passed */
  unknown?: true;
  reason?: string;
  note?: string;
  source: { doc?: string; behaviour?: string; emqx?: string };
}

export interface Expectation {
  id: string;
  endpoint: string;
  case: string;
  title: string;
  request: {
    params?: Record<string, string>;
    query?: Record<string, string>;
    body?: unknown;
    rawBody?: string | null;
    auth?: 'valid' | 'wrong' | 'none';
    /** unknown-route cases only: replace the endpoint's method and path (relative to the base) */
    method?: string;
    path?: string;
  };
  /** EMQX plugins the outcomes assume are running */
  requires?: { plugins: string[] };
  outcomes: Outcome[];
}

const FILE = join(REPO_ROOT, 'schemas', 'expectations', 'negative.json');

let loaded: Expectation[] | undefined;
export function expectations(): Expectation[] {
  loaded ??= existsSync(FILE) ? (JSON.parse(readFileSync(FILE, 'utf8')) as Expectation[]) : [];
  return loaded;
}

/** `v4.4.19`, `4.4.19`, `EMQX 4.3.8 (enterprise)` → `4.4.19`; `develop` → undefined. */
export function normalizeVersion(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  return semver.coerce(raw)?.version;
}

export function outcomeFor(exp: Expectation, emqxVersion: string | undefined): Outcome | undefined {
  const v = normalizeVersion(emqxVersion);
  if (!v) {
    // without a version only a table that agrees across all releases can be held
    return exp.outcomes.length === 1 ? exp.outcomes[0] : undefined;
  }
  return exp.outcomes.find((o) => semver.satisfies(v, o.versions));
}

export interface Mismatch {
  pointer: string;
  expected: string;
  actual: string;
}

/** How an answer differs from an outcome; empty when it matches. */
export function compareWithOutcome(outcome: Outcome, res: ApiResponse): Mismatch[] {
  const out: Mismatch[] = [];
  if (outcome.status !== undefined && res.status !== outcome.status) {
    out.push({ pointer: 'HTTP status', expected: String(outcome.status), actual: String(res.status) });
  }
  if (outcome.contentType === 'json' && !res.isJson) {
    out.push({ pointer: 'content-type', expected: 'a JSON body', actual: `${res.headers['content-type'] ?? 'no content-type'}: ${showValue(res.text)}` });
  }
  if (outcome.contentType === 'text' && res.isJson) {
    out.push({ pointer: 'content-type', expected: 'a text/plain body', actual: `JSON ${showValue(res.json)}` });
  }
  if (outcome.bodyText !== undefined && res.text.trim() !== outcome.bodyText.trim()) {
    out.push({ pointer: '(body)', expected: showValue(outcome.bodyText), actual: showValue(res.text) });
  }
  for (const [name, value] of Object.entries(outcome.headers ?? {})) {
    const got = res.headers[name.toLowerCase()];
    if (got !== value) out.push({ pointer: `header ${name}`, expected: showValue(value), actual: showValue(got) });
  }
  if (outcome.body !== undefined) {
    if (!res.isJson) out.push({ pointer: '', expected: showValue(outcome.body), actual: showValue(res.text) });
    else subsetMismatches(outcome.body, res.json, '', out);
  }
  if (outcome.itemCodes !== undefined) {
    const items = (res.json as { data?: unknown } | undefined)?.data;
    const codes = Array.isArray(items) ? items.map((i) => (i as { code?: unknown } | null)?.code) : undefined;
    if (JSON.stringify(codes) !== JSON.stringify(outcome.itemCodes)) {
      out.push({ pointer: '/data/*/code', expected: showValue(outcome.itemCodes), actual: codes ? showValue(codes) : 'no data list' });
    }
  }
  return out;
}

function subsetMismatches(expected: unknown, actual: unknown, pointer: string, out: Mismatch[]): void {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
      out.push({ pointer, expected: showValue(expected), actual: showValue(actual) });
      return;
    }
    for (const [k, v] of Object.entries(expected)) {
      subsetMismatches(v, (actual as Record<string, unknown>)[k], `${pointer}/${escapePointerToken(k)}`, out);
    }
    return;
  }
  if (JSON.stringify(expected) !== JSON.stringify(actual)) out.push({ pointer, expected: showValue(expected), actual: showValue(actual) });
}

export interface Placeholders {
  node: string;
  unknownNode: string;
  unknownClient: string;
  unknownId: string;
  connectedClient?: string;
  connectedUsername?: string;
}

/** Fill `$node`, `$unknownClient`, … in any string of a request spec. */
export function fillPlaceholders<T>(value: T, p: Placeholders): T {
  const map: Record<string, string | undefined> = {
    $node: p.node,
    $unknownNode: p.unknownNode,
    $unknownClient: p.unknownClient,
    $unknownId: p.unknownId,
    $connectedClient: p.connectedClient,
    $connectedUsername: p.connectedUsername,
  };
  const fill = (v: unknown): unknown => {
    if (typeof v === 'string') {
      return v.replace(/\$(node|unknownNode|unknownClient|unknownId|connectedClient|connectedUsername)\b/g, (m) => {
        const r = map[m];
        if (r === undefined) throw new Error(`placeholder ${m} has no value here`);
        return r;
      });
    }
    if (Array.isArray(v)) return v.map(fill);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)]));
    return v;
  };
  return fill(value) as T;
}

/** Which placeholders a request spec uses, so the runner prepares only those (a connected client costs a connection). */
export function placeholdersUsed(exp: Expectation): Set<string> {
  return new Set([...JSON.stringify(exp.request).matchAll(/\$(\w+)/g)].map((m) => m[1]!));
}
