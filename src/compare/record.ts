// Recording response shapes during a contract run: the suites' API client hands every answer
// here (contracts/fixtures.ts), the recorder keeps the merged shape of each endpoint's
// successful answers, and each test writes what it recorded as one line of findings.jsonl,
// which `collectRun` (src/run-report.ts) merges into findings.json `shapes`.
import type { ApiCall } from '../api-client.ts';
import { succeeded } from '../answers.ts';
import { matchEntry } from '../catalog.ts';
import { type RunShapes, type Shape, mergeShapes, shapeOf } from './shape.ts';

export class ShapeRecorder {
  private pending = new Map<string, Shape>();

  constructor(
    /** the target's API base URL: an answer counts for an endpoint only when the request went to its route */
    private readonly apiUrl: string,
    /** the run's prefix: keys holding it are data (`{key}`), never field names */
    private readonly runPrefix?: string,
  ) {}

  /**
   * Keeps the shape of a successful answer (HTTP 200, JSON, code 0), never the body. Requests
   * that left the endpoint's route (the unknown-route negative cases send the entry's id to
   * another path or method) say nothing about the endpoint and are left out.
   */
  record(call: ApiCall): void {
    if (!succeeded(call) || !onOwnRoute(call, this.apiUrl)) return;
    const shape = shapeOf(call.response.json, this.runPrefix ? { runPrefix: this.runPrefix } : {});
    const before = this.pending.get(call.entry.id);
    this.pending.set(call.entry.id, before ? mergeShapes(before, shape) : shape);
  }

  /** What was recorded since the last take, as findings.json `shapes` for one target; undefined when nothing was. */
  take(target: string): RunShapes | undefined {
    if (this.pending.size === 0) return undefined;
    const out: RunShapes = { [target]: Object.fromEntries(this.pending) };
    this.pending = new Map();
    return out;
  }
}

/** A findings.jsonl record that holds shapes only (the reporter's records hold findings and timings). */
export interface ShapesRecord {
  shapes: RunShapes;
}

function onOwnRoute(call: ApiCall, apiUrl: string): boolean {
  try {
    const base = new URL(apiUrl).pathname.replace(/\/+$/, '');
    const path = new URL(call.url).pathname;
    if (!path.startsWith(base)) return false;
    return matchEntry(call.entry.apiVersion, call.method, path.slice(base.length) || '/')?.id === call.entry.id;
  } catch {
    return false;
  }
}
