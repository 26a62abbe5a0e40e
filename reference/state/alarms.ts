// Alarms raised by real conditions on this broker. The one condition a Node MQTT broker shares
// with EMQX is a congested connection: EMQX raises `conn_congestion/<clientid>/<username>` when
// a client's socket stops draining, and clears it when the socket drains or closes.

export interface Alarm {
  name: string;
  message: string;
  details: Record<string, unknown>;
  activateAt: number;
  deactivateAt: number | undefined;
}

/** EMQX keeps deactivated alarms as history, capped (alarm.size_limit defaults to 1000). */
const HISTORY_LIMIT = 1000;

export class AlarmStore {
  readonly active = new Map<string, Alarm>();
  readonly history: Alarm[] = [];

  activate(name: string, message: string, details: Record<string, unknown> = {}): void {
    if (this.active.has(name)) return;
    this.active.set(name, { name, message, details, activateAt: Date.now(), deactivateAt: undefined });
  }

  deactivate(name: string): boolean {
    const a = this.active.get(name);
    if (!a) return false;
    this.active.delete(name);
    a.deactivateAt = Date.now();
    this.history.unshift(a);
    if (this.history.length > HISTORY_LIMIT) this.history.length = HISTORY_LIMIT;
    return true;
  }

  clearHistory(): void {
    this.history.length = 0;
  }
}
