// Validates request and response bodies against the contract of a catalog endpoint and
// turns every violated rule into a Finding a person can read:
//   GET /clients data[3].port: expected integer, got "64491" (4.x/Cloud doc, "Get information of all clients in the cluster")
import type { ErrorObject } from 'ajv';
import { type CatalogEntry, docLabel, entryById } from './catalog.ts';
import { type CheckKind, type Finding, escapePointerToken, readablePointer, showValue } from './findings.ts';
import { type SchemaRegistry, schemaRegistry } from './schema-registry.ts';

export type Direction = 'request' | 'response';

export interface ValidationResult {
  ok: boolean;
  /** one finding per violated rule (verdict fail) */
  failures: Finding[];
  /** one finding per field the documents don't mention (verdict fail, check undocumented-field) */
  undocumented: Finding[];
}

export class ContractValidator {
  constructor(private readonly registry: SchemaRegistry = schemaRegistry()) {}

  /** Validate a body against the endpoint's request or response schema. */
  validate(endpointId: string, direction: Direction, body: unknown): ValidationResult {
    const entry = entryById(endpointId);
    const ref = direction === 'request' ? entry.request : entry.response;
    if (!ref) {
      return { ok: true, failures: [], undocumented: [] };
    }
    return this.validateRef(ref, body, entry, direction);
  }

  /** Validate against any schema ref, reporting as if for `entry`. */
  validateRef(ref: string, body: unknown, entry: CatalogEntry, direction: Direction = 'response'): ValidationResult {
    const contract = this.registry.contractValidator(ref);
    const failures = contract(body) ? [] : describeErrors(contract.errors ?? [], body, entry, direction);
    const strict = this.registry.strictValidator(ref);
    const undocumented = strict(body)
      ? []
      : (strict.errors ?? [])
          .filter((e) => e.keyword === 'additionalProperties')
          .map((e) => undocumentedField(e, body, entry, direction));
    return { ok: failures.length === 0, failures, undocumented: dedupe(undocumented) };
  }
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => (seen.has(f.pointer ?? '') ? false : (seen.add(f.pointer ?? ''), true)));
}

function valueAt(body: unknown, pointer: string): unknown {
  let node = body;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function checkKindFor(pointer: string): CheckKind {
  return pointer === '' || pointer === '/code' || pointer.startsWith('/meta') ? 'envelope' : 'schema';
}

function expectation(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'type':
      return String(p.type).replace(/,/g, ' or ');
    case 'required':
      return 'present';
    case 'const':
      return showValue(p.allowedValue);
    case 'enum':
      return `one of ${showValue(p.allowedValues)}`;
    case 'pattern':
      return `a string matching /${String(p.pattern)}/`;
    case 'format':
      return `a ${String(p.format)}`;
    case 'minimum':
      return `>= ${String(p.limit)}`;
    case 'maximum':
      return `<= ${String(p.limit)}`;
    case 'minItems':
      return `at least ${String(p.limit)} items`;
    case 'minLength':
      return `at least ${String(p.limit)} characters`;
    default:
      return e.message ?? e.keyword;
  }
}

function describeErrors(errors: ErrorObject[], body: unknown, entry: CatalogEntry, direction: Direction): Finding[] {
  // With allErrors, an anyOf reports each branch's errors and then its own; people want
  // one line saying which alternatives were allowed.
  const anyOfs = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  const underAnyOf = (e: ErrorObject): ErrorObject | undefined =>
    anyOfs.find((a) => a !== e && e.schemaPath.startsWith(a.schemaPath + '/'));
  const out: Finding[] = [];
  for (const e of errors) {
    if (underAnyOf(e)) continue;
    let pointer = e.instancePath;
    let expected: string;
    if (e.keyword === 'required') {
      pointer += '/' + escapePointerToken(String((e.params as { missingProperty: string }).missingProperty));
      expected = 'present';
    } else if (e.keyword === 'anyOf' || e.keyword === 'oneOf') {
      const branches = errors.filter((b) => underAnyOf(b) === e && b.instancePath === e.instancePath);
      expected = [...new Set(branches.map(expectation))].join(', or ') || (e.message ?? 'one of the alternatives');
    } else {
      expected = expectation(e);
    }
    const actual = showValue(valueAt(body, pointer));
    out.push(finding(entry, direction, checkKindFor(pointer), pointer, expected, actual));
  }
  return out;
}

function undocumentedField(e: ErrorObject, body: unknown, entry: CatalogEntry, direction: Direction): Finding {
  const name = String((e.params as { additionalProperty: string }).additionalProperty);
  const pointer = `${e.instancePath}/${escapePointerToken(name)}`;
  const f = finding(entry, direction, 'undocumented-field', pointer, 'only documented fields', showValue(valueAt(body, pointer)));
  f.message = `${entry.method} ${entry.path} ${readablePointer(pointer)}: field not in the documents, got ${f.actual} (${docLabel(entry)})`;
  return f;
}

function finding(
  entry: CatalogEntry,
  direction: Direction,
  check: CheckKind,
  pointer: string,
  expected: string,
  actual: string,
): Finding {
  const where = direction === 'request' ? 'request body ' : '';
  return {
    endpoint: entry.id,
    check,
    verdict: 'fail',
    pointer,
    expected,
    actual,
    doc: docLabel(entry),
    message: `${entry.method} ${entry.path} ${where}${readablePointer(pointer)}: expected ${expected}, got ${actual} (${docLabel(entry)})`,
  };
}
