// Counts MQTT packets in a byte stream by reading only the fixed headers (type, flags and
// remaining length) and skipping bodies. One framer watches what a socket reads, another what
// it writes, which gives per-connection and broker-wide packet counters without re-parsing
// payloads or depending on aedes internals.

/** The PUBLISH packet type (control packet types run from 1 CONNECT to 15 AUTH). */
export const PUBLISH = 3;

/** `flags` are the low 4 bits of the first byte (for PUBLISH: dup, qos<<1, retain). */
export type PacketListener = (type: number, flags: number) => void;

export class PacketFramer {
  private stage: 'header' | 'length' | 'body' = 'header';
  private first = 0;
  private remaining = 0;
  private multiplier = 1;
  private lengthBytes = 0;
  /** Set on a malformed length; the connection is about to be dropped, stop counting. */
  broken = false;

  constructor(private readonly onPacket: PacketListener) {}

  feed(buf: Uint8Array): void {
    let i = 0;
    const n = buf.length;
    while (i < n && !this.broken) {
      if (this.stage === 'body') {
        const take = Math.min(this.remaining, n - i);
        this.remaining -= take;
        i += take;
        if (this.remaining === 0) this.stage = 'header';
        continue;
      }
      const byte = buf[i++]!;
      if (this.stage === 'header') {
        this.first = byte;
        this.remaining = 0;
        this.multiplier = 1;
        this.lengthBytes = 0;
        this.stage = 'length';
        continue;
      }
      this.remaining += (byte & 0x7f) * this.multiplier;
      this.multiplier *= 128;
      this.lengthBytes++;
      if (byte & 0x80) {
        if (this.lengthBytes >= 4) this.broken = true;
        continue;
      }
      this.onPacket(this.first >> 4, this.first & 0x0f);
      this.stage = this.remaining === 0 ? 'header' : 'body';
    }
  }

  /** A chunk given as a string (mqtt-packet writes topics that way). */
  feedString(s: string, encoding: BufferEncoding): void {
    if (this.stage === 'body') {
      const len = Buffer.byteLength(s, encoding);
      if (len <= this.remaining) {
        this.remaining -= len;
        if (this.remaining === 0) this.stage = 'header';
        return;
      }
    }
    this.feed(Buffer.from(s, encoding));
  }
}
