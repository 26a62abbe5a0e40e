// `emqx-harness compare RUN_A RUN_B`: what changed between two runs, as Markdown for a pull
// request comment and as an exit code for a gate (docs/compare.md).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseCommandArgs } from '../src/cli-args.ts';
import { compareRuns } from '../src/compare/compare.ts';
import { chooseRuns, readRunArgument } from '../src/compare/inputs.ts';
import { DEFAULT_TOLERANCE } from '../src/compare/load.ts';
import { COMPARE_FILES, compareViews, writeCompare } from '../src/compare/write.ts';
import { UsageError } from '../src/errors.ts';

const HELP = `emqx-harness compare — what changed between two runs

Usage: emqx-harness compare RUN_A RUN_B [--out DIR] [--tolerance 0.1]

RUN_A is the baseline, RUN_B the run judged against it. Each is a run folder (reports/<run-id>,
reports/latest) or its findings.json (contract run) or load.json (load run). Compare two
contract runs or two load runs.

Contract runs: checks newly failing and newly passing, endpoints newly not implemented (and
implemented again), known deviations and undocumented fields that appeared or went away,
checks newly skipped, per target, endpoint, check and JSON pointer; negative cases whose
expected answer differs between the runs' EMQX releases; and the response shapes (fields
added, removed, renamed or retyped per endpoint). Runs of different API versions
(--api-version v3 against v4) pair endpoints by path, or by meaning where 4.x renamed them.

Load runs: k6 latency (p95, p99, per endpoint), request and message rates, failed requests,
code errors, failed checks, dropped iterations, the capacity knee; swarm connect failures,
loss, duplicates and end-to-end latency per QoS; the REST→MQTT ratio and latency.

Options:
  --out DIR        also write compare.md, compare.json and compare.html into DIR
  --tolerance X    load runs: a change for the worse beyond this fraction is a regression
                   (default ${DEFAULT_TOLERANCE}, i.e. 10%; "15%" is read as 0.15)
  -h, --help

Prints the comparison as Markdown on stdout. Secrets in EMQX_APP_SECRET and
EMQX_MQTT_PASSWORD, when set, are redacted from everything it prints and writes.
Exit codes: 0 nothing got worse · 1 newly failing checks, or load regressions ·
2 usage error (a missing folder, a file that is not a report, a contract run against a load run).`;

export async function runCompare(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs(
    'compare',
    argv,
    {
      help: { type: 'boolean', short: 'h' },
      out: { type: 'string' },
      tolerance: { type: 'string' },
    },
    true,
  );
  const v = parsed.values;
  if (v.help) {
    console.log(HELP);
    return 0;
  }
  const tolerance = v.tolerance === undefined ? undefined : parseTolerance(v.tolerance);
  if (parsed.positionals.length !== 2) {
    throw new UsageError(`give two runs to compare, RUN_A and RUN_B (got ${parsed.positionals.length}; see emqx-harness compare --help)`);
  }
  const [argA, argB] = parsed.positionals as [string, string];
  const runs = chooseRuns(readRunArgument(argA), readRunArgument(argB));
  if (tolerance !== undefined && runs.a.kind === 'contract') throw new UsageError('--tolerance applies to load runs; these are contract runs');
  const report = compareRuns(runs.a, runs.b, tolerance === undefined ? {} : { tolerance });

  const secrets = [process.env.EMQX_APP_SECRET, process.env.EMQX_MQTT_PASSWORD].filter((s): s is string => !!s);
  if (v.out !== undefined) {
    const files = writeCompare(resolve(v.out), report, { secrets });
    console.error(`wrote ${COMPARE_FILES.join(', ')} to ${resolve(v.out)}${files.length === COMPARE_FILES.length ? '' : ' (partly)'}`);
  }
  process.stdout.write(compareViews(report, secrets)['compare.md']);
  return report.gate.verdict === 'fail' ? 1 : 0;
}

/** `0.1`, `0.15`, `15%`: a fraction from 0 to 10 (a tenfold change). */
function parseTolerance(raw: string): number {
  const text = raw.trim();
  const pct = /%$/.test(text);
  const n = Number(pct ? text.slice(0, -1) : text);
  const value = pct ? n / 100 : n;
  if (text === '' || !Number.isFinite(value) || value < 0 || value > 10) {
    throw new UsageError(`--tolerance must be a fraction such as 0.1 (10%), got "${raw}"`);
  }
  return value;
}

// Run on its own (`tsx scripts/compare.ts A B`) with the CLI's handling of errors: one line, exit 2.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  runCompare(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      if (e instanceof UsageError) {
        console.error(`emqx-harness: ${e.message}`);
        process.exit(2);
      }
      console.error(e);
      process.exit(70);
    },
  );
}
