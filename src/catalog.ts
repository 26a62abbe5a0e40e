// Reads the endpoint catalogs (schemas/catalog/v3.json, v4.json): the single list of endpoints.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './schema-registry.ts';

export type ApiVersion = 'v3' | 'v4';

export interface QueryParam {
  name: string;
  type: 'integer' | 'string' | 'boolean';
  enum?: (string | number)[];
  since?: string;
  description: string;
}

export interface CatalogEntry {
  id: string;
  apiVersion: ApiVersion;
  area: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  pathParams: { name: string; description: string }[];
  query: QueryParam[];
  request: string | null;
  response: string;
  paginated: boolean;
  pagination?: { hasnext: boolean; filterCountMinusOne: boolean };
  mutates: boolean;
  disruptive: boolean;
  nodeScoped: boolean;
  errors: string[];
  doc: { document: '4.x/Cloud' | '3.x'; section: string; heading: string; line: number };
  indexOnly?: boolean;
  indexName?: string;
}

const loaded = new Map<ApiVersion, CatalogEntry[]>();

export function catalog(version: ApiVersion): CatalogEntry[] {
  let entries = loaded.get(version);
  if (!entries) {
    entries = JSON.parse(readFileSync(join(REPO_ROOT, 'schemas', 'catalog', `${version}.json`), 'utf8')) as CatalogEntry[];
    loaded.set(version, entries);
  }
  return entries;
}

export function allEntries(): CatalogEntry[] {
  return [...catalog('v4'), ...catalog('v3')];
}

export function entryById(id: string): CatalogEntry {
  const version = id.split('.')[0] as ApiVersion;
  const entry = (version === 'v3' || version === 'v4' ? catalog(version) : []).find((e) => e.id === id);
  if (!entry) throw new Error(`unknown endpoint id: ${id}`);
  return entry;
}

function templateRegex(path: string): RegExp {
  const body = path
    .split(/(\{\w+\})/)
    .map((part) => (/^\{\w+\}$/.test(part) ? '([^/]+)' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}/?$`);
}

/** The entry whose method and path template match a concrete request path (relative to the version base). */
export function matchEntry(version: ApiVersion, method: string, path: string): CatalogEntry | undefined {
  const candidates = catalog(version).filter((e) => e.method === method && templateRegex(e.path).test(path));
  // a literal segment beats a parameter: /clients/username/x is not /clients/{clientid}/…
  return candidates.sort((a, b) => literalLength(b.path) - literalLength(a.path))[0];
}

function literalLength(path: string): number {
  return path.replace(/\{\w+\}/g, '').length;
}

/** How a finding names the document place: `4.x doc, "Get information of all clients in the cluster"`. */
export function docLabel(entry: CatalogEntry): string {
  return `${entry.doc.document} doc, "${entry.doc.heading}"`;
}
