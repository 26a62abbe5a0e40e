// The whole project, generated types included, compiles under strict TypeScript: tsx runs
// code without checking types, so this is where type errors surface.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from '../src/schema-registry.ts';

test('tsc --noEmit passes on the whole project', () => {
  // the package exports no bin path, so go through its package.json
  const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '--noEmit', '-p', REPO_ROOT], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
