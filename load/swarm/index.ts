// The MQTT client swarm as a library: `startSwarm(options, hooks)` for the combined runs (start
// the swarm, run k6 beside it, stop the swarm), and the CLI `emqx-harness swarm` on top of it.
//
// Contract:
//
//   const s = startSwarm({ mqttUrl, runId, clients: 1000, subscribers: 1000, subTopics: ['hx/{i}/#'],
//                          publishers: 10, pubTopic: 'hx/{i}/x', qos: [1], pubRate: 100, durationMs: 30_000,
//                          restSource: 'k6-' }, { onProgress, onPhase, onNote });
//   const result = await s.done;            // ends by itself: `durationMs` of publishing (or holding)
//   const result = await s.stop();          // or: end now as a normal end (publishers stop, full drain)
//   const result = await s.stop('Ctrl-C');  // or: interrupted: short drain (≤ 1 s), result.interrupted set
//
// Options not given take the defaults of options.ts (DEFAULTS; workers: one per core). `done`
// rejects with UsageError (bad options) or TargetError (the broker cannot be reached or refuses
// the credentials), both before any load is put on the broker. Every client sends DISCONNECT
// before `done` resolves, also after stop().
//
// REST→MQTT: with `restSource` (k6 stamps its source `k6-<vu>` with the swarm's run id, see
// src/load/stamp.ts), copies of messages stamped for this run by a source with that prefix are
// counted apart from the swarm's own:
//   result.restToMqtt = { sent: 0, ratio: 0, delivered, duplicated, latency }
//     delivered  — distinct (source, seq) received by at least one swarm subscriber;
//     duplicated — copies a subscriber received beyond what its subscriptions can bring (its
//                  matching non-shared subscriptions under the broker's overlap model, plus each
//                  matching shared one; at least 1);
//     latency    — send (the stamp's time) to receipt, every copy.
//   `sent` and `ratio` are the caller's: k6 knows what the broker accepted; set
//   sent = accepted and ratio = delivered / sent (`withRestSent` does it).
//   result.restReceipts[source] = { distinct, maxSeq }: per k6 source, distinct sequences received
//   and the highest one, to find which VU's messages went missing.
import { availableParallelism } from 'node:os';
import type { RestToMqtt } from '../../src/load/model.ts';
import { Coordinator, type Phase, type Progress, type RestReceipt, type SwarmHooks, type SwarmResult } from './coordinator.ts';
import { type OverlapModel, type Qos, type SwarmOptions, withDefaults } from './options.ts';

export type { OverlapModel, Phase, Progress, Qos, RestReceipt, SwarmHooks, SwarmOptions, SwarmResult };

export type SwarmInput = Partial<SwarmOptions> & Pick<SwarmOptions, 'mqttUrl' | 'runId'>;

export interface RunningSwarm {
  /** resolves when the swarm ended by itself (or after stop()) with every client disconnected */
  done: Promise<SwarmResult>;
  /** end early: without a reason a normal end (full drain), with one an interruption */
  stop(reason?: string): Promise<SwarmResult>;
  /** kill the worker processes at once (a second Ctrl-C); `done` still settles */
  kill(): void;
}

export function startSwarm(options: SwarmInput, hooks: SwarmHooks = {}): RunningSwarm {
  let o: SwarmOptions;
  try {
    o = withDefaults(options, availableParallelism());
  } catch (e) {
    const done = Promise.reject(e);
    done.catch(() => {});
    return { done, stop: () => done, kill: () => {} };
  }
  const c = new Coordinator(o, hooks);
  return { done: c.done, stop: (reason?: string) => c.stop(reason), kill: () => c.kill() };
}

/** The caller's half of REST→MQTT: what k6 sent (the broker accepted), and the ratio. */
export function withRestSent(r: RestToMqtt, sent: number): RestToMqtt {
  return { ...r, sent, ratio: sent > 0 ? r.delivered / sent : 0 };
}
