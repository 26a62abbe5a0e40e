// `emqx-harness report`: write the views of a run again from its data (after an upgrade of
// the harness, or for a folder copied out of CI), and merge the shards of a distributed load
// run into one run. Every input file is checked before anything is written: a wrong file is
// a one-line UsageError naming the file and what is wrong with it (exit 2).
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../src/errors.ts';
import { parseCommandArgs } from '../src/cli-args.ts';
import { K6ShardError, hasK6ShardLine, k6ShardProblems, k6ShardReport, lastK6ShardLine } from '../src/load/k6-shard.ts';
import { mergeLoadReports } from '../src/load/merge.ts';
import type { LoadReport } from '../src/load/model.ts';
import { loadReportProblems } from '../src/load/report/validate.ts';
import { loadTerminalSummary, writeLoadReport } from '../src/load/write.ts';
import type { RunReport } from '../src/report/model.ts';
import { terminalSummary } from '../src/report/terminal.ts';
import { REPORT_FILES, writeReport } from '../src/report/write.ts';
import { REPO_ROOT } from '../src/schema-registry.ts';
import type { K6ShardLine } from '../load/lib/k6-shard.ts';

const HARNESS_VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

const HELP = `emqx-harness report — write a run's views again, or merge the shards of a load run

Usage:
  emqx-harness report RUN_DIR [--no-color]
  emqx-harness report merge SHARD... [--reports DIR | --out DIR] [--id ID] [--no-color]

report RUN_DIR
  Re-renders the views of a run from its data: load.html and junit.xml from load.json, and
  index.html, summary.md and junit.xml from findings.json, whichever the folder holds.
  \`latest\` moves to the run only if it is the newest one there.

report merge SHARD...
  Merges the load reports of a distributed run (k6 pods, swarm workers) into one new run
  folder, writes its views and prints its summary. A SHARD is a load.json, a run folder that
  holds one, a file of JSON lines as \`swarm --print-report\` prints them (one report per
  line; lines that are not JSON objects, such as log output, are skipped), or a k6 runner's
  log (\`kubectl logs\` of a pod run with HX_SHARD_REPORT=1): its last {"hxK6Shard":…} line.
  Merged exactly: latency histograms (HDR), counts, failures by reason, REST→MQTT (ratio
  recomputed). k6 latency from a runner's log is exact in counts and within 2% in value
  (its latency buckets), as the merged report notes. Timelines are aligned on wall-clock
  time and summed per second; per-second percentiles of several shards cannot be combined
  and are left out, with a note. A threshold holds only if it held on every shard.
  Capacity ramps of several shards are not merged (a note lists each shard's knee).

Options:
  --reports DIR   where run folders are written (default ./reports)
  --out DIR       merge: write the merged run into exactly this folder (\`latest\` is not touched)
  --id ID         merge: the merged run's id (default: <the shards' run id>-merged when they
                  share one, as the pods of one run do; else <earliest start>-<profile>-merged)
  --no-color      no ANSI colour in the summary (also when NO_COLOR is set or not a terminal)
  -h, --help

Secrets in EMQX_APP_SECRET and EMQX_MQTT_PASSWORD, when set, are redacted from every file.
Exit codes: 0 written (whatever the run's own verdict: gate it with its junit.xml) ·
2 usage error or a file that is missing or not a report.`;

