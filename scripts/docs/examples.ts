// Pulls every example request and response body out of the two API documents
// (schemas/source/) and tags each with its catalog endpoint. `npm run gen` writes the
// result to schemas/examples/<version>.json; a test fails when that file is stale.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ApiVersion, type CatalogEntry, catalog, matchEntry } from '../../src/catalog.ts';
import { REPO_ROOT } from '../../src/schema-registry.ts';
import type { DocExample } from '../../src/examples.ts';

export type { DocExample };


export const SOURCE_FILES: Record<ApiVersion, string> = { v4: 'v4-cloud.md', v3: 'v3.md' };

function readDoc(version: ApiVersion): string[] {
  return readFileSync(join(REPO_ROOT, 'schemas', 'source', SOURCE_FILES[version]), 'utf8').split('\n');
}

/** Parse JSON the documents print, cutting the `, ...` elisions they use in long lists. */
function parseDocJson(text: string): { body: unknown; elided: boolean } {
  const cut = text.replace(/,\s*\.\.\.\s*(?=[\]}])/g, '');
  return { body: JSON.parse(cut), elided: cut !== text };
}

/** The entry whose section (heading line) holds `line`: the last entry heading at or before it. */
function sectionEntry(entries: CatalogEntry[], line: number): CatalogEntry | undefined {
  let best: CatalogEntry | undefined;
  for (const e of entries) if (e.doc.line <= line && (!best || e.doc.line > best.doc.line)) best = e;
  return best;
}

