// What every subcommand of the CLI reads its flags with: strict parsing that turns any mistake
// into one line naming the command's --help, numbers and k6-style durations.
import { parseArgs, type ParseArgsConfig } from 'node:util';

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;
import { UsageError } from './errors.ts';

/** node:util parseArgs, strict; a bad flag is a UsageError of one line. */
export function parseCommandArgs<const O extends OptionsConfig>(command: string, argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, strict: true as const, allowPositionals, options });
  } catch (e) {
    throw new UsageError(`${(e as Error).message.split('\n')[0]} (see emqx-harness ${command} --help)`);
  }
}

/** A number flag; undefined when not given. */
export function numberFlag(raw: string | undefined, flag: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${flag} must be a number, got "${raw}"`);
  return n;
}

/** k6-style durations in seconds: `90s`, `10m`, `1h30m`, `1.5h`, `500ms`, or plain seconds. Undefined when malformed. */
export function parseDurationS(s: string): number | undefined {
  const text = s.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/y;
  let total = 0;
  let pos = 0;
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) return undefined;
    total += Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2] as 'ms' | 's' | 'm' | 'h'];
    pos = re.lastIndex;
  }
  return pos === 0 ? undefined : total;
}

/** A duration flag in seconds, positive; a malformed one is a UsageError. */
export function durationFlag(raw: string, flag: string): number {
  const s = parseDurationS(raw);
  if (s === undefined || s <= 0) throw new UsageError(`${flag} must be a duration such as 30s, 10m or 1h30m, got "${raw}"`);
  return s;
}
