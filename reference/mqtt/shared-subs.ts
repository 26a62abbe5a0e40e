// Shared subscriptions (`$share/<group>/<filter>`), which aedes doesn't implement: aedes keeps
// the member's literal `$share/...` subscription (so its session, SUBACK and listings are right)
// and this module subscribes once per group to the real filter and hands each message to one
// connected member, round-robin, as EMQX's default shared_subscription_strategy does.

import type { Aedes, AedesPublishPacket, Client } from 'aedes';

interface Member {
  clientid: string;
  qos: number;
}

interface Group {
  members: Member[];
  next: number;
  /** what aedes' per-client duplicate filter sees for this group's copies (see dispatch) */
  brokerId: string;
  counter: number;
  deliver: (packet: AedesPublishPacket, cb: () => void) => void;
}

export class SharedSubscriptions {
  private readonly groups = new Map<string, Group>();

  constructor(
    private readonly broker: Aedes,
    private readonly clientOf: (clientid: string) => Client | undefined,
  ) {}

  join(clientid: string, group: string, filter: string, qos: number): void {
    const key = `${group}\u0000${filter}`;
    let g = this.groups.get(key);
    if (!g) {
      const created: Group = { members: [], next: 0, brokerId: `${this.broker.id}/$share/${group}/${filter}`, counter: 0, deliver: (packet, cb) => this.dispatch(created, filter, packet, cb) };
      g = created;
      this.groups.set(key, created);
      this.broker.subscribe(filter, created.deliver, () => {});
    }
    const existing = g.members.find((m) => m.clientid === clientid);
    if (existing) existing.qos = qos;
    else g.members.push({ clientid, qos });
  }

  leave(clientid: string, group: string, filter: string): void {
    const key = `${group}\u0000${filter}`;
    const g = this.groups.get(key);
    if (!g) return;
    g.members = g.members.filter((m) => m.clientid !== clientid);
    if (g.members.length === 0) {
      this.groups.delete(key);
      this.broker.unsubscribe(filter, g.deliver, () => {});
    }
  }

  private dispatch(g: Group, filter: string, packet: AedesPublishPacket, cb: () => void): void {
    // [MQTT-4.7.2-1]: a filter starting with a wildcard doesn't match `$` topics.
    if (packet.topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return cb();
    const n = g.members.length;
    for (let i = 0; i < n; i++) {
      const m = g.members[(g.next + i) % n]!;
      const client = this.clientOf(m.clientid);
      if (!client || client.closed) continue;
      g.next = (g.next + i + 1) % n;
      const qos = Math.min(packet.qos, m.qos) as 0 | 1 | 2;
      // aedes drops a copy to a client whose (brokerId, brokerCounter) is not above the last
      // one it delivered to that client under the same brokerId: that is how it sends one copy
      // for overlapping subscriptions. A copy made here would take a fresh broker counter and
      // make the client's plain-subscription copies of earlier messages look stale, so with
      // several publishers a client holding both a $share and a plain subscription lost plain
      // copies. Each group counts under its own id instead: its copies never hide another's,
      // and (brokerId, brokerCounter) stays unique, which aedes' persistence keys on.
      const copy = { cmd: 'publish', topic: packet.topic, payload: packet.payload, qos, retain: false, dup: false, brokerId: g.brokerId, brokerCounter: ++g.counter };
      client.publish(copy as Parameters<Client['publish']>[0], () => {});
      break;
    }
    cb();
  }
}
