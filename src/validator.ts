// Validates request and response bodies against the contract of a catalog endpoint and
// turns every violated rule into a Finding a person can read:
//   GET /clients data[3].port: expected integer, got "64491" (4.x/Cloud doc, "Get information of all clients in the cluster")
import type { ErrorObject } from 'ajv';
import { type CatalogEntry, docLabel, entryById } from './catalog.ts';
import { type CheckKind, type Finding, escapePointerToken, readablePointer, showValue, valueAtPointer } from './findings.ts';
import { classifyKnown } from './known-deviations.ts';
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

  /**
   * Validate a body against the endpoint's request or response schema. Given the target's
   * release, failures an erratum records for it come back as known deviations.
   */
  validate(endpointId: string, direction: Direction, body: unknown, emqxVersion?: string): ValidationResult {
    const entry = entryById(endpointId);
    const ref = direction === 'request' ? entry.request : entry.response;
    if (!ref) {
      return { ok: true, failures: [], undocumented: [] };
    }
    const result = this.validateRef(ref, body, entry, direction);
    if (direction === 'request' || !emqxVersion) return result;
    const failures = classifyKnown(result.failures, body, emqxVersion);
    return { ...result, failures, ok: failures.every((f) => f.verdict !== 'fail') };
  }

  /**
   * Whether the endpoint's response schema says anything about `data`: the 3.x routes known
   * only from the document's index accept any code-0 answer, and a check against them
   * cannot fail on data.
   */
  documentsData(endpointId: string): boolean {
    const ref = entryById(endpointId).response;
    const node = this.registry.resolve(ref) as { $ref?: unknown } | undefined;
    return !(typeof node?.$ref === 'string' && node.$ref.endsWith('#/$defs/looseSuccess'));
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
    const actual = showValue(valueAtPointer(body, pointer));
    out.push(finding(entry, direction, checkKindFor(pointer), pointer, expected, actual));
  }
  return out;
}

function undocumentedField(e: ErrorObject, body: unknown, entry: CatalogEntry, direction: Direction): Finding {
  const name = String((e.params as { additionalProperty: string }).additionalProperty);
  const pointer = `${e.instancePath}/${escapePointerToken(name)}`;
  const f = finding(entry, direction, 'undocumented-field', pointer, 'only documented fields', showValue(valueAtPointer(body, pointer)));
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
