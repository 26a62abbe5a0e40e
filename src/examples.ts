// The documents' example bodies (schemas/examples/<version>.json, written by `npm run gen`)
// and how each is held to its schema: requests to the request schema, responses to the
// response schema, the error example to the error envelope.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ApiVersion, entryById } from './catalog.ts';
import { REPO_ROOT } from './schema-registry.ts';
import { type ContractValidator, type ValidationResult } from './validator.ts';

export interface DocExample {
  /** `<endpoint>@L<line>:<direction>`, stable while the documents don't change */
  id: string;
  /** catalog id, or `v3.*` for the generic pagination example */
  endpoint: string;
  direction: 'request' | 'response' | 'error-response';
  /** line of the document where the body starts */
  line: number;
  heading: string;
  /** the example's request as the document prints it */
  request?: { method: string; path: string };
  body: unknown;
  /** the document elides part of the body with `...`; it was cut there */
  elided?: true;
  /** the request URL printed in the example does not match the endpoint's path */
  urlMismatch?: true;
  /** for examples that belong to no endpoint: the schema ref to hold them to */
  validateAs?: string;
}

export function loadExamples(version: ApiVersion): DocExample[] {
  return JSON.parse(readFileSync(join(REPO_ROOT, 'schemas', 'examples', `${version}.json`), 'utf8')) as DocExample[];
}

export type ExampleOutcome = { kind: 'no-schema' } | ({ kind: 'validated'; ref: string } & ValidationResult);

export function validateExample(validator: ContractValidator, ex: DocExample): ExampleOutcome {
  // the generic example is reported under the endpoint the pagination section introduces
  const entry = entryById(ex.endpoint === 'v3.*' ? 'v3.list_banned' : ex.endpoint);
  const ref =
    ex.validateAs ??
    (ex.direction === 'request' ? entry.request : ex.direction === 'error-response' ? 'common.json#/$defs/errorBody' : entry.response);
  if (!ref) return { kind: 'no-schema' };
  return { kind: 'validated', ref, ...validator.validateRef(ref, ex.body, entry, ex.direction === 'request' ? 'request' : 'response') };
}
