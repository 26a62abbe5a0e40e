// The errata of the two documents (schemas/errata/<version>.json): where a document
// contradicts itself or real EMQX, both readings, the choice the schemas make, and the
// checks that hold the schemas to it (format: schemas/errata/README.md).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiVersion } from './catalog.ts';
import { REPO_ROOT } from './schema-registry.ts';

export type ErratumCheck =
  | { example: string; expect: 'pass' | 'url-mismatch' | 'no-schema' | 'meta-limit-mismatch' }
  | { example: string; expect: 'fail' | 'undocumented'; pointers: string[] }
  | { endpoint: string; direction: 'request' | 'response'; instance: unknown; expect: 'pass' | 'fail'; pointers?: string[] }
  | { docText: { line: number; includes: string } };

export interface Erratum {
  id: string;
  endpoints: string[];
  where: { document: '4.x/Cloud' | '3.x'; heading: string; line: number };
  kind: 'table-vs-example' | 'example-vs-example' | 'doc-vs-emqx' | 'path' | 'heading' | 'semantic';
  contradiction: string;
  readings: string[];
  choice: string;
  why: string;
  real?: string;
  checks: ErratumCheck[];
}

export function errata(version: ApiVersion): Erratum[] {
  const file = join(REPO_ROOT, 'schemas', 'errata', `${version}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Erratum[]) : [];
}
