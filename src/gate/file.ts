// Reads a gate file (YAML or JSON; YAML is a superset of JSON) and validates it against
// schemas/gate.schema.json and the catalog. Every problem is one line naming the file and
// the line of the offending value: `gate.yml:14: waivers[2].expires must be a date
// YYYY-MM-DD, got "next week"` (docs/gating.md, "Validation").
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Document, LineCounter, isMap, isScalar, parseDocument } from 'yaml';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { allEntries } from '../catalog.ts';
import { UsageError } from '../errors.ts';
import { readablePointer, showValue } from '../findings.ts';
import { REPO_ROOT } from '../schema-registry.ts';
import { globMatches, pointerPatternProblem } from './match.ts';
import { isCalendarDate } from './words.ts';
import type { Gate, LoadedGate } from './model.ts';

export const GATE_SCHEMA_FILE = join(REPO_ROOT, 'schemas', 'gate.schema.json');

/** A gate file problem: already one line, `file:line: what`. */
export class GateFileError extends UsageError {
  override name = 'GateFileError';
}

/** Reads and validates a gate file; any problem is a GateFileError (a UsageError: exit 2, one line). */
export function loadGateFile(path: string): LoadedGate {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new GateFileError(`--gate ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a gate file' : (e as Error).message}`);
  }
  return { file: path, gate: parseGate(text, path) };
}

/** Parses and validates gate file text; `file` names it in messages. */
export function parseGate(text: string, file: string): Gate {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true });
  const fail = (line: number, what: string): never => {
    throw new GateFileError(`${file}:${line}: ${what}`);
  };
  const syntax = doc.errors[0];
  if (syntax) fail(syntax.linePos?.[0].line ?? 1, `not valid YAML or JSON: ${syntax.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`);
  if (doc.contents === null) fail(1, 'the gate file is empty (docs/gating.md has a complete example)');
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  const lineOf = (path: (string | number)[], key?: string): number => nodeLine(doc, lines, path, key);

  const validate = gateValidator();
  if (!validate(value)) {
    const problems = (validate.errors ?? []).map((e) => describeError(e, value, lineOf));
    problems.sort((a, b) => a.line - b.line);
    const first = problems[0]!;
    fail(first.line, first.text);
  }
  const gate = value as Gate;
  const semantic = semanticProblem(gate);
  if (semantic) fail(lineOf(semantic.path, semantic.key), semantic.text);
  return gate;
}

let compiled: ValidateFunction | undefined;

function gateValidator(): ValidateFunction {
  return (compiled ??= compileGateSchema());
}

/**
 * A plain Ajv2020 (the gate schema needs no formats), verbose so each error carries the
 * schema node it failed on: its `x-expect` phrase, its `properties` and `required`.
 */
function compileGateSchema(): ValidateFunction {
  const schema = JSON.parse(readFileSync(GATE_SCHEMA_FILE, 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv2020({ allErrors: true, strict: true, verbose: true });
  // the phrase messages use for what a value must be; descriptive, not a constraint
  ajv.addKeyword({ keyword: 'x-expect' });
  return ajv.compile(schema);
}

interface Located {
  line: number;
  text: string;
}

/** One ajv error in words, at the line of the value it is about. */
function describeError(e: ErrorObject, root: unknown, lineOf: (path: (string | number)[], key?: string) => number): Located {
  const path = pathOf(e.instancePath);
  const where = e.instancePath === '' ? 'the gate file' : readablePointer(e.instancePath);
  const got = valueAt(root, path);
  const schemaNode = e.parentSchema as Record<string, unknown> | undefined;
  const expect = typeof schemaNode?.['x-expect'] === 'string' ? (schemaNode['x-expect'] as string) : undefined;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      const known = Object.keys((schemaNode?.properties as object | undefined) ?? {});
      const name = e.instancePath === '' ? key : `${where}.${key}`;
      return { line: lineOf(path, key), text: `${name} is not a gate setting${known.length ? ` (expected one of: ${known.join(', ')})` : ''}` };
    }
    case 'required': {
      const key = String((e.params as { missingProperty: string }).missingProperty);
      const required = Array.isArray(schemaNode?.required) ? (schemaNode.required as string[]) : [];
      const what = e.instancePath.startsWith('/waivers/') ? 'a waiver' : where;
      return { line: lineOf(path), text: `${e.instancePath === '' ? key : `${where}.${key}`} is missing (${what} needs ${required.join(', ')})` };
    }
    case 'enum':
    case 'const': {
      const allowed = e.keyword === 'enum' ? ((e.params as { allowedValues: unknown[] }).allowedValues ?? []) : [(e.params as { allowedValue: unknown }).allowedValue];
      return { line: lineOf(path), text: `${where} must be ${allowed.length > 1 ? `one of ${allowed.map(String).join(', ')}` : String(allowed[0])}, got ${describeValue(got)}` };
    }
    case 'uniqueItems': {
      const j = (e.params as { j: number }).j;
      return { line: lineOf([...path, j]), text: `${where} lists ${describeValue((got as unknown[])[j])} twice` };
    }
    default:
      return { line: lineOf(path), text: `${where} ${expect ? `must be ${expect}` : (e.message ?? 'is not valid')}, got ${describeValue(got)}` };
  }
}

