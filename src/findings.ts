// The one finding type: every check of every suite yields these records, and every report
// (JSON, Markdown, JUnit, HTML) is a view of them (DESIGN.md "What a finding looks like").

export type Verdict = 'pass' | 'fail' | 'not-implemented' | 'skipped' | 'waived';

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
  /** why a check was skipped, waived or marked not-implemented */
  reason?: string;
}

/**
 * Whether a finding fails the run. An undocumented field is a deviation from the documents
 * but not a broken contract (real brokers add fields over releases), so it is reported in
 * its own section and fails the run only when the user asks for strict fields.
 */
export function failsTheRun(f: Finding, opts: { strictFields: boolean }): boolean {
  return f.verdict === 'fail' && (opts.strictFields || f.check !== 'undocumented-field');
}

/** `/data/3/port` → `data[3].port`, the form people read in messages. */
export function readablePointer(pointer: string): string {
  if (pointer === '') return '(body)';
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
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