export async function runReport(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs('report', argv, {
      help: { type: 'boolean', short: 'h' },
      reports: { type: 'string' },
      out: { type: 'string' },
      id: { type: 'string' },
      'no-color': { type: 'boolean' },
  }, true);
  const v = parsed.values;
  if (v.help) {
    console.log(HELP);
    return 0;
  }
  const color = v['no-color'] ? false : undefined;
  const secrets = [process.env.EMQX_APP_SECRET, process.env.EMQX_MQTT_PASSWORD].filter((s): s is string => !!s);
  const [first, ...rest] = parsed.positionals;
  if (first === undefined) throw new UsageError('give a run folder, or "merge" and the shard files (see emqx-harness report --help)');

  if (first === 'merge') {
    if (rest.length === 0) throw new UsageError('report merge needs at least one shard: a load.json, a run folder, or a file of JSON lines');
    if (v.out !== undefined && v.reports !== undefined) throw new UsageError('give --out or --reports, not both');
    if (v.id !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(v.id)) throw new UsageError(`--id "${v.id}": use letters, digits, ".", "_" and "-" (it names a folder)`);
    const shards = rest.flatMap(readShards);
    refuseDuplicates(shards);
    const merged = mergeLoadReports(
      shards.map((s) => s.report),
      v.id !== undefined ? { id: v.id } : {},
    );
    const written =
      v.out !== undefined
        ? writeLoadReport(dirname(resolve(v.out)), merged, { secrets, dir: resolve(v.out) })
        : writeLoadReport(resolve(v.reports ?? join(REPO_ROOT, 'reports')), merged, { secrets });
    // numbered as the merge's notes name shards that share a run id
    console.error(`merged ${shards.length} shard report${shards.length === 1 ? '' : 's'}: ${shards.map((s, i) => `${i + 1} ${s.source}`).join(', ')}`);
    process.stdout.write(loadTerminalSummary(merged, written.dir, { color, secrets }));
    return 0;
  }

  if (rest.length > 0) throw new UsageError(`give one run folder (got ${parsed.positionals.length} arguments); to merge shards: emqx-harness report merge SHARD...`);
  if (v.out !== undefined || v.id !== undefined || v.reports !== undefined) throw new UsageError('--out, --id and --reports belong to "report merge"; report RUN_DIR writes into RUN_DIR');
  return rerender(resolve(first), { color, secrets });
}

interface Shard {
  report: LoadReport;
  /** `file` or `file:line`, for messages */
  source: string;
}

/** The load reports in one argument: a run folder, a load.json, or a file of JSON lines. */
function readShards(arg: string): Shard[] {
  const path = resolve(arg);
  if (!existsSync(path)) throw new UsageError(`${arg}: no such file or folder`);
  let file = path;
  if (statSync(path).isDirectory()) {
    file = join(path, 'load.json');
    if (!existsSync(file)) {
      const hint = existsSync(join(path, 'findings.json')) ? ' (it holds a contract run: findings.json)' : '';
      throw new UsageError(`${arg}: the folder has no load.json${hint}`);
    }
  }
  const shown = file === path ? arg : join(arg, 'load.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${shown}: cannot read it: ${(e as Error).message.split('\n')[0]}`);
  }
  if (text.trim() === '') throw new UsageError(`${shown}: the file is empty`);
  if (hasK6ShardLine(text)) return [readK6Shard(text, shown)];

  let whole: unknown;
  let wholeError: string | undefined;
  try {
    whole = JSON.parse(text);
  } catch (e) {
    wholeError = (e as Error).message;
  }
  if (wholeError === undefined) return [{ report: asLoadReport(whole, shown), source: shown }];

  // JSON lines: one report per line, as `swarm --print-report` prints them
  const shards: Shard[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trimStart().startsWith('{')) return;
    const source = `${shown}:${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw new UsageError(`${source}: not valid JSON (${(e as Error).message.split('\n')[0]})`);
    }
    shards.push({ report: asLoadReport(value, source), source });
  });
  if (shards.length === 0) {
    throw new UsageError(`${shown}: not JSON and no line of it is a JSON object, nor a k6 runner's shard line ({"hxK6Shard":…}, printed when HX_SHARD_REPORT is set) (${wholeError.split('\n')[0]})`);
  }
  return shards;
}

/** A k6 runner's log: its last shard line, as a one-shard load report. */
function readK6Shard(text: string, shown: string): Shard {
  let found: ReturnType<typeof lastK6ShardLine>;
  try {
    found = lastK6ShardLine(text);
  } catch (e) {
    if (e instanceof K6ShardError) throw new UsageError(`${shown}: ${e.message}`);
    throw e;
  }
  if (!found) throw new UsageError(`${shown}: no k6 shard line in it`);
  const source = `${shown}:${found.line}`;
  const problems = k6ShardProblems(found.value);
  if (problems.length > 0) throw new UsageError(`${source}: not a k6 shard report: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? `; and ${problems.length - 3} more` : ''}`);
  return { report: k6ShardReport(found.value as K6ShardLine, HARNESS_VERSION), source };
}

function asLoadReport(value: unknown, source: string): LoadReport {
  const problems = loadReportProblems(value);
  if (problems.length === 0) return value as LoadReport;
  const shown = problems.slice(0, 3).join('; ');
  const more = problems.length > 3 ? `; and ${problems.length - 3} more` : '';
  throw new UsageError(`${source}: not a load report: ${shown}${more}`);
}