/** What ajv and the schema cannot say: endpoints that exist, pointer patterns, real dates, settings that contradict. */
function semanticProblem(gate: Gate): { path: (string | number)[]; key?: string; text: string } | undefined {
  const ids = allEntries().map((e) => e.id);
  for (const [i, w] of (gate.waivers ?? []).entries()) {
    const at = `waivers[${i}]`;
    if (!ids.some((id) => globMatches(w.endpoint, id))) {
      const near = w.endpoint.includes('*') ? undefined : closest(w.endpoint, ids);
      return { path: ['waivers', i, 'endpoint'], text: `${at}.endpoint "${w.endpoint}" ${w.endpoint.includes('*') ? 'matches no catalog endpoint' : 'is not a catalog endpoint'}${near ? ` (did you mean ${near}?)` : ' (ids are in schemas/catalog/)'}` };
    }
    if (w.pointer !== undefined) {
      const problem = pointerPatternProblem(w.pointer);
      if (problem) return { path: ['waivers', i, 'pointer'], text: `${at}.pointer ${problem}` };
    }
    if (!isCalendarDate(w.expires)) return { path: ['waivers', i, 'expires'], text: `${at}.expires must be a date YYYY-MM-DD, got "${w.expires}" (no such day)` };
  }
  const c = gate.contract;
  if (c?.checks && c.strictFields !== undefined && c.checks.includes('undocumented-field') !== c.strictFields) {
    return {
      path: ['contract', 'strictFields'],
      text: c.strictFields
        ? 'contract.strictFields is true but contract.checks leaves out undocumented-field: add it to checks or drop strictFields'
        : 'contract.strictFields is false but contract.checks lists undocumented-field: drop one of them',
    };
  }
  const t = gate.target;
  if (t?.profile && t.apiVersion && (t.apiVersion === 'cloud') !== (t.profile === 'emqx-cloud') && t.profile !== 'reference') {
    return { path: ['target', 'apiVersion'], text: `target.apiVersion ${t.apiVersion} does not go with target.profile ${t.profile} (emqx-cloud is the cloud API; the reference broker serves all three)` };
  }
  return undefined;
}

/** The 1-based line of the value at `path` (or of the key `key` inside it), the nearest existing ancestor's otherwise. */
function nodeLine(doc: Document, lines: LineCounter, path: (string | number)[], key?: string): number {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (!node || typeof node !== 'object' || !('range' in node)) continue;
    if (key !== undefined && n === path.length && isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
      const range = pair && isScalar(pair.key) ? pair.key.range : undefined;
      if (range) return lines.linePos(range[0]).line;
    }
    const range = (node as { range?: [number, number, number] | null }).range;
    if (range) return lines.linePos(range[0]).line;
  }
  return 1;
}

function pathOf(instancePath: string): (string | number)[] {
  if (instancePath === '') return [];
  return instancePath
    .split('/')
    .slice(1)
    .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((t) => (/^\d+$/.test(t) ? Number(t) : t));
}

function valueAt(root: unknown, path: (string | number)[]): unknown {
  let node = root;
  for (const k of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[k];
  }
  return node;
}

function describeValue(v: unknown): string {
  if (v === null) return 'nothing (null)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return showValue(v, 60);
}

/** The catalog id nearest a mistyped one (edit distance ≤ 3), for "did you mean". */
function closest(id: string, ids: string[]): string | undefined {
  let best: { id: string; d: number } | undefined;
  for (const candidate of ids) {
    const d = editDistance(id, candidate);
    if (d <= 3 && (!best || d < best.d)) best = { id: candidate, d };
  }
  return best?.id;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}
