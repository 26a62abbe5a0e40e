// Generated files are committed and reproducible: `npm run gen` must leave them unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedFiles } from '../../scripts/gen/outputs.ts';
import { REPO_ROOT } from '../../src/schema-registry.ts';

test('committed generated files are fresh (run `npm run gen` if this fails)', async () => {
  const stale: string[] = [];
  const expected = await generatedFiles();
  for (const [rel, content] of expected) {
    const abs = join(REPO_ROOT, rel);
    if (!existsSync(abs) || readFileSync(abs, 'utf8') !== content) stale.push(rel);
  }
  assert.deepEqual(stale, []);
  // and nothing generated is left over from a schema that no longer exists
  const walk = (dir: string): string[] =>
    readdirSync(join(REPO_ROOT, dir), { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(`${dir}/${d.name}`) : [`${dir}/${d.name}`]));
  assert.deepEqual(walk('schemas/types').filter((f) => !expected.has(f)), []);
});
