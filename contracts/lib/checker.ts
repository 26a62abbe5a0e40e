// Records the findings of one test. Every pass recorded here is a comparison that was
// actually made on an answer that came back whole; a check that could not run is recorded
// as skipped or not-implemented with its reason, never as a pass.
import { expect } from '@playwright/test';
import type { ApiCall } from '../../src/api-client.ts';
import { docLabel, entryById } from '../../src/catalog.ts';
import type { CheckKind, Finding } from '../../src/findings.ts';
import { failsTheRun, showValue } from '../../src/findings.ts';
import { type PresenceMap, obeysPresence } from '../../src/presence.ts';
import type { Target } from '../../src/target.ts';
import type { ContractValidator } from '../../src/validator.ts';
import type { Mismatch } from '../../src/expectations.ts';
import { codeOf, succeeded } from '../../src/answers.ts';

export interface Timing {
  endpoint: string;
  ms: number;
}

export interface CheckerOptions {
  strictFields?: boolean;
  strictDocs?: boolean;
  target?: Target;
  presence?: PresenceMap;
}

/** How long an eventual effect (a REST subscribe landing, a stats refresh) may take. */
export const EVENTUAL_MS = 5000;

/**
 * Deep equality where object key order never matters (JSON objects are maps; EMQX builds
 * them from Erlang maps and proplists in no promised order). Array order does matter: a
 * check of a list the documents give no order sorts it first.
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'undefined';
}

/**
 * Whether `actual` has every key of `expected` with the same value, recursively: the echo
 * rule (a broker may fill defaults into what it echoes, but what was sent must come back).
 */
export function containsSubset(expected: unknown, actual: unknown): boolean {
  if (expected && typeof expected === 'object' && !Array.isArray(expected)) {
    if (!actual || typeof actual !== 'object' || Array.isArray(actual)) return false;
    return Object.entries(expected).every(([k, v]) => containsSubset(v, (actual as Record<string, unknown>)[k]));
  }
  return deepEqual(expected, actual);
}

export class Checker {
  readonly findings: Finding[] = [];
  readonly timings: Timing[] = [];

  constructor(
    private readonly validator: ContractValidator,
    private readonly opts: CheckerOptions = {},
  ) {}

  /**
   * The one way a finding enters a test's record. On an endpoint the presence decision
   * found absent only the run's not-implemented finding stands, so anything else is dropped.
   */
  record(f: Finding): Finding {
    const stamped = this.opts.target ? { ...f, target: this.opts.target.name } : f;
    if (obeysPresence(stamped, this.opts.presence)) this.findings.push(stamped);
    return stamped;
  }

  /** whether the run's presence decision found the endpoint absent on this target */
  isAbsent(endpoint: string): boolean {
    return this.opts.presence?.[endpoint]?.present === false;
  }

  timing(call: ApiCall): void {
    this.timings.push({ endpoint: call.entry.id, ms: call.response.durationMs });
  }

  /**
   * A pass, unless the call it rests on did not itself succeed: then the call's endpoint
   * fails instead, whatever the comparison found (a pass needs an answer to check).
   */
  pass(endpoint: string, check: CheckKind, message: string, call?: ApiCall): void {
    if (call && !succeeded(call)) {
      this.answered(call);
      return;
    }
    this.record({ endpoint, check, verdict: 'pass', message, ...(call ? { curl: call.curl } : {}) });
  }

  fail(endpoint: string, check: CheckKind, what: string, expected: unknown, actual: unknown, call?: ApiCall, pointer?: string): void {
    const entry = entryById(endpoint);
    const exp = typeof expected === 'string' ? expected : showValue(expected);
    const act = typeof actual === 'string' ? actual : showValue(actual);
    this.record({
      endpoint,
      check,
      verdict: 'fail',
      message: `${call?.label ?? `${entry.method} ${entry.path}`} ${what}: expected ${exp}, got ${act} (${docLabel(entry)})`,
      expected: exp,
      actual: act,
      doc: docLabel(entry),
      ...(pointer !== undefined ? { pointer } : {}),
      ...(call ? { curl: call.curl } : {}),
    });
  }

  /**
   * Whether a call a check reads from came back as a success (HTTP 200, JSON, code 0). When
   * it did not, that is a failure of the call's own endpoint, and the caller must not pass
   * anything derived from it: an empty answer to a broken listing proves nothing is gone.
   */
  answered(call: ApiCall): boolean {
    if (succeeded(call)) return true;
    const res = call.response;
    const code = codeOf(call);
    const got = `HTTP ${res.status}${res.isJson ? ` code ${showValue(code)}` : ` ${res.headers['content-type'] ?? 'no content-type'}: ${showValue(res.text, 60)}`}`;
    this.fail(call.entry.id, 'status', 'answer the check reads from', 'HTTP 200, a JSON body with code 0', got, call, '');
    return false;
  }

  /** Compare and record pass or fail (object key order ignored); returns whether it held. */
  expectEqual(endpoint: string, check: CheckKind, what: string, expected: unknown, actual: unknown, call?: ApiCall, pointer?: string): boolean {
    const ok = deepEqual(expected, actual);
    if (ok) this.pass(endpoint, check, `${call?.label ?? endpoint} ${what}: ${showValue(actual)}`, call);
    else this.fail(endpoint, check, what, expected, actual, call, pointer);
    return ok;
  }

  /** What was sent comes back with the values sent; further keys (defaults) are allowed. */
  expectEcho(endpoint: string, check: CheckKind, what: string, sent: unknown, echoed: unknown, call?: ApiCall, pointer?: string): boolean {
    const ok = containsSubset(sent, echoed);
    if (ok) this.pass(endpoint, check, `${call?.label ?? endpoint} ${what}: every key sent came back with its value`, call);
    else this.fail(endpoint, check, `${what} (every key sent, with its value)`, sent, echoed, call, pointer);
    return ok;
  }

