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
  /**
   * Where real EMQX releases differ from the document and the schema keeps the document's
   * form: each is a known deviation within its release range, and a failure outside it.
   */
  deviations?: KnownDeviation[];
}

export interface KnownDeviation {
  /** catalog ids the deviation is seen on */
  endpoints: string[];
  /** JSON pointer of the failure; a `*` token matches any one token */
  pointer: string;
  /** only where a field beside the failing one has this value (e.g. connected: false) */
  when?: { sibling: string; equals: unknown };
  /** the document's form, in words */
  documented: string;
  /** the real form: the field is absent, or the value at the pointer satisfies this JSON Schema */
  real: { absent: true; words: string } | { schema: Record<string, unknown>; words: string };
  /** the releases that answer so (semver range over X.Y.Z) */
  releases: string;
  /** observed on a real release (`4.4.19`), and/or read in an EMQX source file (repo@ref:path) */
  evidence: { observed?: string[]; source?: string[] };
  /** a release outside the range, where the same answer must fail */
  outside: string;
  /** how the tests build a real-form answer: a documented example with the field removed or set */
  proof: { example: string; remove?: string; set?: { pointer: string; value: unknown } };
}

export function errata(version: ApiVersion): Erratum[] {
  const file = join(REPO_ROOT, 'schemas', 'errata', `${version}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Erratum[]) : [];
}
