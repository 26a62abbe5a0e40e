// k6 scenario: the release gate. A mixed load (publish_batch, listing walks, lookups by id)
// with thresholds on p95/p99 latency, failed requests, `code != 0` answers and checks; a breach
// makes k6 exit 99 (and `emqx-harness load` exit 1).
//   k6 run load/scenarios/gate.ts   (settings: EMQX_API_URL, EMQX_APP_ID, EMQX_APP_SECRET, HX_PROFILE, HX_OPTIONS)
import { type K6SummaryData, summaryFiles } from '../lib/summary.ts';
import { type SetupData, gateMix, loadOptions, lookups, optionsFor, publishBatch, publishOne, setupTarget, walkListings } from '../lib/work.ts';

const o = loadOptions('gate');
export const options = optionsFor('gate');

export function setup(): SetupData {
  return setupTarget(o);
}

export function publishBatchWork(): void {
  publishBatch(o);
}
export function publishOneWork(): void {
  publishOne(o);
}
export function walk(): void {
  walkListings(o);
}
export function lookupWork(data: SetupData): void {
  lookups(o, data);
}
export function mix(data: SetupData): void {
  gateMix(o, data);
}
export { publishBatchWork as publishBatch, publishOneWork as publishOne, walk as walkListings, lookupWork as lookups, mix as gateMix };

export function handleSummary(data: K6SummaryData): Record<string, string> {
  return summaryFiles(data, __ENV, 'gate', o);
}
