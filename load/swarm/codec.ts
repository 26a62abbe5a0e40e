// The MQTT 3.1.1 / 5 packets the swarm's clients send and read, encoded and decoded by hand:
// mqtt.js builds objects, streams and timers per connection and per packet, which caps a 2-core
// machine near 3,000 connections/s and well above 20 KB per idle connection. Only what a load
// client needs: CONNECT, SUBSCRIBE, PUBLISH (QoS 0/1/2 both ways), the acks, PINGREQ and
// DISCONNECT; MQTT 5 properties are skipped except Receive Maximum and Server Keep Alive.

export const CONNECT = 1;
export const CONNACK = 2;
export const PUBLISH = 3;
export const PUBACK = 4;
export const PUBREC = 5;
export const PUBREL = 6;
export const PUBCOMP = 7;
export const SUBSCRIBE = 8;
export const SUBACK = 9;
export const UNSUBACK = 11;
export const PINGRESP = 13;
export const DISCONNECT = 14;
export const AUTH = 15;

export const PINGREQ_PACKET = Buffer.from([0xc0, 0x00]);
export const DISCONNECT_V4 = Buffer.from([0xe0, 0x00]);
/** MQTT 5 DISCONNECT, normal, with Session Expiry Interval 0: the broker drops the session. */
export const DISCONNECT_V5_END_SESSION = Buffer.from([0xe0, 0x07, 0x00, 0x05, 0x11, 0x00, 0x00, 0x00, 0x00]);
export const DISCONNECT_V5 = Buffer.from([0xe0, 0x00]);

export function varintSize(n: number): number {
  return n < 128 ? 1 : n < 16384 ? 2 : n < 2097152 ? 3 : 4;
}

/** Writes a variable byte integer at `off`; returns the offset after it. */
export function writeVarint(b: Uint8Array, off: number, n: number): number {
  do {
    let d = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) d |= 0x80;
    b[off++] = d;
  } while (n > 0);
  return off;
}

/** Reads a variable byte integer: the value, or -1 when the bytes end first (-2 when malformed). */
export function readVarint(b: Uint8Array, off: number, end: number, out: { next: number }): number {
  let mult = 1;
  let value = 0;
  for (let i = 0; i < 4; i++) {
    if (off + i >= end) return -1;
    const d = b[off + i]!;
    value += (d & 0x7f) * mult;
    if ((d & 0x80) === 0) {
      out.next = off + i + 1;
      return value;
    }
    mult *= 128;
  }
  return -2;
}

function utf8Field(s: string): Buffer {
  const body = Buffer.from(s, 'utf8');
  const out = Buffer.allocUnsafe(2 + body.length);
  out.writeUInt16BE(body.length, 0);
  body.copy(out, 2);
  return out;
}

export interface ConnectFields {
  clientId: string;
  username?: string;
  password?: string;
  keepalive: number;
  clean: boolean;
  protocol: 4 | 5;
  /** MQTT 5: Session Expiry Interval (seconds) when not 0 */
  sessionExpiry?: number;
  /** MQTT 5: our Receive Maximum (QoS 1/2 the broker may send us unacknowledged) */
  receiveMaximum?: number;
}

export function encodeConnect(f: ConnectFields): Buffer {
  const parts: Buffer[] = [];
  const props: number[] = [];
  if (f.protocol === 5) {
    if (f.sessionExpiry) props.push(0x11, (f.sessionExpiry >>> 24) & 0xff, (f.sessionExpiry >>> 16) & 0xff, (f.sessionExpiry >>> 8) & 0xff, f.sessionExpiry & 0xff);
    if (f.receiveMaximum) props.push(0x21, (f.receiveMaximum >> 8) & 0xff, f.receiveMaximum & 0xff);
  }
  // MQTT 3.1.1 §3.1.2.9: no password flag without the user name flag [MQTT-3.1.2-22] (brokers
  // close the connection); a password alone goes with an empty user name. MQTT 5 allows it alone.
  const username = f.username ?? (f.protocol === 4 && f.password !== undefined ? '' : undefined);
  const flags = (username !== undefined ? 0x80 : 0) | (f.password !== undefined ? 0x40 : 0) | (f.clean ? 0x02 : 0);
  const varHeader = Buffer.from([0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, f.protocol, flags, (f.keepalive >> 8) & 0xff, f.keepalive & 0xff]);
  parts.push(varHeader);
  if (f.protocol === 5) {
    const p = Buffer.alloc(varintSize(props.length) + props.length);
    const o = writeVarint(p, 0, props.length);
    Buffer.from(props).copy(p, o);
    parts.push(p);
  }
  parts.push(utf8Field(f.clientId));
  if (username !== undefined) parts.push(utf8Field(username));
  if (f.password !== undefined) parts.push(utf8Field(f.password));
  return withFixedHeader(0x10, Buffer.concat(parts));
}

