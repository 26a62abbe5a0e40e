// Benchmark: the capacity profile against the reference broker, run several times, to show that
// the knee it reports is repeatable (the README records the figures).
//
//   npx tsx scripts/bench-capacity.ts [--runs 2] [--scenario publish-batch] [-- extra load flags]
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { LoadReport } from '../src/load/model.ts';
import { findK6, K6_INSTALL_HINT } from '../src/load/k6-binary.ts';
import { REPO_ROOT } from '../src/schema-registry.ts';

const { values: v, positionals } = parseArgs({ allowPositionals: true, options: { runs: { type: 'string', default: '2' }, scenario: { type: 'string', default: 'publish-batch' } } });
const k6 = findK6();
if (!k6) {
  console.error(`bench-capacity: k6 not found: ${K6_INSTALL_HINT}`);
  process.exit(2);
}

function capacityRun(): Promise<LoadReport> {
  const reports = mkdtempSync(join(tmpdir(), 'bench-capacity-'));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'scripts', 'cli.ts'), 'load', '--scenario', v.scenario!, '--profile', 'capacity', '--reports', reports, ...positionals], { cwd: REPO_ROOT, env: { ...process.env, CI: 'true' }, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('exit', (code) => {
      const dir = readdirSync(reports).find((d) => d !== 'latest');
      if (!dir) return reject(new Error(`the capacity run wrote no report (exit ${code})`));
      resolve(JSON.parse(readFileSync(join(reports, dir, 'load.json'), 'utf8')) as LoadReport);
    });
  });
}

const runs: LoadReport[] = [];
for (let i = 0; i < Number(v.runs); i++) {
  console.error(`bench-capacity: run ${i + 1} of ${v.runs}…`);
  runs.push(await capacityRun());
}
const knees = runs.map((r) => r.k6!.capacity!.kneeRate);
const found = knees.filter((k): k is number => k !== undefined);
const spread = found.length === knees.length && found.length > 1 ? (Math.max(...found) - Math.min(...found)) / Math.max(...found) : undefined;
// messages per iteration, from what the run itself did (publish-batch: the batch size)
const perIteration = (r: LoadReport): number | undefined => {
  const t = r.k6!.totals;
  return t.messagesAccepted && t.iterations ? Math.round(t.messagesAccepted / t.iterations) : undefined;
};
console.log(`\ncapacity profile, ${v.scenario}, reference broker, k6 ${k6.version}, ${availableParallelism()} cores\n`);
console.log('| run | knee (iterations/s) | knee (msg/s) | never broke | steps (rate: p95 ms, held) |');
console.log('| --- | ---: | ---: | --- | --- |');
runs.forEach((r, i) => {
  const c = r.k6!.capacity!;
  const per = perIteration(r);
  const kneeMsgs = c.kneeRate !== undefined && per !== undefined ? (c.kneeRate * per).toLocaleString('en-US') : 'n/a';
  console.log(`| ${i + 1} | ${c.kneeRate ?? 'none'} | ${kneeMsgs} | ${c.neverBroke ? 'yes' : 'no'} | ${c.steps.map((s) => `${s.rate}: ${Math.round(s.p95Ms)}${s.held ? '' : ' ✗'}`).join(', ')} |`);
});
console.log(`\nknee spread between runs: ${spread === undefined ? 'n/a' : `${(spread * 100).toFixed(1)}%`} (the bar: within 20%)`);
mkdirSync(join(REPO_ROOT, 'reports'), { recursive: true });
writeFileSync(join(REPO_ROOT, 'reports', 'bench-capacity.json'), `${JSON.stringify({ knees, spread, steps: runs.map((r) => r.k6!.capacity!.steps) }, null, 2)}\n`);
