// Prints how every documented example fares against its schema: a working view for schema
// authors (test/schemas/examples.test.ts is the gate). Reads the documents directly, so
// it works before `npm run gen` has refreshed schemas/examples/.
//   npx tsx scripts/check-examples.ts [v4|v3] [--all]
import { extractExamples } from './docs/examples.ts';
import { validateExample } from '../src/examples.ts';
import { ContractValidator } from '../src/validator.ts';

const args = process.argv.slice(2);
const versions = args.filter((a): a is 'v3' | 'v4' => a === 'v3' || a === 'v4');
const showAll = args.includes('--all');
const validator = new ContractValidator();
let flagged = 0;
for (const version of versions.length ? versions : (['v4', 'v3'] as const)) {
  for (const ex of extractExamples(version)) {
    let outcome;
    try {
      outcome = validateExample(validator, ex);
    } catch (e) {
      console.log(`MISSING   ${ex.id}: ${(e as Error).message}`);
      flagged++;
      continue;
    }
    if (outcome.kind === 'no-schema') {
      console.log(`NO-SCHEMA ${ex.id} (a ${ex.direction} example for an endpoint that takes none)`);
      flagged++;
      continue;
    }
    const notes = [...outcome.failures, ...outcome.undocumented];
    if (ex.urlMismatch) console.log(`URL       ${ex.id}: printed ${ex.request?.method} ${ex.request?.path}`);
    if (notes.length) flagged++;
    if (notes.length || showAll) {
      console.log(`${outcome.failures.length ? 'FAIL' : notes.length ? 'EXTRA' : 'ok'}`.padEnd(10) + ex.id);
      for (const f of notes) console.log(`    ${f.check}: ${f.message}`);
    }
  }
}
console.log(`${flagged} example(s) with findings`);
