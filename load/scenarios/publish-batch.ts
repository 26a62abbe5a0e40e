// k6 scenario: POST /mqtt/publish_batch at a constant arrival rate of batches (or a stepped
// ramp with --profile capacity). Every message is stamped (run, VU, sequence, send time) so
// MQTT subscribers can correlate it; every answer is checked against the contract.
//   k6 run load/scenarios/publish-batch.ts   (settings: EMQX_API_URL, EMQX_APP_ID, EMQX_APP_SECRET, HX_PROFILE, HX_OPTIONS)
import { type K6SummaryData, summaryFiles } from '../lib/summary.ts';
import { type SetupData, loadOptions, optionsFor, publishBatch, setupTarget } from '../lib/work.ts';

const o = loadOptions('publish-batch');
export const options = optionsFor('publish-batch');

export function setup(): SetupData {
  return setupTarget(o);
}

export function publishBatchWork(): void {
  publishBatch(o);
}
export { publishBatchWork as publishBatch };

export function handleSummary(data: K6SummaryData): Record<string, string> {
  return summaryFiles(data, __ENV, 'publish-batch', o);
}
