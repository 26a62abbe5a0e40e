// The one finding type: every check of every suite yields these records, and every report
// (JSON, Markdown, JUnit, HTML) is a view of them (docs/architecture.md, "Findings").

export type Verdict = 'pass' | 'fail' | 'known-deviation' | 'not-implemented' | 'skipped' | 'waived';

export type CheckKind =
  | 'status'
  | 'envelope'
  | 'schema'
  | 'pagination'
  | 'semantics'
  | 'mqtt-effect'
  | 'negative'
  | 'undocumented-field';

export interface Finding {
  /** catalog id, e.g. v4.list_clients */
  endpoint: string;
  check: CheckKind;
  verdict: Verdict;
  /** one line a person can read without the other fields */
  message: string;
  /** JSON pointer into the body the finding is about ('' = the whole body) */
  pointer?: string;
  expected?: string;
  actual?: string;
  /** the document section the expectation comes from */
  doc?: string;
  /** reproducing command, secret redacted */
  curl?: string;
  /** why a check was skipped, waived, marked not-implemented or a known deviation */
  reason?: string;
  /** the target the finding is about (`v4`, `cloud`, `v3`): one run can check several */
  target?: string;
  /** for a known deviation: the erratum that records it */
  erratum?: string;
}

/**
 * Whether a finding fails the run. An undocumented field is a deviation from the documents
 * but not a broken contract (real brokers add fields over releases), so it is reported in
 * its own section and fails the run only when the user asks for strict fields.
 */
export function failsTheRun(f: Finding, opts: { strictFields: boolean; strictDocs?: boolean }): boolean {
  if (f.verdict === 'known-deviation') return !!opts.strictDocs;
  return f.verdict === 'fail' && (opts.strictFields || f.check !== 'undocumented-field');
}

/** The one decoder of JSON pointer tokens (RFC 6901: ~1 is /, ~0 is ~). */
export function pointerTokens(pointer: string): string[] {
  return pointer.split('/').slice(1).map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The value a JSON pointer designates, or undefined. */
export function valueAtPointer(body: unknown, pointer: string): unknown {
  let node = body;
  for (const key of pointerTokens(pointer)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/**
 * A failure that is not a comparison (a sweep that could not read, a test that broke off, a
 * coverage gap): the one constructor used outside the suites' checker.
 */
export function failureFinding(endpoint: string, check: CheckKind, message: string, extra: Partial<Finding> = {}): Finding {
  return { endpoint, check, verdict: 'fail', message, ...extra };
}

/** `/data/3/port` → `data[3].port`, the form people read in messages. */
export function readablePointer(pointer: string): string {
  if (pointer === '') return '(body)';
  let out = '';
  for (const part of pointerTokens(pointer)) {
    if (/^\d+$/.test(part)) out += `[${part}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(part)) out += out ? `.${part}` : part;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

export function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** A short, bounded rendering of an actual value for messages and reports. */
export function showValue(value: unknown, max = 80): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