// The same shard twice (a folder and its load.json, a glob that matched both) would count
// every request twice. Shards of one run share its id, so the whole content is compared.
function refuseDuplicates(shards: Shard[]): void {
  const seen = new Map<string, string>();
  for (const s of shards) {
    const key = createHash('sha256').update(JSON.stringify(s.report)).digest('hex');
    const before = seen.get(key);
    if (before !== undefined) throw new UsageError(`the same shard report (run ${s.report.run.id}) is given twice: ${before} and ${s.source}`);
    seen.set(key, s.source);
  }
}

async function rerender(dir: string, opts: { color: boolean | undefined; secrets: string[] }): Promise<number> {
  if (!existsSync(dir)) throw new UsageError(`${dir}: no such folder`);
  if (!statSync(dir).isDirectory()) throw new UsageError(`${dir}: not a folder; give the run folder that holds load.json or findings.json`);
  const loadFile = join(dir, 'load.json');
  const findingsFile = join(dir, 'findings.json');
  const hasLoad = existsSync(loadFile);
  const hasFindings = existsSync(findingsFile);
  if (!hasLoad && !hasFindings) throw new UsageError(`${dir}: holds neither load.json nor findings.json`);
  // read and check both before writing either
  const load = hasLoad ? asLoadReport(readJson(loadFile), loadFile) : undefined;
  const contract = hasFindings ? asRunReport(readJson(findingsFile), findingsFile) : undefined;
  const out: string[] = [];
  if (contract) {
    const files = rewriteContractViews(dir, contract, opts.secrets);
    out.push(terminalSummary(contract, dir, opts.color === undefined ? {} : { color: opts.color }));
    console.error(`wrote ${files.map((f) => basename(f)).join(', ')} from findings.json`);
  }
  if (load) {
    // a folder with both: junit.xml ends up holding the load run's cases
    const root = dirname(dir);
    const written = writeLoadReport(root, load, { secrets: opts.secrets, ...(basename(dir) === load.run.id ? {} : { dir }) });
    out.push(loadTerminalSummary(load, written.dir, { color: opts.color, secrets: opts.secrets }));
    console.error(`wrote ${written.files.map((f) => basename(f)).join(', ')} from load.json${contract ? ' (junit.xml now holds the load run)' : ''}`);
  }
  process.stdout.write(out.join('\n'));
  return 0;
}

/**
 * writeReport writes into `<root>/<run.id>`. When the folder still has its run's name that is
 * the folder itself; when it was renamed (a CI artifact unpacked as `artifact/`), the views are
 * written to a scratch root inside it and moved in, and `latest` is left alone.
 */
function rewriteContractViews(dir: string, report: RunReport, secrets: string[]): string[] {
  if (basename(dir) === report.run.id) return writeReport(dirname(dir), report, { secrets }).files;
  const scratch = mkdtempSync(join(dir, '.rerender-'));
  try {
    const written = writeReport(scratch, report, { secrets });
    for (const name of readdirSync(written.dir)) renameSync(join(written.dir, name), join(dir, name));
    return REPORT_FILES.map((name) => join(dir, name));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${file}: cannot read it: ${(e as Error).message.split('\n')[0]}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file}: not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
}

/** Enough of findings.json for the contract views to render: the run facts and the lists. */
function asRunReport(value: unknown, source: string): RunReport {
  const v = value as Partial<RunReport> | null;
  const problems: string[] = [];
  if (v === null || typeof v !== 'object' || Array.isArray(v)) problems.push('should be an object');
  else {
    if (!v.run || typeof v.run !== 'object') problems.push('run: should be an object');
    else {
      if (typeof v.run.id !== 'string') problems.push('run.id: should be a string');
      if (typeof v.run.startedAt !== 'string') problems.push('run.startedAt: should be a string');
    }
    if (!Array.isArray(v.findings)) problems.push('findings: should be a list');
    if (!Array.isArray(v.coverage)) problems.push('coverage: should be a list');
    if (!Array.isArray(v.latency)) problems.push('latency: should be a list');
  }
  if (problems.length > 0) throw new UsageError(`${source}: not a contract report: ${problems.join('; ')}`);
  return value as RunReport;
}
