// CPU time of another process (k6, a broker) from /proc, so a load report can show whether the
// load generator or the target was the limit. Linux only; elsewhere the figures are absent.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

export interface CpuTime {
  userMs: number;
  systemMs: number;
}

/** The process's user and system CPU time so far (its own, not its children's), or undefined. */
export function cpuOfPid(pid: number): CpuTime | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may hold spaces and parentheses: count fields after its closing one
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const perTick = 1000 / clockTicks();
    return { userMs: Number(fields[11]) * perTick, systemMs: Number(fields[12]) * perTick };
  } catch {
    return undefined;
  }
}

/** Samples a process's CPU time until it exits; `last` is the final figure seen. */
export function watchCpu(pid: number, everyMs = 500): { last(): CpuTime | undefined; stop(): void } {
  let last = cpuOfPid(pid);
  const timer = setInterval(() => {
    last = cpuOfPid(pid) ?? last;
  }, everyMs);
  timer.unref();
  return { last: () => last, stop: () => clearInterval(timer) };
}
