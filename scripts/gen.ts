// `npm run gen`: regenerates every committed generated file from its source, so that one
// command reproduces them and the staleness tests can compare.
//   schemas/examples/<version>.json  ← the documents' example bodies (scripts/docs/examples.ts)
//   schemas/types/*.ts               ← the JSON Schemas (json-schema-to-typescript)
//   schemas/ERRATA.md                ← schemas/errata/*.json
//   load/generated/contract.js       ← catalog + JSON Schemas, compiled for k6 (scripts/gen/k6-contract.ts)
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { generatedFiles } from './gen/outputs.ts';
import { REPO_ROOT } from '../src/schema-registry.ts';

const files = await generatedFiles();
for (const [rel, content] of files) {
  const abs = join(REPO_ROOT, rel);
  mkdirSync(join(abs, '..'), { recursive: true });
  writeFileSync(abs, content);
}
console.log(`wrote ${files.size} generated files`);
