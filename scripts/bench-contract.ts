// Benchmark (prints figures, asserts nothing): wall time of the main job, the contract
// suites of both API versions against the reference broker, over a few runs.
//   npx tsx scripts/bench-contract.ts [--runs 3]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../src/schema-registry.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const runs = Number(values.runs);
const times: number[] = [];
let checks = 0;
for (let i = 0; i < runs; i++) {
  const root = mkdtempSync(join(tmpdir(), 'bench-contract-'));
  const started = performance.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'scripts', 'cli.ts'), 'contract', '--reports', root], {
    cwd: REPO_ROOT,
    env: { ...process.env, CI: 'true', EMQX_HARNESS_PROGRESS: 'dot' },
    encoding: 'utf8',
  });
  const seconds = (performance.now() - started) / 1000;
  if (r.status !== 0) {
    console.error(`run ${i + 1} exited ${r.status}; its report is in ${root}`);
    process.exit(1);
  }
  checks = (JSON.parse(readFileSync(join(realpathSync(join(root, 'latest')), 'findings.json'), 'utf8')) as { findings: unknown[] }).findings.length;
  times.push(seconds);
  console.log(`run ${i + 1}: ${seconds.toFixed(1)} s (${checks} findings)`);
}
times.sort((a, b) => a - b);
console.log(`\nnpm start (/api/v4, /api and /api/v3 on the reference broker): median ${times[Math.floor(times.length / 2)]!.toFixed(1)} s, min ${times[0]!.toFixed(1)} s, max ${times.at(-1)!.toFixed(1)} s over ${runs} runs; ${checks} findings per run`);