function nearestHeading(lines: string[], line: number, re: RegExp): string {
  for (let i = line - 1; i >= 0; i--) if (re.test(lines[i] ?? '')) return (lines[i] ?? '').replace(/^#+\s*/, '').trim();
  return '';
}

function make(
  endpoint: CatalogEntry,
  direction: DocExample['direction'],
  line: number,
  heading: string,
  text: string,
  request?: DocExample['request'],
  urlMismatch = false,
): DocExample {
  const { body, elided } = parseDocJson(text);
  return {
    id: `${endpoint.id}@L${line}:${direction}`,
    endpoint: endpoint.id,
    direction,
    line,
    heading,
    ...(request ? { request } : {}),
    body,
    ...(elided ? { elided: true as const } : {}),
    ...(urlMismatch ? { urlMismatch: true as const } : {}),
  };
}

// ---- 4.x / Cloud: ```bash blocks holding `curl …` then the response on the next paragraph
function extractV4(): DocExample[] {
  const lines = readDoc('v4');
  const entries = catalog('v4');
  const out: DocExample[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith('```bash')) continue;
    let end = i + 1;
    while (end < lines.length && !lines[end]!.startsWith('```')) end++;
    const block = lines.slice(i + 1, end);
    const blank = block.findIndex((l) => l.trim() === '');
    const command = block.slice(0, blank < 0 ? block.length : blank).join('\n');
    const responseStart = blank < 0 ? -1 : block.findIndex((l, k) => k > blank && l.trim() !== '');
    // the target is the last quoted URL: a -d body may hold URLs of its own
    const url = [...command.matchAll(/["'](https?:\/\/[^"']+)["']/g)].at(-1)?.[1];
    if (!url) throw new Error(`v4 doc line ${i + 2}: example without URL`);
    const data = /-d\s*'([\s\S]*?)'/.exec(command)?.[1];
    const method = /-X\s*(GET|POST|PUT|DELETE)/.exec(command)?.[1] ?? (data ? 'POST' : 'GET');
    const u = new URL(url);
    const path = u.pathname.replace(/^\/api/, '');
    const section = sectionEntry(entries, i + 1);
    let entry = matchEntry('v4', method, path);
    const urlMismatch = !entry;
    entry ??= section;
    if (!entry) throw new Error(`v4 doc line ${i + 2}: no endpoint for ${method} ${path}`);
    const heading = nearestHeading(lines, i + 1, /^#### /);
    const request = { method, path: u.pathname + u.search };
    if (data !== undefined) {
      const dataLine = i + 2 + block.findIndex((l) => l.includes('-d'));
      out.push(make(entry, 'request', dataLine, heading, data, request, urlMismatch));
    }
    if (responseStart >= 0) {
      const text = block.slice(responseStart).join('\n');
      out.push(make(entry, 'response', i + 2 + responseStart, heading, text, request, urlMismatch));
    }
    i = end;
  }
  return out;
}

// ---- 3.x: "# Heading" sections with "Response:" / "Request JSON Parameter:" labels and indented JSON
const V3_RESPONSE = /^(Response|Response Example|Example Response):$/;
const V3_REQUEST_BODY = /^(Request JSON Parameter|Parameter Example):$/;
const V3_REQUEST_LINE = /^(Example Request|Request Example):*$/;

function readJsonBlock(lines: string[], from: number): { text: string; start: number; end: number } {
  let start = from;
  while ((lines[start] ?? '').trim() === '') start++;
  let depth = 0;
  let end = start;
  for (; end < lines.length; end++) {
    for (const ch of lines[end]!) {
      if (ch === '{' || ch === '[') depth++;
      if (ch === '}' || ch === ']') depth--;
    }
    if (depth === 0) break;
  }
  return { text: lines.slice(start, end + 1).join('\n'), start, end };
}

function extractV3(): DocExample[] {
  const lines = readDoc('v3');
  const entries = catalog('v3');
  const out: DocExample[] = [];
  let lastRequest: DocExample['request'] | undefined;
  for (let i = 0; i < lines.length; i++) {
    const label = lines[i]!.trim();
    if (/^# /.test(lines[i]!)) lastRequest = undefined;
    if (V3_REQUEST_LINE.test(label) || label === 'Definition:') {
      let k = i + 1;
      while ((lines[k] ?? '').trim() === '') k++;
      const m = /^(GET|POST|PUT|DELETE) '?api\/v3\/?([^'\s]*)'?/.exec(lines[k]!.trim());
      // the definition prints placeholders (${node}, :id); a concrete example request wins
      if (m && (label !== 'Definition:' || !lastRequest)) lastRequest = { method: m[1]!, path: `/api/v3/${m[2]}` };
      continue;
    }
    const isResponse = V3_RESPONSE.test(label);
    if (!isResponse && !V3_REQUEST_BODY.test(label)) continue;
    const block = readJsonBlock(lines, i + 1);
    const heading = nearestHeading(lines, i + 1, /^# /);
    let entry = sectionEntry(entries.filter((e) => !e.indexOnly || e.id === 'v3.list_all_api'), i + 1);
    let direction: DocExample['direction'] = isResponse ? 'response' : 'request';
    let urlMismatch = false;
    if (heading.startsWith('When the HTTP status code is 5xx') && lastRequest) {
      // the error example belongs to the request it shows, not to the section above it
      const path = lastRequest.path.replace(/^\/api\/v3/, '').replace(/\?.*$/, '');
      entry = matchEntry('v3', lastRequest.method, path);
      direction = 'error-response';
    } else if (heading === 'Pagination parameters and meta-data') {
      entry = undefined;
    } else if (entry && lastRequest) {
      const path = lastRequest.path.replace(/^\/api\/v3/, '').replace(/\?.*$/, '').replace(/\/$/, '') || '/';
      const byUrl = matchEntry('v3', lastRequest.method, path);
      urlMismatch = byUrl?.id !== entry.id;
    }
    if (entry) out.push(make(entry, direction, block.start + 1, heading, block.text, lastRequest, urlMismatch));
    else {
      // the generic example of the pagination section belongs to no single endpoint
      const generic = make(entries[0]!, direction, block.start + 1, heading, block.text);
      out.push({ ...generic, id: `v3.pagination@L${generic.line}:response`, endpoint: 'v3.*', validateAs: 'common.json#/$defs/pageOfAnything' });
    }
    i = block.end;
  }
  return out;
}

export function extractExamples(version: ApiVersion): DocExample[] {
  return version === 'v4' ? extractV4() : extractV3();
}
