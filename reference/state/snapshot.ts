// A value EMQX does not compute on request but refreshes on a timer, so an answer can lag the
// broker's real state by up to one interval. emqx_stats (src/emqx_stats.erl, 4.4.19) runs the
// stats functions of emqx_cm, emqx_broker, the retainer … on a 1 s tick (`tick_ms =>
// timer:seconds(1)`), and /stats reads the table they write: observed on 4.4.19, a connection
// shows in /stats 1–2 s after it is made, in /nodes (read live) at once.

export class Snapshot<T> {
  private value: T | undefined;
  private timer: NodeJS.Timeout | undefined;

  /**
   * @param read computes the current value
   * @param intervalMs refresh period; undefined reads live on every get()
   */
  constructor(
    private readonly read: () => T,
    readonly intervalMs: number | undefined,
  ) {
    if (intervalMs !== undefined) {
      this.value = this.read();
      this.timer = setInterval(() => {
        this.value = this.read();
      }, intervalMs);
      this.timer.unref();
    }
  }

  get(): T {
    if (this.intervalMs === undefined || this.value === undefined) return this.read();
    return this.value;
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** EMQX's stats tick (emqx_stats tick_ms). */
export const STATS_INTERVAL_MS = 1000;
