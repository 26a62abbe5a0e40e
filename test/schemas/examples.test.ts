// Every example body the documents print is validated against its endpoint's schema. An
// example either passes cleanly, or an erratum records exactly how it deviates (and
// test/schemas/errata.test.ts holds it to that).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errata } from '../../src/errata.ts';
import { loadExamples, validateExample } from '../../src/examples.ts';
import { ContractValidator } from '../../src/validator.ts';

const validator = new ContractValidator();

for (const version of ['v4', 'v3'] as const) {
  test(`every ${version} example passes its schema or is explained by an erratum`, () => {
    const explained = new Set(errata(version).flatMap((e) => e.checks.flatMap((c) => ('example' in c && c.expect !== 'pass' ? [c.example] : []))));
    const unexplained: string[] = [];
    for (const ex of loadExamples(version)) {
      if (explained.has(ex.id)) continue;
      const outcome = validateExample(validator, ex);
      if (outcome.kind === 'no-schema') unexplained.push(`${ex.id}: a ${ex.direction} body where the endpoint takes none`);
      else if (ex.urlMismatch) unexplained.push(`${ex.id}: printed URL ${ex.request?.path} is not the endpoint's path`);
      else for (const f of [...outcome.failures, ...outcome.undocumented]) unexplained.push(`${ex.id}: ${f.check}: ${f.message}`);
    }
    assert.deepEqual(unexplained, []);
  });

  test(`${version}: every endpoint with a documented example has it extracted`, () => {
    const examples = loadExamples(version);
    assert.ok(examples.length > 50, `${examples.length} examples`);
    const ids = examples.map((e) => e.id);
    assert.equal(new Set(ids).size, ids.length, 'example ids are unique');
  });
}
