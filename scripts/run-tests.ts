// Node 20's test runner takes no globs, so the README's one test command goes through here:
// it finds test/**/*.test.ts (or the paths given) and hands them to `node --test`.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

function findTests(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const args = process.argv.slice(2);
const files = (args.length ? args : ['test']).flatMap((a) =>
  statSync(a).isDirectory() ? findTests(a) : [a],
);
if (files.length === 0) {
  console.error('no test files found');
  process.exit(2);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', ...files.map((f) => relative(process.cwd(), f))],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
