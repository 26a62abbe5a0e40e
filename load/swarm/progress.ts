// Progress on stderr while the swarm runs, k6 / emqtt-bench style: on a terminal one line
// rewritten every second; otherwise (CI logs, pipes) a line every 5 seconds; nothing with --quiet.
import type { Phase, Progress, SwarmHooks } from './coordinator.ts';

const n = (x: number): string => Math.round(x).toLocaleString('en-US');

export function progressLine(p: Progress): string {
  const failed = p.failed ? ` (${n(p.failed)} failed)` : '';
  const connecting = p.connecting ? ` +${n(p.connecting)} connecting` : '';
  const mem = p.rssBytes ? `  mem ${Math.round(p.rssBytes / 1048576)} MB` : '';
  return `${String(p.t + 1).padStart(4)}s ${p.phase.padEnd(13)} conn ${n(p.connected)}/${n(p.clients)}${connecting}${failed}  sent ${n(p.sent)}/s  recv ${n(p.received)}/s  err ${n(p.errors)}/s${mem}`;
}

export interface ProgressPrinter extends SwarmHooks {
  /** ends the rewritten line before other output */
  end(): void;
}

export function progressPrinter(opts: { quiet: boolean; tty: boolean; write: (s: string) => void; everyS?: number }): ProgressPrinter {
  const every = opts.everyS ?? (opts.tty ? 1 : 5);
  let open = false;
  let lastT = -Infinity;
  const endLine = (): void => {
    if (open) opts.write('\n');
    open = false;
  };
  return {
    onProgress(p: Progress): void {
      if (opts.quiet) return;
      if (opts.tty) {
        opts.write(`\r\x1b[K${progressLine(p)}`);
        open = true;
        return;
      }
      if (p.t - lastT < every) return;
      lastT = p.t;
      opts.write(`${progressLine(p)}\n`);
    },
    onPhase(phase: Phase): void {
      // from the first connection on: a run that cannot start says only why (one line)
      if (opts.quiet || opts.tty || phase === 'done' || phase === 'preflight' || phase === 'starting') return;
      opts.write(`swarm: ${phase}\n`);
    },
    onNote(note: string): void {
      endLine();
      opts.write(`swarm: ${note}\n`);
    },
    end: endLine,
  };
}
