// What the terminal shows while the suites run: progress, never Playwright's failure dumps
// (code frames and stacks from the harness's own fixtures, node_modules paths, "Error Context"
// files). A CI log reader needs findings, and the CLI prints them once the run is assembled;
// the raw failures stay in Playwright's HTML report for whoever debugs the harness itself.
//   EMQX_HARNESS_PROGRESS=line  one line, rewritten in place (a terminal)
//   EMQX_HARNESS_PROGRESS=dot   a character a test, 80 a line (CI logs): · passed, F failed, s skipped
import type { FullConfig, FullResult, Reporter, Suite, TestCase, TestError, TestResult } from '@playwright/test/reporter';

const DOT: Record<TestResult['status'], string> = { passed: '·', failed: 'F', timedOut: 'T', skipped: 's', interrupted: 'i' };

export default class ProgressReporter implements Reporter {
  private readonly mode = process.env.EMQX_HARNESS_PROGRESS === 'line' ? 'line' : 'dot';
  private total = 0;
  private done = 0;
  private failed = 0;
  private column = 0;
  private readonly errors: string[] = [];

  printsToStdio(): boolean {
    return true;
  }

  onBegin(_config: FullConfig, suite: Suite): void {
    this.total = suite.allTests().length;
  }

  onTestEnd(_test: TestCase, result: TestResult): void {
    this.done++;
    if (result.status === 'failed' || result.status === 'timedOut') this.failed++;
    if (this.mode === 'line') {
      process.stdout.write(`\r  ${this.done}/${this.total} tests${this.failed ? `, ${this.failed} with failures` : ''}   `);
      return;
    }
    process.stdout.write(DOT[result.status]);
    if (++this.column === 80) {
      process.stdout.write(`  ${this.done}/${this.total}\n`);
      this.column = 0;
    }
  }

  // errors outside any test (a broken config or fixture): the first line, the rest is in Playwright's report
  onError(error: TestError): void {
    // a --grep that selects nothing in one of the two phases is not an error of the run
    if (/No tests found/.test(error.message ?? '')) return;
    this.errors.push((error.message ?? String(error.value ?? 'unknown error')).split('\n')[0]!.replace(/\u001b\[[0-9;]*m/g, ''));
  }

  onEnd(result: FullResult): void {
    if (this.mode === 'line' || this.column > 0) process.stdout.write('\n');
    for (const e of this.errors) process.stdout.write(`  harness error: ${e}\n`);
    if (result.status === 'interrupted') process.stdout.write('  suites interrupted\n');
  }
}
