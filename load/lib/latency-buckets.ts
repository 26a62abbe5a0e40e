// The buckets a k6 runner counts its request durations into when it cannot hand its samples
// over (a k6-operator pod): few enough to travel as a handful of numbers per endpoint in one
// log line, fine enough that the histogram rebuilt from them reads like the one made from every
// sample. Pure: k6 and Node import it.
//
// Log-linear, as HDR histograms are: each power of two above LOWEST_MS is cut into
// SUB_BUCKETS equal parts. A bucket [lo, lo + w) with w = 2^k·LOWEST_MS / SUB_BUCKETS and
// lo ≥ 2^k·LOWEST_MS is represented by its middle, which is off from any value in it by at
// most w/2 ≤ lo / (2·SUB_BUCKETS): 2% with 25 parts. That is below the run-to-run spread of a
// latency percentile and about the precision a report is read with; 1% would double the
// buckets, and with them the k6 metrics every runner VU holds (load/lib/k6-shard.ts). Purely
// logarithmic buckets would need a third fewer for the same bound; log-linear ones have edges
// that are plain sums of binary fractions, easy to state and to check.
//
// 22 octaves from 0.05 ms reach 0.05 ms · 2^22 ≈ 210 s, past the 120 s no request of these
// scenarios waits (their timeout is EMQX_TIMEOUT_MS, 10 s by default). Below 0.05 ms is one
// underflow bucket (a network round trip is not that fast), above 210 s one overflow bucket.

/** The lower end of the log-linear range, milliseconds. */
export const LOWEST_MS = 0.05;
/** Equal parts per power of two: the relative error bound is 1 / (2 · SUB_BUCKETS). */
export const SUB_BUCKETS = 25;
/** Powers of two covered above LOWEST_MS. */
export const OCTAVES = 22;
/** The largest relative error of a representative value, for values from LOWEST_MS up to the overflow bucket. */
export const RELATIVE_ERROR = 1 / (2 * SUB_BUCKETS);
/** Where the overflow bucket starts, milliseconds (≈ 209.7 s). */
export const HIGHEST_MS = LOWEST_MS * 2 ** OCTAVES;
/** Underflow, OCTAVES × SUB_BUCKETS log-linear buckets, overflow. */
export const BUCKET_COUNT = 1 + OCTAVES * SUB_BUCKETS + 1;
export const UNDERFLOW_BUCKET = 0;
export const OVERFLOW_BUCKET = BUCKET_COUNT - 1;

// the lower edge of every bucket, and Infinity after the last: bucketOf runs once per request
// in k6, where a lookup is much cheaper than recomputing edges
const EDGES: number[] = [0];
for (let octave = 0; octave < OCTAVES; octave++) {
  const base = LOWEST_MS * 2 ** octave;
  for (let sub = 0; sub < SUB_BUCKETS; sub++) EDGES.push(base * (1 + sub / SUB_BUCKETS));
}
EDGES.push(HIGHEST_MS, Infinity);

/** The bucket of a duration in milliseconds; NaN and negatives go to the underflow bucket. */
export function bucketOf(ms: number): number {
  if (!(ms >= LOWEST_MS)) return UNDERFLOW_BUCKET;
  if (ms >= HIGHEST_MS) return OVERFLOW_BUCKET;
  const r = ms / LOWEST_MS;
  const octave = Math.min(OCTAVES - 1, Math.floor(Math.log2(r)));
  let i = 1 + octave * SUB_BUCKETS + Math.min(SUB_BUCKETS - 1, Math.max(0, Math.floor((r / 2 ** octave - 1) * SUB_BUCKETS)));
  // EDGES is the one definition of the edges: a value the arithmetic puts a hair off an edge
  // goes where EDGES says
  if (ms < EDGES[i]!) i--;
  else if (ms >= EDGES[i + 1]!) i++;
  return i;
}

/** The bucket's range in milliseconds, [lo, hi); the overflow bucket's hi is Infinity. */
export function bucketRange(i: number): { lo: number; hi: number } {
  if (!Number.isInteger(i) || i < 0 || i >= BUCKET_COUNT) throw new RangeError(`no latency bucket ${i} (0 to ${BUCKET_COUNT - 1})`);
  return { lo: EDGES[i]!, hi: EDGES[i + 1]! };
}

/**
 * The value that stands for every duration in the bucket: its middle (within RELATIVE_ERROR of
 * each), half of LOWEST_MS for the underflow bucket, and the overflow bucket's lower end, which
 * understates what it holds: those requests took at least that long.
 */
export function representativeMs(i: number): number {
  const { lo, hi } = bucketRange(i);
  return hi === Infinity ? lo : (lo + hi) / 2;
}
