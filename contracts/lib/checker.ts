// Records the findings of one test. Every pass recorded here is a comparison that was
// actually made; a check that could not run is recorded as skipped or not-implemented
// with its reason, never as a pass.
import type { ApiCall } from '../../src/api-client.ts';
import { docLabel, entryById } from '../../src/catalog.ts';
import type { CheckKind, Finding } from '../../src/findings.ts';
import { failsTheRun, showValue } from '../../src/findings.ts';
import type { ContractValidator } from '../../src/validator.ts';

export interface Timing {
  endpoint: string;
  ms: number;
}

export class Checker {
  readonly findings: Finding[] = [];
  readonly timings: Timing[] = [];

  constructor(
    private readonly validator: ContractValidator,
    private readonly strictFields = false,
  ) {}

  record(f: Finding): Finding {
    this.findings.push(f);
    return f;
  }

  timing(call: ApiCall): void {
    this.timings.push({ endpoint: call.entry.id, ms: call.response.durationMs });
  }

  pass(endpoint: string, check: CheckKind, message: string, call?: ApiCall): void {
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

  /** Compare and record pass or fail; returns whether it held. */
  expectEqual(endpoint: string, check: CheckKind, what: string, expected: unknown, actual: unknown, call?: ApiCall, pointer?: string): boolean {
    const ok = JSON.stringify(expected) === JSON.stringify(actual);
    if (ok) this.pass(endpoint, check, `${call?.label ?? endpoint} ${what}: ${showValue(actual)}`, call);
    else this.fail(endpoint, check, what, expected, actual, call, pointer);
    return ok;
  }

  /** Record pass or fail for a condition described in words. */
  expectTrue(endpoint: string, check: CheckKind, what: string, ok: boolean, expected: string, actual: string, call?: ApiCall): boolean {
    if (ok) this.pass(endpoint, check, `${call?.label ?? endpoint} ${what}`, call);
    else this.fail(endpoint, check, what, expected, actual, call);
    return ok;
  }

  skip(endpoints: string[], check: CheckKind, reason: string): void {
    for (const endpoint of endpoints) this.record({ endpoint, check, verdict: 'skipped', message: `${endpoint} ${check}: skipped: ${reason}`, reason });
  }

  notImplemented(call: ApiCall, reason: string): void {
    this.record({
      endpoint: call.entry.id,
      check: 'status',
      verdict: 'not-implemented',
      message: `${call.label}: not implemented on this target (${reason})`,
      reason,
      curl: call.curl,
    });
  }

  /** Status 200, a JSON body, and the body against the endpoint's response schema. */
  contract(call: ApiCall): boolean {
    this.timing(call);
    const id = call.entry.id;
    const res = call.response;
    if (!this.expectEqual(id, 'status', 'HTTP status', 200, res.status, call)) return false;
    if (!res.isJson) {
      this.fail(id, 'envelope', 'body', 'a JSON body', `${res.headers['content-type'] ?? 'no content-type'}: ${showValue(res.text)}`, call, '');
      return false;
    }
    const result = this.validator.validate(id, 'response', res.json);
    for (const f of result.failures) this.record({ ...f, message: f.message.replace(`${call.entry.method} ${call.entry.path}`, call.label), curl: call.curl });
    for (const kind of ['envelope', 'schema'] as const) {
      if (!result.failures.some((f) => f.check === kind)) this.pass(id, kind, `${call.label} ${kind} matches the documented response`, call);
    }
    for (const f of result.undocumented) this.record({ ...f, message: f.message.replace(`${call.entry.method} ${call.entry.path}`, call.label), curl: call.curl });
    if (result.undocumented.length === 0) this.pass(id, 'undocumented-field', `${call.label} has no undocumented field`, call);
    return result.ok;
  }

  /** The request body we are about to send is itself valid for the endpoint (a harness self-check). */
  requestIsDocumented(endpoint: string, body: unknown): void {
    const result = this.validator.validate(endpoint, 'request', body);
    if (!result.ok) throw new Error(`harness bug: request body for ${endpoint} breaks its own schema: ${result.failures.map((f) => f.message).join('; ')}`);
  }

  /** the findings that fail the test (and the run) */
  failures(): Finding[] {
    return this.findings.filter((f) => failsTheRun(f, { strictFields: this.strictFields }));
  }
}