  /** Record pass or fail for a condition described in words. */
  expectTrue(endpoint: string, check: CheckKind, what: string, ok: boolean, expected: string, actual: string, call?: ApiCall): boolean {
    if (ok) this.pass(endpoint, check, `${call?.label ?? endpoint} ${what}`, call);
    else this.fail(endpoint, check, what, expected, actual, call);
    return ok;
  }

  /**
   * An eventual effect: read until `holds` is true or the deadline passes (Playwright's
   * expect.poll, backing off), then record one pass or one fail on the last reading.
   * `read` returns the value to judge, and the call it came from when there is one; a
   * read whose own call failed fails that call's endpoint instead and passes nothing.
   */
  async eventually<T>(
    endpoint: string,
    check: CheckKind,
    what: string,
    read: () => Promise<{ value: T; call?: ApiCall }>,
    holds: (value: T) => boolean,
    expected: string,
    opts: { timeoutMs?: number; pointer?: string } = {},
  ): Promise<boolean> {
    let last: { value: T; call?: ApiCall } | undefined;
    const ok = await expect
      .poll(
        async () => {
          last = await read();
          if (last.call && !succeeded(last.call)) return 'broken';
          return holds(last.value);
        },
        { timeout: opts.timeoutMs ?? EVENTUAL_MS, intervals: [50, 100, 250, 500, 1000] },
      )
      .toBe(true)
      .then(
        () => true,
        () => false,
      );
    if (last?.call && !succeeded(last.call)) return this.answered(last.call);
    if (ok) this.pass(endpoint, check, `${last?.call?.label ?? endpoint} ${what}: ${showValue(last?.value)}`, last?.call);
    else this.fail(endpoint, check, `${what} (within ${((opts.timeoutMs ?? EVENTUAL_MS) / 1000).toFixed(0)} s)`, expected, last?.value, last?.call, opts.pointer);
    return ok;
  }

  /** A negative case: the answer against the outcome the target's release gives (src/expectations.ts). */
  outcome(endpoint: string, call: ApiCall, title: string, mismatches: Mismatch[], source: string): void {
    for (const m of mismatches) {
      this.record({
        endpoint,
        check: 'negative',
        verdict: 'fail',
        pointer: m.pointer,
        expected: m.expected,
        actual: m.actual,
        doc: source,
        curl: call.curl,
        message: `${call.label} ${title}: ${m.pointer || '(body)'} expected ${m.expected}, got ${m.actual} (${source})`,
      });
    }
    if (mismatches.length === 0) this.record({ endpoint, check: 'negative', verdict: 'pass', message: `${call.label} ${title}: answered as ${source}`, curl: call.curl });
  }

  skip(endpoints: string[], check: CheckKind, reason: string): void {
    for (const endpoint of endpoints) this.record({ endpoint, check, verdict: 'skipped', message: `${endpoint} ${check}: skipped: ${reason}`, reason });
  }

  /** Status 200, a JSON body (by its content type), and the body against the endpoint's response schema. */
  contract(call: ApiCall): boolean {
    this.timing(call);
    const id = call.entry.id;
    const res = call.response;
    if (!this.expectEqual(id, 'status', 'HTTP status', 200, res.status, call)) return false;
    if (!res.isJson) {
      this.fail(id, 'envelope', 'body', 'a JSON body (content-type application/json)', `${res.headers['content-type'] ?? 'no content-type'}: ${showValue(res.text)}`, call, '');
      return false;
    }
    const result = this.validator.validate(id, 'response', res.json, this.opts.target?.emqxVersion);
    const relabel = (f: Finding): Finding => ({ ...f, message: f.message.replace(`${call.entry.method} ${call.entry.path}`, call.label), curl: call.curl });
    for (const f of result.failures) this.record(relabel(f));
    const failedHere = (kind: CheckKind): boolean => result.failures.some((f) => f.check === kind && f.verdict === 'fail');
    const knownHere = (kind: CheckKind): boolean => result.failures.some((f) => f.check === kind && f.verdict === 'known-deviation');
    if (!failedHere('envelope') && !knownHere('envelope')) this.pass(id, 'envelope', `${call.label} envelope matches the documented response`, call);
    if (!this.validator.documentsData(id)) {
      this.skip([id], 'schema', `not checked: the document gives no shape for ${call.entry.method} ${call.entry.path} (listed only in its route index), so any data would pass`);
    } else if (!failedHere('schema') && !knownHere('schema')) {
      this.pass(id, 'schema', `${call.label} schema matches the documented response`, call);
    }
    for (const f of result.undocumented) this.record(relabel(f));
    if (result.undocumented.length === 0 && this.validator.documentsData(id)) this.pass(id, 'undocumented-field', `${call.label} has no undocumented field`, call);
    return result.ok;
  }

  /** The request body we are about to send is itself valid for the endpoint (a harness self-check). */
  requestIsDocumented(endpoint: string, body: unknown): void {
    const result = this.validator.validate(endpoint, 'request', body);
    if (!result.ok) throw new Error(`harness bug: request body for ${endpoint} breaks its own schema: ${result.failures.map((f) => f.message).join('; ')}`);
  }

  /** the findings that fail the test (and the run) */
  failures(): Finding[] {
    return this.findings.filter((f) => failsTheRun(f, { strictFields: !!this.opts.strictFields, strictDocs: this.opts.strictDocs }));
  }
}
