// The one place latency histograms are built, encoded, decoded and merged (hdr-histogram-js).
// Values are recorded in microseconds so sub-millisecond loopback latencies keep their shape.
import * as hdr from 'hdr-histogram-js';
import type { LatencyHistogram } from './model.ts';

export type Histogram = hdr.Histogram;

/** 1 µs .. 1 h at 3 significant digits; packed storage keeps idle histograms small. */
export function newHistogram(): Histogram {
  return hdr.build({ bitBucketSize: 'packed', lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3, autoResize: true });
}

/** Record a latency given in milliseconds (fractions allowed). */
export function recordMs(h: Histogram, ms: number): void {
  h.recordValue(Math.max(1, Math.round(ms * 1000)));
}

/** Record `count` latencies of the same value, in milliseconds (a bucket's count, rebuilt). */
export function recordMsCount(h: Histogram, ms: number, count: number): void {
  h.recordValueWithCount(Math.max(1, Math.round(ms * 1000)), count);
}

export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

export function decodeHistogram(encoded: string): Histogram {
  const h = hdr.decodeFromCompressedBase64(encoded, 'packed', false);
  return h;
}

/** The serialisable form: the encoded histogram plus percentiles for people. */
export function summarize(h: Histogram): LatencyHistogram {
  const ms = (us: number): number => Math.round(us) / 1000;
  return {
    hdr: encodeHistogram(h),
    count: h.totalCount,
    p50: ms(h.getValueAtPercentile(50)),
    p90: ms(h.getValueAtPercentile(90)),
    p95: ms(h.getValueAtPercentile(95)),
    p99: ms(h.getValueAtPercentile(99)),
    max: ms(h.maxValue),
  };
}

/**
 * Merge serialised histograms exactly (shards, workers): counts add, percentiles are recomputed.
 * The max is the largest of the parts' maxima: a decoded histogram knows its max only to the
 * top of its bucket.
 */
export function mergeSummaries(parts: (LatencyHistogram | undefined)[]): LatencyHistogram | undefined {
  const present = parts.filter((p): p is LatencyHistogram => !!p && p.count > 0);
  if (present.length === 0) return parts.find((p) => p) ?? undefined;
  const total = newHistogram();
  for (const p of present) total.add(decodeHistogram(p.hdr));
  return { ...summarize(total), max: Math.max(...present.map((p) => p.max)) };
}
