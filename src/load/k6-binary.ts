// Finds k6 (K6_BIN, else PATH) and says how to get it when it is missing.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export const K6_INSTALL_HINT = 'install k6 from Grafana (https://grafana.com/docs/k6/latest/set-up/install-k6/) or set K6_BIN to its path';

export interface K6Binary {
  path: string;
  version: string;
}

export function findK6(env: NodeJS.ProcessEnv = process.env): K6Binary | undefined {
  const candidates = env.K6_BIN ? [env.K6_BIN] : (env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, 'k6'));
  for (const path of candidates) {
    try {
      accessSync(path, constants.X_OK);
    } catch {
      continue;
    }
    const out = spawnSync(path, ['version'], { encoding: 'utf8', timeout: 10_000, env: { ...env, K6_NO_USAGE_REPORT: 'true' } });
    const version = /k6 v?(\d+\.\d+\.\d+)/.exec(out.stdout ?? '')?.[1];
    if (out.status === 0 && version) return { path, version };
  }
  return undefined;
}

/** The environment k6 runs in: offline-safe, never the harness's own secrets beyond what the scenario needs. */
export function k6Env(base: NodeJS.ProcessEnv, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // only what k6 needs from ours: PATH and the like, never other EMQX_* settings of the shell
  for (const [k, v] of Object.entries(base)) if (!k.startsWith('EMQX_') && !k.startsWith('HX_')) env[k] = v;
  return { ...env, K6_NO_USAGE_REPORT: 'true', K6_AUTO_EXTENSION_RESOLUTION: 'false', K6_CSV_TIME_FORMAT: 'unix_milli', ...extra };
}
