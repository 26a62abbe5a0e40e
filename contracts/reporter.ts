// Collects the findings every test attached and appends them to
// reports/<run>/findings.jsonl as tests end, so an interrupted run keeps what it did.
// A test that threw (not a recorded check) becomes a finding too: nothing is lost.
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Reporter, TestCase, TestResult, FullResult } from '@playwright/test/reporter';
import { type Finding, failureFinding } from '../src/findings.ts';
import { loadRunConfig } from '../src/run-config.ts';

export const FINDINGS_LOG = 'findings.jsonl';
export const STATUS_FILE = 'playwright-status.json';

export default class FindingsReporter implements Reporter {
  private readonly config = loadRunConfig();
  private readonly dir = this.config.reportDir;

  onTestEnd(test: TestCase, result: TestResult): void {
    const endpoint = test.annotations.find((a) => a.type === 'endpoint')?.description ?? 'suite';
    const project = test.parent.project()?.name ?? '';
    const target = (test.parent.project()?.metadata as { target?: string } | undefined)?.target;
    let findings: Finding[] = [];
    let timings: unknown[] = [];
    for (const a of result.attachments) {
      if (a.name === 'findings.json' && a.body) {
        const parsed = JSON.parse(a.body.toString('utf8')) as { findings: Finding[]; timings: unknown[] };
        findings = parsed.findings;
        timings = parsed.timings;
      }
    }
    // a test that fails on what it recorded (with --strict-docs: a known deviation) broke off for a known reason
    const recordedFailure = findings.some((f) => (f.verdict === 'fail' && f.check !== 'undocumented-field') || (this.config.strictDocs && f.verdict === 'known-deviation'));
    if ((result.status === 'failed' || result.status === 'timedOut') && !recordedFailure) {
      const error = result.error?.message?.split('\n')[0] ?? result.status;
      if (!/TargetError/.test(result.error?.message ?? '') && !/stopped answering/.test(error)) {
        findings.push(failureFinding(endpoint, 'semantics', `${test.title}: the test broke off: ${stripAnsi(error)}`, { target }));
      }
    }
    appendFileSync(join(this.dir, FINDINGS_LOG), JSON.stringify({ project, test: test.title, status: result.status, findings, timings }) + '\n');
  }

  onEnd(result: FullResult): void {
    writeFileSync(join(this.dir, STATUS_FILE), JSON.stringify({ status: result.status }));
  }

  printsToStdio(): boolean {
    return false;
  }
}

function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u001b\[[0-9;]*m/g, '');
}
