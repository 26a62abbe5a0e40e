// Loads every JSON Schema under schemas/json once per process and compiles them with ajv
// by $id. Two registries share the files: the contract one (documented shapes, extra
// fields allowed) and a strict copy in which every object schema that lists properties
// also forbids others; the strict one exists only to name undocumented fields, which are
// their own finding kind rather than a pass or a failure (schemas/README.md).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { valueAtPointer } from './findings.ts';

export const SCHEMA_BASE = 'https://emqx-api-harness.dev/schemas/';
const STRICT_BASE = 'https://emqx-api-harness.dev/strict-schemas/';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const SCHEMA_DIR = join(REPO_ROOT, 'schemas', 'json');

export interface SchemaFile {
  /** path relative to schemas/json, with forward slashes: `v4/clients.json` */
  rel: string;
  schema: Record<string, unknown>;
}

export function listSchemaFiles(dir = SCHEMA_DIR): SchemaFile[] {
  const out: SchemaFile[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.json')) {
        out.push({ rel: relative(dir, p).split(sep).join('/'), schema: JSON.parse(readFileSync(p, 'utf8')) });
      }
    }
  };
  walk(dir);
  return out;
}

/** Deep copy in which each object schema with `properties` and no `additionalProperties` gets `additionalProperties: false`. */
export function strictCopy(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strictCopy);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    // `properties` and `$defs` map names to schemas; their keys are not keywords
    if ((k === 'properties' || k === '$defs') && v && typeof v === 'object') {
      out[k] = Object.fromEntries(Object.entries(v).map(([name, s]) => [name, strictCopy(s)]));
    } else if (k === '$id' && typeof v === 'string') {
      out[k] = v.replace(SCHEMA_BASE, STRICT_BASE);
    } else if (k === 'const' || k === 'enum' || k === 'examples' || k === 'default') {
      out[k] = v;
    } else {
      out[k] = strictCopy(v);
    }
  }
  if ('properties' in out && !('additionalProperties' in out)) out.additionalProperties = false;
  return out;
}

// ajv-formats is CommonJS with a default export; under NodeNext the callable sits on .default
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv2020,
) => Ajv2020;

/** One ajv setup for every use; `standalone` keeps the generated code for k6 (scripts/gen/k6-contract.ts). */
export function newAjv(opts: { standalone?: boolean } = {}): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, ...(opts.standalone ? { code: { source: true, esm: true } } : {}) });
  addFormats(ajv);
  // descriptive keywords our schemas use for people, not for validation
  ajv.addKeyword({ keyword: 'x-doc' });
  return ajv;
}

export class SchemaRegistry {
  private readonly contract = newAjv();
  private readonly strict = newAjv();
  private readonly cache = new Map<string, ValidateFunction>();
  readonly files: SchemaFile[];

  constructor(files: SchemaFile[] = listSchemaFiles()) {
    this.files = files;
    for (const f of files) {
      this.contract.addSchema(f.schema);
      this.strict.addSchema(strictCopy(f.schema) as Record<string, unknown>);
    }
  }

  /** `v4/clients.json#/$defs/client` → its compiled validator (documented shapes). */
  contractValidator(ref: string): ValidateFunction {
    return this.compile(this.contract, SCHEMA_BASE + ref);
  }

  /** The same schema with undocumented properties forbidden. */
  strictValidator(ref: string): ValidateFunction {
    return this.compile(this.strict, STRICT_BASE + ref);
  }

  /** The raw schema node a ref points at, or undefined. */
  resolve(ref: string): unknown {
    const [file, fragment = ''] = ref.split('#');
    const f = this.files.find((x) => x.rel === file);
    if (!f) return undefined;
    return valueAtPointer(f.schema, fragment);
  }

  private compile(ajv: Ajv2020, id: string): ValidateFunction {
    let v = this.cache.get(id);
    if (!v) {
      const found = ajv.getSchema(id);
      if (!found) throw new Error(`schema not found: ${id}`);
      v = found;
      this.cache.set(id, v);
    }
    return v;
  }
}

let shared: SchemaRegistry | undefined;
/** One registry per process: compiling every schema twice is the expensive part. */
export function schemaRegistry(): SchemaRegistry {
  shared ??= new SchemaRegistry();
  return shared;
}
