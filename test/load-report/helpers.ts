// Small helpers shared by the load-report tests.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runReport } from '../../scripts/report.ts';
import { UsageError } from '../../src/errors.ts';

/** A fresh temp folder, removed by the returned function. */
export function tempDir(prefix = 'load-report-'): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A deep copy with every `hdr` (encoded histogram) field removed: what people read, for comparisons. */
export function withoutHdr<T>(value: T): unknown {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'hdr').map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  return walk(value);
}

/** Runs `fn` with stdout and console.error captured (the CLI prints its summary). */
export async function captured<T>(fn: () => Promise<T>): Promise<{ result: T; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const write = process.stdout.write.bind(process.stdout);
  const error = console.error;
  process.stdout.write = ((chunk: string | Uint8Array): boolean => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }) as typeof process.stdout.write;
  console.error = (...args: unknown[]): void => {
    stderr += `${args.map(String).join(' ')}\n`;
  };
  try {
    const result = await fn();
    return { result, stdout, stderr };
  } finally {
    process.stdout.write = write;
    console.error = error;
  }
}

/** `emqx-harness report …` that must fail as a usage error: its one-line message. */
export async function reportUsageError(argv: string[]): Promise<string> {
  try {
    await captured(() => runReport(argv));
  } catch (e) {
    assert.ok(e instanceof UsageError, `a UsageError, got ${String(e)}`);
    assert.ok(!e.message.includes('\n'), `one line: ${e.message}`);
    return e.message;
  }
  assert.fail(`runReport(${argv.join(' ')}) did not fail`);
}
