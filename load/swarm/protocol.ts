// What the coordinator and its worker processes tell each other (structured clone over the IPC
// channel). Workers report once a second (`tick`) and at phase ends; nothing per message.
import type { LatencyHistogram } from '../../src/load/model.ts';
import type { WorkerFinal } from './accounting.ts';
import type { OverlapModel, SwarmOptions } from './options.ts';

export type ToWorker =
  | { type: 'init'; options: SwarmOptions; worker: number; workers: number; model: OverlapModel; password?: string }
  | { type: 'connect'; startEpoch: number }
  | { type: 'publish'; atEpoch: number }
  | { type: 'stopPublishing' }
  | { type: 'drain'; published: number[] }
  | { type: 'finalize'; published: number[] }
  | { type: 'disconnect' };

export interface Tick {
  /** the second (since the run's start) these counts belong to */
  t: number;
  sent: number;
  received: number;
  errors: number;
  connects: number;
  /** gauges at the end of that second */
  connected: number;
  connecting: number;
  failed: number;
  rssBytes: number;
  cpuUserUs: number;
  cpuSystemUs: number;
}

export type FromWorker =
  | { type: 'loaded'; pid: number }
  | { type: 'tick'; tick: Tick }
  | { type: 'setupDone'; connected: number; failed: number; groups: string[] }
  | { type: 'publishDone'; published: [number, number][]; final: boolean }
  /** during the drain, every 100 ms; quietMs: since this worker's last copy (or the drain's start) */
  | { type: 'drainStatus'; expectedLocal: number; used: number; surplus: number; copies: number; inflight: number; quietMs: number }
  | {
      type: 'final';
      final: WorkerFinal;
      connectLatency: LatencyHistogram;
      subscribeLatency: LatencyHistogram;
      failures: Record<string, number>;
      connectedEver: number;
      failed: number;
    }
  /** sessionsCleared: MQTT 3.1.1 persistent sessions ended afterwards with a clean-session connect */
  | { type: 'closed'; clean: number; forced: number; sessionsCleared: number; last?: Tick; cpuUserUs: number; cpuSystemUs: number }
  | { type: 'fatal'; message: string };
