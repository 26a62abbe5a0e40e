// One k6 scenario as one JavaScript file: the k6-operator runs a single file from a
// ConfigMap, so the scenario and its own modules are bundled with esbuild, leaving only
// k6's built-in modules (`k6`, `k6/*`) as imports.
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Plugin, build } from 'esbuild';
import { UsageError } from '../../src/errors.ts';

/** Paths in the bundle's comments are relative to the repository, wherever the command runs. */
const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A ConfigMap holds at most 1 MiB of data; leave room for the other keys and metadata. */
export const MAX_BUNDLE_BYTES = 1_000_000;
/**
 * Client-side `kubectl apply` keeps the whole object as JSON in an annotation of at most
 * 256 KiB; a bundle whose JSON form comes near it needs `--server-side`.
 */
export const CLIENT_APPLY_LIMIT_BYTES = 240_000;

export interface Bundle {
  code: string;
  bytes: number;
  /** the bundle's size as a JSON string, which is what client-side apply stores */
  jsonBytes: number;
  /** every module the bundle imports: only `k6` and `k6/*` */
  imports: string[];
}

export async function bundleScenario(file: string): Promise<Bundle> {
  if (!existsSync(file)) throw new UsageError(`scenario file not found: ${relative(process.cwd(), file) || file}`);
  let code: string;
  try {
    const out = await build({
      entryPoints: [file],
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      external: ['k6', 'k6/*'],
      write: false,
      target: 'es2020',
      logLevel: 'silent',
      charset: 'utf8',
      absWorkingDir: REPO_ROOT,
      plugins: [ownModulesOnly],
    });
    code = out.outputFiles[0]!.text;
  } catch (e) {
    const first = (e as { errors?: { text: string; location?: { file: string; line: number } | null }[] }).errors?.[0];
    const where = first?.location ? ` (${first.location.file}:${first.location.line})` : '';
    throw new UsageError(`cannot bundle ${relative(process.cwd(), file) || file}: ${first?.text ?? (e as Error).message.split('\n')[0]}${where}`);
  }
  const imports = importsOf(code);
  const foreign = imports.filter((m) => !isK6Module(m));
  if (foreign.length) throw new UsageError(`the bundled scenario still imports ${foreign.join(', ')}; a k6 scenario may import only k6 and k6/* besides its own modules`);
  const bytes = Buffer.byteLength(code, 'utf8');
  if (bytes > MAX_BUNDLE_BYTES) throw new UsageError(`the bundled scenario is ${bytes} bytes, more than a ConfigMap holds (1 MiB)`);
  return { code, bytes, jsonBytes: Buffer.byteLength(JSON.stringify(code), 'utf8'), imports };
}

/** Bare specifiers other than k6's stop the build: no node:*, nothing from node_modules. */
const ownModulesOnly: Plugin = {
  name: 'own-modules-only',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (isK6Module(args.path) || args.kind === 'entry-point') return undefined;
      return { errors: [{ text: `"${args.path}" is not a k6 module: a k6 scenario imports only k6, k6/* and its own relative modules` }] };
    });
  },
};

export function isK6Module(specifier: string): boolean {
  return specifier === 'k6' || specifier.startsWith('k6/');
}

/**
 * The module specifiers a bundle loads: static `import … from "x"`, bare `import "x"`,
 * `export … from "x"`, dynamic `import("x")` and `require("x")`. esbuild prints them in
 * these forms, one statement per line.
 */
export function importsOf(code: string): string[] {
  const found = new Set<string>();
  const patterns = [
    /^\s*import\s+(?:[\w$*{}\s,]+?\s+from\s+)?["']([^"']+)["']/gm,
    /^\s*export\s+(?:\*|\{[^}]*\})(?:\s+as\s+[\w$]+)?\s+from\s+["']([^"']+)["']/gm,
    /\bimport\(\s*["']([^"']+)["']\s*\)/g,
    /\brequire\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const re of patterns) for (const m of code.matchAll(re)) found.add(m[1]!);
  return [...found].sort();
}
