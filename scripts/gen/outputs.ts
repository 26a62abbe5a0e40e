// Every generated file and its content, computed in memory: `npm run gen` writes them and
// the staleness test compares them with what is committed.
import { extractExamples } from '../docs/examples.ts';
import { renderErrata } from './errata.ts';
import { generatedTypes } from './types.ts';
import { K6_CONTRACT_FILE, K6_CONTRACT_TYPES, k6Contract, k6ContractTypes } from './k6-contract.ts';

export async function generatedFiles(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const version of ['v4', 'v3'] as const) {
    out.set(`schemas/examples/${version}.json`, JSON.stringify(extractExamples(version), null, 2) + '\n');
  }
  for (const [path, content] of await generatedTypes()) out.set(path, content);
  out.set('schemas/ERRATA.md', renderErrata());
  out.set(K6_CONTRACT_FILE, await k6Contract());
  out.set(K6_CONTRACT_TYPES, k6ContractTypes());
  return out;
}