export function encodeSubscribe(packetId: number, filters: readonly string[], qos: number, protocol: 4 | 5): Buffer {
  const parts: Buffer[] = [Buffer.from([packetId >> 8, packetId & 0xff])];
  if (protocol === 5) parts.push(Buffer.from([0x00]));
  for (const f of filters) parts.push(utf8Field(f), Buffer.from([qos & 3]));
  return withFixedHeader(0x82, Buffer.concat(parts));
}

function withFixedHeader(first: number, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(1 + varintSize(body.length) + body.length);
  out[0] = first;
  const o = writeVarint(out, 1, body.length);
  body.copy(out, o);
  return out;
}

/** PUBACK (0x40), PUBREC (0x50), PUBREL (0x62), PUBCOMP (0x70) with a packet id: 4 bytes at `off`. */
export function writeAck(b: Uint8Array, off: number, first: number, packetId: number): number {
  b[off] = first;
  b[off + 1] = 2;
  b[off + 2] = packetId >> 8;
  b[off + 3] = packetId & 0xff;
  return off + 4;
}

/** MQTT 5 properties worth reading in CONNACK; the rest are skipped by type. */
export interface ConnackProps {
  receiveMaximum?: number;
  serverKeepAlive?: number;
}

const PROP_BYTE = new Set([0x01, 0x17, 0x19, 0x24, 0x25, 0x28, 0x29, 0x2a]);
const PROP_U16 = new Set([0x13, 0x21, 0x22, 0x23]);
const PROP_U32 = new Set([0x02, 0x11, 0x18, 0x27]);
const PROP_STR = new Set([0x03, 0x08, 0x09, 0x12, 0x15, 0x16, 0x1a, 0x1c, 0x1f]);

/** Reads MQTT 5 properties in [off, end); returns false when malformed. */
export function readProps(b: Uint8Array, off: number, end: number, out: ConnackProps): boolean {
  while (off < end) {
    const id = b[off++]!;
    if (PROP_BYTE.has(id)) off += 1;
    else if (PROP_U16.has(id)) {
      const v = (b[off]! << 8) | b[off + 1]!;
      if (id === 0x21) out.receiveMaximum = v;
      if (id === 0x13) out.serverKeepAlive = v;
      off += 2;
    } else if (PROP_U32.has(id)) off += 4;
    else if (PROP_STR.has(id)) off += 2 + ((b[off]! << 8) | b[off + 1]!);
    else if (id === 0x26) {
      off += 2 + ((b[off]! << 8) | b[off + 1]!);
      off += 2 + ((b[off]! << 8) | b[off + 1]!);
    } else if (id === 0x0b) {
      while (off < end && b[off]! & 0x80) off++;
      off++;
    } else return false;
  }
  return off === end;
}

const CONNACK_V4: Record<number, string> = {
  1: 'unacceptable protocol version',
  2: 'identifier rejected',
  3: 'server unavailable',
  4: 'bad username or password',
  5: 'not authorized',
};

const REASON_V5: Record<number, string> = {
  0x04: 'disconnect with will message',
  0x80: 'unspecified error',
  0x81: 'malformed packet',
  0x82: 'protocol error',
  0x83: 'implementation specific error',
  0x84: 'unsupported protocol version',
  0x85: 'client identifier not valid',
  0x86: 'bad user name or password',
  0x87: 'not authorized',
  0x88: 'server unavailable',
  0x89: 'server busy',
  0x8a: 'banned',
  0x8b: 'server shutting down',
  0x8c: 'bad authentication method',
  0x8d: 'keep alive timeout',
  0x8e: 'session taken over',
  0x8f: 'topic filter invalid',
  0x90: 'topic name invalid',
  0x91: 'packet identifier in use',
  0x93: 'receive maximum exceeded',
  0x94: 'topic alias invalid',
  0x95: 'packet too large',
  0x96: 'message rate too high',
  0x97: 'quota exceeded',
  0x98: 'administrative action',
  0x99: 'payload format invalid',
  0x9a: 'retain not supported',
  0x9b: 'qos not supported',
  0x9c: 'use another server',
  0x9d: 'server moved',
  0x9e: 'shared subscriptions not supported',
  0x9f: 'connection rate exceeded',
  0xa0: 'maximum connect time',
  0xa1: 'subscription identifiers not supported',
  0xa2: 'wildcard subscriptions not supported',
};

/** `CONNACK 5 (not authorized)`: the key a refused connection is counted under. */
export function connackReason(code: number, protocol: 4 | 5): string {
  const name = protocol === 5 && code >= 0x80 ? REASON_V5[code] : CONNACK_V4[code];
  const shown = code >= 0x80 ? `0x${code.toString(16)}` : String(code);
  return `CONNACK ${shown}${name ? ` (${name})` : ''}`;
}

export function reasonName(code: number): string {
  const name = REASON_V5[code];
  return `0x${code.toString(16).padStart(2, '0')}${name ? ` (${name})` : ''}`;
}
