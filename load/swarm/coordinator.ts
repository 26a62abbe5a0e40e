// The coordinator: checks the broker, starts one worker process per share of the clients, walks
// them through the phases (connect + subscribe → publish or hold → drain → final figures →
// disconnect), merges what they report into one SwarmPart, and stops early and cleanly when
// asked. Worker processes (not threads): each has its own file-descriptor limit and heap, and a
// Ctrl-C reaches only the coordinator, which then has every client send DISCONNECT.
import { type ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { mergeSummaries } from '../../src/load/histogram.ts';
import type { LatencyHistogram, RestToMqtt, SwarmPart, TimePoint } from '../../src/load/model.ts';
import { type PublisherInfo, addSurplus, groupAccounting, publishersOf, subscriptionsOf, topicOf } from './accounting.ts';
import { type OverlapModel, type SwarmOptions, parseMqttUrl } from './options.ts';
import { preflight } from './probe.ts';
import type { FromWorker, Tick, ToWorker } from './protocol.ts';
import { FilterIndex, groupOfKey, hasOverlapRisk } from './topics.ts';

export type Phase = 'preflight' | 'starting' | 'connecting' | 'publishing' | 'holding' | 'draining' | 'finalizing' | 'disconnecting' | 'done';

/** Once a second while running: the last complete second, and totals. */
export interface Progress {
  /** the second since the start these rates belong to */
  t: number;
  phase: Phase;
  clients: number;
  connected: number;
  connecting: number;
  failed: number;
  /** in second t */
  sent: number;
  received: number;
  errors: number;
  connects: number;
  sentTotal: number;
  receivedTotal: number;
  errorsTotal: number;
  /** the worker processes' resident memory, summed */
  rssBytes: number;
  /** the worker processes' CPU time so far */
  cpuUserMs: number;
  cpuSystemMs: number;
}

export interface SwarmHooks {
  onProgress?(p: Progress): void;
  onPhase?(phase: Phase): void;
  /** notes worth a line on stderr (the measured overlap model, ambiguous expectations) */
  onNote?(note: string): void;
  /** the worker processes are up (before any client connects): their pids, e.g. to watch their memory */
  onWorkers?(pids: number[]): void;
}

export interface RestReceipt {
  /** distinct sequence numbers received from this source */
  distinct: number;
  /** the highest sequence number received (-1: none) */
  maxSeq: number;
}

export interface SwarmResult {
  runId: string;
  /** the MQTT URL, without credentials */
  target: string;
  startedAt: string;
  finishedAt: string;
  /** set when the run was cut short (stop with a reason, a signal, a worker that died) */
  interrupted?: { reason: string };
  swarm: SwarmPart;
  /** REST→MQTT (k6 messages), when options.restSource is set; `sent` and `ratio` are the caller's to fill */
  restToMqtt?: RestToMqtt;
  /** REST→MQTT per source: what arrived, so the caller can hold it against what k6 sent */
  restReceipts?: Record<string, RestReceipt>;
  /** how copies of overlapping subscriptions were counted */
  overlap: OverlapModel;
  notes: string[];
  /**
   * clients that sent DISCONNECT at the end, connections dropped without it (still connecting, or
   * no answer in 5 s), and MQTT 3.1.1 persistent sessions ended afterwards (clean-session connect)
   */
  disconnect: { clean: number; forced: number; sessionsCleared: number };
  /** messages stamped for this run by publishers this shard does not know (other shards) */
  foreign: number;
  /** seconds spent connecting (first attempt to the last client settled), when that phase completed */
  connectPhaseS?: number;
  /**
   * The publish phase: its length, messages sent per second over it, and copies received per
   * second from its start to the last copy (end to end throughput).
   */
  publishPhase?: { seconds: number; sentPerS: number; receivedPerS: number; copies: number; lastCopyS: number };
}

interface WorkerState {
  index: number;
  child: ChildProcess;
  alive: boolean;
  pid: number;
  loaded: boolean;
  setup?: { connected: number; failed: number; groups: string[] };
  published: Map<number, number>;
  publishFinal: boolean;
  drain?: { expectedLocal: number; used: number; surplus: number; copies: number; inflight: number; quietMs: number };
  final?: Extract<FromWorker, { type: 'final' }>;
  closed?: Extract<FromWorker, { type: 'closed' }>;
  last?: Tick;
}

const WORKER_PATH = fileURLToPath(new URL('./worker.ts', import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export class Coordinator {
  readonly done: Promise<SwarmResult>;
  private readonly o: SwarmOptions;
  private readonly pubs: PublisherInfo[];
  private workers: WorkerState[] = [];
  private waiters: (() => void)[] = [];
  private stopRequest: { reason?: string } | undefined;
  private phase: Phase = 'preflight';
  private readonly notes: string[] = [];
  private model: OverlapModel = 'per-subscription';
  private startEpoch = 0;
  private readonly ticks = new Map<number, { sent: number; received: number; errors: number; connects: number; gauges: Map<number, number> }>();
  private totals = { sent: 0, received: 0, errors: 0 };
  private progressTimer: NodeJS.Timeout | undefined;
  private workerFailure: string | undefined;

  constructor(
    options: SwarmOptions,
    private readonly hooks: SwarmHooks = {},
  ) {
    this.o = options;
    this.pubs = publishersOf(options);
    this.done = this.run();
    // the caller may only look at `done` later (or await stop()); keep an early rejection from being "unhandled"
    this.done.catch(() => {});
  }

  /** End early. With a reason the run counts as interrupted (short drain); without, as a normal end. */
  stop(reason?: string): Promise<SwarmResult> {
    if (!this.stopRequest) this.stopRequest = { reason };
    else if (reason && !this.stopRequest.reason) this.stopRequest.reason = reason;
    this.notify();
    return this.done;
  }

  /** Forced end: kill the workers now (their connections drop without DISCONNECT). */
  kill(): void {
    for (const w of this.workers) if (w.alive) w.child.kill('SIGKILL');
  }

  // ---- waiting ----

  private notify(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private wake(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, Math.max(0, ms));
      this.waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /** Waits until `cond()` or the deadline (epoch ms); true when the condition held. */
  private async until(cond: () => boolean, deadline: number, stopEarly = true): Promise<boolean> {
    while (!cond()) {
      if (stopEarly && this.stopRequest) return false;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await this.wake(Math.min(left, 1000));
    }
    return true;
  }

  private alive(): WorkerState[] {
    return this.workers.filter((w) => w.alive);
  }

  private broadcast(m: ToWorker): void {
    for (const w of this.alive()) {
      try {
        w.child.send(m);
      } catch {
        // it is going away; its exit is handled
      }
    }
  }

  private setPhase(p: Phase): void {
    this.phase = p;
    this.hooks.onPhase?.(p);
  }

  private note(n: string): void {
    this.notes.push(n);
    this.hooks.onNote?.(n);
  }

  // ---- the run ----

  private async run(): Promise<SwarmResult> {
    const o = this.o;
    const startedAt = new Date();
    this.setPhase('preflight');
    const subLists = o.subscribers > 0 ? [subscriptionsOf(o, 0)] : [];
    const overlapRisk = hasOverlapRisk(subLists);
    const pf = await preflight(o, o.overlap === 'auto' && overlapRisk);
    if (o.overlap !== 'auto') this.model = o.overlap;
    else if (pf.measured) this.model = pf.measured;
    if (pf.note) this.note(pf.note);
    if (this.model === 'per-client-all' && subLists.some((l) => l.some((f) => f.startsWith('$share/')) && l.length > 1)) {
      this.note('this broker sends one copy per client whatever matched (mosquitto with MQTT 3.1.1): where a shared-group member also holds another matching subscription the expected count is an upper bound');
    }

    let result: SwarmResult | undefined;
    try {
      this.setPhase('starting');
      if (!this.stopRequest) await this.startWorkers();
      if (this.stopRequest) return this.assemble(startedAt, []);
      this.hooks.onWorkers?.(this.workers.map((w) => w.pid));
      this.startEpoch = Date.now();
      this.startProgress();
      this.setPhase('connecting');
      const connectStart = Date.now();
      this.broadcast({ type: 'connect', startEpoch: this.startEpoch });
      const setupOk = await this.until(() => this.alive().every((w) => w.setup), Infinity);
      const connectPhaseS = setupOk ? (Date.now() - connectStart) / 1000 : undefined;

      let publishPhase: SwarmResult['publishPhase'];
      let publishStart = 0;
      let published: number[] = this.pubs.map(() => 0);
      if (!this.stopRequest && o.publishers > 0) {
        this.setPhase('publishing');
        const at = Date.now() + 20;
        this.broadcast({ type: 'publish', atEpoch: at });
        await this.until(() => this.alive().every((w) => w.publishFinal), at + o.durationMs + 2000);
        this.broadcast({ type: 'stopPublishing' });
        for (const w of this.alive()) w.publishFinal = false;
        await this.until(() => this.alive().every((w) => w.publishFinal), Date.now() + 5000, false);
        const seconds = Math.max(0.001, (Date.now() - at) / 1000);
        published = this.mergedPublished();
        const sentNow = published.reduce((a, b) => a + b, 0);
        this.setPhase('draining');
        await this.drain(published);
        publishPhase = { seconds, sentPerS: sentNow / seconds, receivedPerS: 0, copies: 0, lastCopyS: 0 };
        publishStart = at;
      } else if (!this.stopRequest) {
        this.setPhase('holding');
        await this.until(() => false, Date.now() + o.durationMs);
      }

      this.setPhase('finalizing');
      this.broadcast({ type: 'finalize', published });
      await this.until(() => this.alive().every((w) => w.final), Date.now() + 60_000, false);

      this.setPhase('disconnecting');
      this.broadcast({ type: 'disconnect' });
      // MQTT 3.1.1 persistent sessions are ended with one more connect each: allow for that too
      const clearing = !o.clean && o.protocol === 4 && !o.keepSessions ? o.connectTimeoutMs + (o.clients / Math.max(1, o.maxConnecting)) * 50 : 0;
      await this.until(() => this.alive().every((w) => w.closed), Date.now() + 10_000 + clearing, false);
      result = this.assemble(startedAt, published);
      result.connectPhaseS = connectPhaseS;
      if (publishPhase) {
        const finals = this.workers.filter((w) => w.final).map((w) => w.final!.final);
        const last = Math.max(0, ...finals.map((f) => f.lastMs));
        publishPhase.copies = finals.reduce((a, f) => a + f.copies[0]! + f.copies[1]! + f.copies[2]!, 0);
        publishPhase.lastCopyS = last > 0 ? (last - publishStart) / 1000 : 0;
        publishPhase.receivedPerS = publishPhase.lastCopyS > 0 ? publishPhase.copies / publishPhase.lastCopyS : 0;
      }
      result.publishPhase = publishPhase;
      return result;
    } finally {
      if (this.progressTimer) clearInterval(this.progressTimer);
      this.emitProgress(true);
      await this.endWorkers();
      this.setPhase('done');
    }
  }

  private mergedPublished(): number[] {
    const out = this.pubs.map(() => 0);
    for (const w of this.workers) for (const [p, n] of w.published) out[p] = Math.max(out[p]!, n);
    return out;
  }

  /** Waits for what is in flight: all expected copies in, or nothing arriving for drainQuietMs, or the drain timeout. */
  private async drain(published: number[]): Promise<void> {
    this.broadcast({ type: 'drain', published });
    const groupsExpected = this.groupsExpected(published);
    const start = Date.now();
    const limit = (): number => (this.stopRequest?.reason ? Math.min(this.o.drainTimeoutMs, 1000) : this.o.drainTimeoutMs);
    for (;;) {
      const ws = this.alive();
      if (ws.length === 0) return;
      if (ws.every((w) => w.drain)) {
        let outstanding = 0;
        let surplus = 0;
        let inflight = 0;
        let quiet = Infinity;
        for (const w of ws) {
          const d = w.drain!;
          outstanding += Math.max(0, d.expectedLocal - d.used);
          surplus += d.surplus;
          inflight += d.inflight;
          quiet = Math.min(quiet, d.quietMs);
        }
        outstanding += Math.max(0, groupsExpected - surplus);
        if (inflight === 0 && outstanding === 0) return;
        // quiet as the workers saw it when they reported (never older news taken for silence)
        if (inflight === 0 && quiet >= this.o.drainQuietMs) return;
      }
      if (Date.now() - start >= limit()) {
        // an interruption cuts the drain short on purpose, and says so in its own words
        if (!this.stopRequest?.reason) this.noteDrainTimeout(groupsExpected);
        return;
      }
      await this.wake(100);
    }
  }

  /**
   * The drain ran out of time with copies still due: "lost" then also counts copies a
   * backlogged broker would still have delivered, and the report has to say so.
   */
  private noteDrainTimeout(groupsExpected: number): void {
    const ws = this.alive().filter((w) => w.drain);
    const outstanding = ws.reduce((n, w) => n + Math.max(0, w.drain!.expectedLocal - w.drain!.used), 0) + Math.max(0, groupsExpected - ws.reduce((n, w) => n + w.drain!.surplus, 0));
    const inflight = ws.reduce((n, w) => n + w.drain!.inflight, 0);
    const quiet = Math.min(Infinity, ...ws.map((w) => w.drain!.quietMs));
    if (outstanding === 0 && inflight === 0) return;
    const arriving = quiet < this.o.drainQuietMs ? 'copies were still arriving' : 'messages were still in flight';
    this.note(`the drain ended at its timeout (${this.o.drainTimeoutMs / 1000} s) while ${arriving} (${outstanding.toLocaleString('en-US')} copies due): the lost counts include copies the broker may still have been delivering; a longer --drain-timeout tells loss from lateness`);
  }

  private groupKeys(): string[] {
    const keys = new Set<string>();
    for (const w of this.workers) for (const k of w.setup?.groups ?? []) keys.add(k);
    return [...keys].sort();
  }

  private groupsExpected(published: number[]): number {
    const keys = this.groupKeys();
    if (keys.length === 0) return 0;
    const index = new FilterIndex();
    keys.forEach((k, i) => index.add(groupOfKey(k).filter, i));
    let total = 0;
    this.pubs.forEach((pub, p) => {
      const m = published[p] ?? 0;
      if (pub.topic !== undefined) {
        let g = 0;
        index.match(pub.topic, () => g++);
        total += g * m;
      } else for (let s = 0; s < m; s++) index.match(topicOf(pub, s, this.o.runId), () => total++);
    });
    return total;
  }

  // ---- workers ----

  private async startWorkers(): Promise<void> {
    const n = this.o.workers;
    for (let i = 0; i < n; i++) {
      const child = fork(WORKER_PATH, [], {
        // HX_SWARM_WORKER_NODE_ARGS: extra node flags for the workers only (e.g. --cpu-prof when profiling)
        execArgv: ['--import', TSX_LOADER, ...(process.env.HX_SWARM_WORKER_NODE_ARGS?.split(' ').filter(Boolean) ?? [])],
        env: { ...process.env, HX_SWARM_WORKER: '1' },
        serialization: 'advanced',
        // its own process group: a Ctrl-C in the terminal reaches the coordinator only
        detached: true,
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      const w: WorkerState = { index: i, child, alive: true, pid: child.pid ?? 0, loaded: false, published: new Map(), publishFinal: false };
      this.workers.push(w);
      child.on('message', (m: FromWorker) => this.onMessage(w, m));
      child.on('exit', (code, signal) => {
        const wasAlive = w.alive;
        w.alive = false;
        if (wasAlive && !w.closed) this.workerDied(w, `worker ${i} exited (${signal ?? `code ${code}`})`);
        this.notify();
      });
      child.on('error', (e) => this.workerDied(w, `worker ${i}: ${e.message}`));
      child.send({ type: 'init', options: this.o, worker: i, workers: n, model: this.model } satisfies ToWorker);
    }
    await this.until(() => this.workers.every((w) => w.loaded || !w.alive), Date.now() + 60_000);
    if (this.workers.some((w) => !w.loaded) && !this.stopRequest) this.workerDied(this.workers.find((w) => !w.loaded)!, 'a worker did not start within 60 s');
  }

  private workerDied(w: WorkerState, why: string): void {
    w.alive = false;
    if (!this.workerFailure) {
      this.workerFailure = why;
      this.note(why);
      if (!this.stopRequest) this.stopRequest = { reason: why };
      else this.stopRequest.reason ??= why;
    }
    this.notify();
  }

  private async endWorkers(): Promise<void> {
    for (const w of this.workers) {
      if (w.child.connected) w.child.disconnect();
    }
    const deadline = Date.now() + 3000;
    await this.until(() => this.workers.every((w) => w.child.exitCode !== null || w.child.signalCode !== null), deadline, false);
    for (const w of this.workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
  }

  private onMessage(w: WorkerState, m: FromWorker): void {
    switch (m.type) {
      case 'loaded':
        w.loaded = true;
        w.pid = m.pid;
        break;
      case 'tick':
        this.addTick(w, m.tick);
        break;
      case 'setupDone':
        w.setup = { connected: m.connected, failed: m.failed, groups: m.groups };
        break;
      case 'publishDone':
        for (const [p, n] of m.published) w.published.set(p, n);
        if (m.final) w.publishFinal = true;
        break;
      case 'drainStatus':
        w.drain = { expectedLocal: m.expectedLocal, used: m.used, surplus: m.surplus, copies: m.copies, inflight: m.inflight, quietMs: m.quietMs };
        break;
      case 'final':
        w.final = m;
        break;
      case 'closed':
        if (m.last) this.addTick(w, m.last);
        w.closed = m;
        break;
      case 'fatal':
        this.workerDied(w, `worker ${w.index} failed: ${m.message.split('\n')[0]}`);
        break;
    }
    this.notify();
  }

  private addTick(w: WorkerState, t: Tick): void {
    w.last = t;
    let b = this.ticks.get(t.t);
    if (!b) this.ticks.set(t.t, (b = { sent: 0, received: 0, errors: 0, connects: 0, gauges: new Map() }));
    b.sent += t.sent;
    b.received += t.received;
    b.errors += t.errors;
    b.connects += t.connects;
    b.gauges.set(w.index, t.connected);
    this.totals.sent += t.sent;
    this.totals.received += t.received;
    this.totals.errors += t.errors;
  }

  // ---- progress ----

  private startProgress(): void {
    if (!this.hooks.onProgress) return;
    const first = 1250 - ((Date.now() - this.startEpoch) % 1000);
    const timer = setTimeout(() => {
      this.emitProgress(false);
      this.progressTimer = setInterval(() => this.emitProgress(false), 1000);
    }, first);
    this.progressTimer = timer as unknown as NodeJS.Timeout;
  }

  private emitProgress(final: boolean): void {
    if (!this.hooks.onProgress || this.startEpoch === 0) return;
    const t = Math.max(0, Math.floor((Date.now() - this.startEpoch) / 1000) - (final ? 0 : 1));
    const b = this.ticks.get(t);
    let connected = 0;
    let connecting = 0;
    let failed = 0;
    let rss = 0;
    let user = 0;
    let sys = 0;
    for (const w of this.workers) {
      const l = w.last;
      if (!l) continue;
      connected += l.connected;
      connecting += l.connecting;
      failed += l.failed;
      if (w.alive) rss += l.rssBytes;
      user += l.cpuUserUs;
      sys += l.cpuSystemUs;
    }
    this.hooks.onProgress({
      t,
      phase: this.phase,
      clients: this.o.clients,
      connected,
      connecting,
      failed,
      sent: b?.sent ?? 0,
      received: b?.received ?? 0,
      errors: b?.errors ?? 0,
      connects: b?.connects ?? 0,
      sentTotal: this.totals.sent,
      receivedTotal: this.totals.received,
      errorsTotal: this.totals.errors,
      rssBytes: rss,
      cpuUserMs: user / 1000,
      cpuSystemMs: sys / 1000,
    });
  }

  // ---- the result ----

  private assemble(startedAt: Date, published: number[]): SwarmResult {
    const o = this.o;
    const finals = this.workers.filter((w) => w.final).map((w) => w.final!);
    const qosUsed = [...new Set(this.pubs.map((p) => p.qos))].sort();
    const delivery: SwarmPart['delivery'] = {};
    const groupKeys = this.groupKeys();
    const sums: (Uint32Array | undefined)[] = [];
    for (const f of finals) if (f.final.surplus) addSurplus(sums, f.final.surplus);
    const groups = finals.some((f) => f.final.surplus) ? groupAccounting(this.pubs, o.runId, published, groupKeys, sums) : undefined;
    for (const q of qosUsed) {
      const row = { published: 0, expected: 0, received: 0, lost: 0, duplicated: 0 };
      this.pubs.forEach((p, i) => {
        if (p.qos === q) row.published += published[i] ?? 0;
      });
      for (const f of finals) {
        const ns = f.final.nonShared[q]!;
        row.expected += ns.expected;
        row.received += ns.received;
        row.lost += ns.lost;
        row.duplicated += ns.extra;
      }
      if (groups) {
        const g = groups[q]!;
        row.expected += g.expected;
        row.received += g.received;
        row.lost += g.lost;
        row.duplicated += g.duplicated;
      }
      delivery[q] = row;
    }
    const e2eLatency: Record<string, LatencyHistogram> = {};
    for (const q of qosUsed) {
      const merged = mergeSummaries(finals.map((f) => f.final.e2e[q]));
      if (merged) e2eLatency[q] = merged;
    }
    const failuresByReason: Record<string, number> = {};
    let connected = 0;
    let failed = 0;
    for (const f of finals) {
      connected += f.connectedEver;
      failed += f.failed;
      for (const [k, n] of Object.entries(f.failures)) failuresByReason[k] = (failuresByReason[k] ?? 0) + n;
    }
    const cpu = { user: 0, system: 0 };
    for (const w of this.workers) {
      const c = w.closed ?? w.last;
      if (c) {
        cpu.user += c.cpuUserUs;
        cpu.system += c.cpuSystemUs;
      }
    }
    const own = process.cpuUsage();
    const swarm: SwarmPart = {
      clients: { target: o.clients, connected, failed, failuresByReason },
      ...(finals.length ? { connectLatency: mergeSummaries(finals.map((f) => f.connectLatency)) } : {}),
      ...(finals.length && o.subscribers > 0 ? { subscribeLatency: mergeSummaries(finals.map((f) => f.subscribeLatency)) } : {}),
      e2eLatency,
      delivery,
      timeline: this.timeline(),
      cpu: { userMs: Math.round((cpu.user + own.user) / 1000), systemMs: Math.round((cpu.system + own.system) / 1000), cores: availableParallelism() },
    };
    const result: SwarmResult = {
      runId: o.runId,
      target: parseMqttUrl(o.mqttUrl).display,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      ...(this.stopRequest?.reason ? { interrupted: { reason: this.stopRequest.reason } } : {}),
      swarm,
      overlap: this.model,
      notes: this.notes,
      disconnect: { clean: 0, forced: 0, sessionsCleared: 0 },
      foreign: finals.reduce((a, f) => a + f.final.foreign, 0),
    };
    for (const w of this.workers) {
      if (w.closed) {
        result.disconnect.clean += w.closed.clean;
        result.disconnect.forced += w.closed.forced;
        result.disconnect.sessionsCleared += w.closed.sessionsCleared;
      }
    }
    if (o.restSource !== undefined) Object.assign(result, this.restPart(finals));
    return result;
  }

  private restPart(finals: Extract<FromWorker, { type: 'final' }>[]): Pick<SwarmResult, 'restToMqtt' | 'restReceipts'> {
    const seen = new Map<string, Uint8Array>();
    let duplicated = 0;
    const latencies: LatencyHistogram[] = [];
    for (const f of finals) {
      const r = f.final.rest;
      if (!r) continue;
      duplicated += r.duplicated;
      latencies.push(r.latency);
      for (const [source, bits] of Object.entries(r.seen)) {
        const have = seen.get(source);
        if (!have) seen.set(source, Uint8Array.from(bits));
        else {
          const merged = have.length >= bits.length ? have : Uint8Array.from(bits);
          const other = merged === have ? bits : have;
          for (let i = 0; i < other.length; i++) if (other[i]) merged[i] = 1;
          seen.set(source, merged);
        }
      }
    }
    const receipts: Record<string, RestReceipt> = {};
    let delivered = 0;
    for (const [source, bits] of [...seen].sort(([a], [b]) => (a < b ? -1 : 1))) {
      let distinct = 0;
      let maxSeq = -1;
      for (let i = 0; i < bits.length; i++)
        if (bits[i]) {
          distinct++;
          maxSeq = i;
        }
      receipts[source] = { distinct, maxSeq };
      delivered += distinct;
    }
    const latency = mergeSummaries(latencies);
    return { restToMqtt: { sent: 0, delivered, duplicated, ratio: 0, ...(latency ? { latency } : {}) }, restReceipts: receipts };
  }

  private timeline(): TimePoint[] {
    if (this.ticks.size === 0) return [];
    const last = Math.max(...this.ticks.keys());
    const out: TimePoint[] = [];
    const gauge = new Map<number, number>();
    for (let t = 0; t <= last; t++) {
      const b = this.ticks.get(t);
      if (b) for (const [w, n] of b.gauges) gauge.set(w, n);
      let connections = 0;
      for (const n of gauge.values()) connections += n;
      out.push({ t, connections, sent: b?.sent ?? 0, received: b?.received ?? 0, errors: b?.errors ?? 0 });
    }
    return out;
  }
}

