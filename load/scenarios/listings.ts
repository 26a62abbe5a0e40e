// k6 scenario: walk the paginated listings (/clients, /subscriptions, /routes; 3.x also
// /connections, /sessions) page by page with `_limit`, judging every page and each walk by the
// contract's pagination rules; latency is tagged by page depth.
//   k6 run load/scenarios/listings.ts   (settings: EMQX_API_URL, EMQX_APP_ID, EMQX_APP_SECRET, HX_PROFILE, HX_OPTIONS)
import { type K6SummaryData, summaryFiles } from '../lib/summary.ts';
import { type SetupData, loadOptions, optionsFor, setupTarget, walkListings } from '../lib/work.ts';

const o = loadOptions('listings');
export const options = optionsFor('listings');

export function setup(): SetupData {
  return setupTarget(o);
}

export function walk(): void {
  walkListings(o);
}
export { walk as walkListings };

export function handleSummary(data: K6SummaryData): Record<string, string> {
  return summaryFiles(data, __ENV, 'listings', o);
}
