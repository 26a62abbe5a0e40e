// Topic patterns of the publish scenarios: `{vu}` the k6 VU, `{seq}` the message's sequence
// number per VU, `{i}` its index in its batch. Pure (k6 and Node import it).
export interface TopicVars {
  vu: number;
  seq: number;
  i: number;
}

export function expandTopic(pattern: string, v: TopicVars): string {
  return pattern.replace(/\{(vu|seq|i)\}/g, (_, name: keyof TopicVars) => String(v[name]));
}

/** Whether a pattern yields a bounded set of topics (no `{seq}`), so retained messages can be cleared after. */
export function boundedTopics(pattern: string, maxVUs: number, batchSize: number): string[] | undefined {
  if (pattern.includes('{seq}')) return undefined;
  const out = new Set<string>();
  const vus = pattern.includes('{vu}') ? maxVUs : 1;
  const items = pattern.includes('{i}') ? batchSize : 1;
  for (let vu = 1; vu <= vus; vu++) for (let i = 0; i < items; i++) out.add(expandTopic(pattern, { vu, seq: 0, i }));
  return [...out];
}

/** The depth bucket a page number is tagged with, so a report can show whether deep pages cost more. */
export function depthBucket(page: number): string {
  if (page <= 1) return '1';
  if (page <= 4) return '2-4';
  if (page <= 16) return '5-16';
  return '17+';
}
