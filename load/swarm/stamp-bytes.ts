// The payload stamp of src/load/stamp.ts on the swarm's hot paths, without per-message garbage:
// publishers write `stampPayload`'s head straight into the outgoing packet and pad it as
// `stampPayload` pads; receivers read the head from the packet bytes in place. The format is
// stamp.ts's (`hx1|<run>|<source>|<seq>|<sentMs>|<padding>`); test/swarm/stamp-bytes.test.ts
// holds this reader to `parseStamp` on the same payloads.
import { STAMP_MAGIC, stampPayload } from '../../src/load/stamp.ts';

const SEP = 0x7c;
const MAGIC = Buffer.from(STAMP_MAGIC, 'latin1');

/** What a payload is to this swarm. */
export const NOT_STAMPED = 0;
/** stamped by one of this run's publishers (`pub` is its index) */
export const OWN = 1;
/** stamped for this run by a source with the REST prefix (k6) */
export const REST = 2;
/** stamped for this run by a source this swarm does not know (another shard) */
export const FOREIGN = 3;
/** stamped for another run */
export const OTHER_RUN = 4;

/** The reader's output, reused for every message (no allocation per message). */
export interface StampHead {
  kind: number;
  pub: number;
  seq: number;
  sentMs: number;
  /** where the source is in the buffer (REST and FOREIGN) */
  srcStart: number;
  srcEnd: number;
}

function fnv(b: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    h ^= b[i]!;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Reads stamps of one run; knows that run's publishers by their source (client id). */
export class StampReader {
  private readonly run: Buffer;
  private readonly restPrefix: Buffer | undefined;
  private readonly byHash = new Map<number, number>();
  private readonly sources: Buffer[];
  private readonly slow: Map<string, number> | undefined;
  readonly out: StampHead = { kind: NOT_STAMPED, pub: -1, seq: 0, sentMs: 0, srcStart: 0, srcEnd: 0 };

  constructor(runId: string, publisherSources: readonly string[], restPrefix?: string) {
    this.run = Buffer.from(runId, 'utf8');
    this.restPrefix = restPrefix === undefined ? undefined : Buffer.from(restPrefix, 'utf8');
    this.sources = publisherSources.map((s) => Buffer.from(s, 'utf8'));
    let collision = false;
    this.sources.forEach((b, i) => {
      const h = fnv(b, 0, b.length);
      if (this.byHash.has(h)) collision = true;
      this.byHash.set(h, i);
    });
    // two publisher ids with one hash: look sources up by string instead (slower, still exact)
    this.slow = collision ? new Map(publisherSources.map((s, i) => [s, i])) : undefined;
  }

  /** Reads the stamp of payload [start, end) of `b` into `this.out`; returns its kind. */
  read(b: Uint8Array, start: number, end: number): number {
    const o = this.out;
    o.kind = NOT_STAMPED;
    if (end - start < 4 || b[start] !== MAGIC[0] || b[start + 1] !== MAGIC[1] || b[start + 2] !== MAGIC[2] || b[start + 3] !== SEP) return NOT_STAMPED;
    let i = start + 4;
    // run
    const run = this.run;
    const runEnd = i + run.length;
    let sameRun = runEnd < end && b[runEnd] === SEP;
    if (sameRun) {
      for (let k = 0; k < run.length; k++) {
        if (b[i + k] !== run[k]) {
          sameRun = false;
          break;
        }
      }
    }
    if (!sameRun) {
      // another run's stamp, or not a stamp at all (parseStamp needs five fields)
      let seps = 0;
      for (let k = i; k < end && seps < 3; k++) if (b[k] === SEP) seps++;
      o.kind = seps >= 3 ? OTHER_RUN : NOT_STAMPED;
      return o.kind;
    }
    i = runEnd + 1;
    // source
    const srcStart = i;
    while (i < end && b[i] !== SEP) i++;
    if (i >= end || i === srcStart) return NOT_STAMPED;
    const srcEnd = i;
    i++;
    // seq: digits
    let seq = 0;
    const seqStart = i;
    while (i < end && b[i] !== SEP) {
      const d = b[i]! - 48;
      if (d < 0 || d > 9) return NOT_STAMPED;
      seq = seq * 10 + d;
      i++;
    }
    if (i >= end || i === seqStart || i - seqStart > 15) return NOT_STAMPED;
    i++;
    // sentMs: digits, optionally '.' and decimals; ends at '|' or at the payload's end
    let whole = 0;
    let frac = 0;
    let scale = 1;
    let dot = false;
    const msStart = i;
    while (i < end && b[i] !== SEP) {
      const c = b[i]!;
      if (c === 0x2e && !dot) dot = true;
      else {
        const d = c - 48;
        if (d < 0 || d > 9) return NOT_STAMPED;
        if (dot) {
          frac = frac * 10 + d;
          scale *= 10;
        } else whole = whole * 10 + d;
      }
      i++;
    }
    if (i === msStart) return NOT_STAMPED;
    o.seq = seq;
    o.sentMs = whole + frac / scale;
    o.srcStart = srcStart;
    o.srcEnd = srcEnd;
    const pub = this.lookup(b, srcStart, srcEnd);
    o.pub = pub;
    if (pub >= 0) o.kind = OWN;
    else if (this.hasRestPrefix(b, srcStart, srcEnd)) o.kind = REST;
    else o.kind = FOREIGN;
    return o.kind;
  }

  private lookup(b: Uint8Array, start: number, end: number): number {
    if (this.slow) return this.slow.get(Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('utf8')) ?? -1;
    const idx = this.byHash.get(fnv(b, start, end));
    if (idx === undefined) return -1;
    const src = this.sources[idx]!;
    if (src.length !== end - start) return -1;
    for (let k = 0; k < src.length; k++) if (b[start + k] !== src[k]) return -1;
    return idx;
  }

  private hasRestPrefix(b: Uint8Array, start: number, end: number): boolean {
    const p = this.restPrefix;
    if (!p || end - start < p.length) return false;
    for (let k = 0; k < p.length; k++) if (b[start + k] !== p[k]) return false;
    return true;
  }
}

/**
 * The payload `stampPayload({run, source, seq, sentMs}, size)` as the publisher writes it: `text`
 * is `stampPayload`'s own output (without padding when run and source are ASCII, where characters
 * and bytes agree; then `bytes` counts the padding too), `bytes` the length on the wire.
 */
export function stampFor(run: string, source: string, seq: number, sentMs: number, size: number, ascii: boolean): { text: string; bytes: number } {
  if (!ascii) {
    const text = stampPayload({ run, source, seq, sentMs }, size);
    return { text, bytes: Buffer.byteLength(text, 'utf8') };
  }
  const text = stampPayload({ run, source, seq, sentMs });
  return { text, bytes: Math.max(text.length, size) };
}

/** Writes what `stampFor` gave at `off`: the text, then the same `x` padding `stampPayload` adds. */
export function writeStamp(b: Buffer, off: number, s: { text: string; bytes: number }, ascii: boolean): number {
  const n = b.write(s.text, off, ascii ? 'latin1' : 'utf8');
  if (n < s.bytes) b.fill(0x78, off + n, off + s.bytes);
  return off + s.bytes;
}
