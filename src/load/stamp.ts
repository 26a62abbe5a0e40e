// What every load message carries so a receiver can correlate it: the run, the source that sent
// it (a k6 VU, a swarm publisher), its sequence number per source, and the send time. Shared by
// the k6 scenarios (strings, no node:* imports) and the swarm (Buffers), so it stays pure.
//
//   hx1|<run>|<source>|<seq>|<sentMs>|<padding…>
//
// Text, so it survives the REST API's plain and base64 payload encodings and shows readably in
// a broker's tools; `sentMs` is epoch milliseconds with up to three decimals.

export const STAMP_MAGIC = 'hx1|';

export interface Stamp {
  run: string;
  source: string;
  seq: number;
  sentMs: number;
}

const SEP = 0x7c; // '|'

/** A payload of at least `size` bytes (more only when the stamp itself is longer). */
export function stampPayload(s: Stamp, size = 0): string {
  const head = `${STAMP_MAGIC}${s.run}|${s.source}|${s.seq}|${Math.round(s.sentMs * 1000) / 1000}|`;
  return head.length >= size ? head : head + 'x'.repeat(size - head.length);
}

/** Parse a stamp from a received payload; undefined for payloads that are not ours. */
export function parseStamp(payload: string | Uint8Array): Stamp | undefined {
  const text = typeof payload === 'string' ? payload : decodeHead(payload);
  if (text === undefined || !text.startsWith(STAMP_MAGIC)) return undefined;
  const parts = text.split('|', 5);
  if (parts.length < 5) return undefined;
  const seq = Number(parts[3]);
  const sentMs = Number(parts[4]);
  if (!parts[1] || !parts[2] || !Number.isSafeInteger(seq) || !Number.isFinite(sentMs)) return undefined;
  return { run: parts[1], source: parts[2], seq, sentMs };
}

// Only the head is decoded: payloads can be large and the padding is never needed.
function decodeHead(b: Uint8Array): string | undefined {
  if (b.length < 4 || b[0] !== 0x68 || b[1] !== 0x78 || b[2] !== 0x31 || b[3] !== SEP) return undefined;
  let fields = 0;
  let end = 4;
  while (end < b.length && fields < 4) {
    if (b[end] === SEP) fields++;
    end++;
  }
  let s = '';
  for (let i = 0; i < end; i++) s += String.fromCharCode(b[i]!);
  return s;
}
