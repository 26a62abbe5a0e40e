// A child process the user can interrupt the way they expect: it runs in its own process group
// (so a Ctrl-C reaches the CLI once), the first Ctrl-C / SIGTERM is handed to the child as
// SIGINT so it stops and writes what it has, the second kills it.
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';

export interface ChildOutcome {
  /** the child's exit code (128 when a signal ended it) */
  code: number;
  /** set when the user interrupted: `interrupted by Ctrl-C` */
  interrupted?: string;
}

/** `what` finishes the message printed on the first interruption: `stopping ${what}…`. */
export function runInterruptibly(command: string, args: string[], options: SpawnOptions, what: string, onStart?: (child: ChildProcess) => void): Promise<ChildOutcome> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', ...options, detached: true });
    onStart?.(child);
    let interrupted: string | undefined;
    const onSignal = (sig: NodeJS.Signals): void => {
      if (interrupted) {
        child.kill('SIGKILL');
        return;
      }
      interrupted = `interrupted by ${sig === 'SIGINT' ? 'Ctrl-C' : sig}`;
      console.error(`\n${interrupted}: stopping ${what} and writing a partial report… (again to force)`);
      child.kill('SIGINT');
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolveRun({ code: code ?? (signal ? 128 : 1), ...(interrupted ? { interrupted } : {}) });
    });
  });
}
