// `npm run reference -- [flags]`: runs the reference broker until SIGINT/SIGTERM.
// A bad flag prints one line and exits 2 (no stack traces).

import { DEFAULTS, ReferenceConfigError, startReferenceBroker, type ReferenceBrokerOptions } from './index.ts';
import { deviationTable } from './deviations.ts';
import { variationTable } from './variations.ts';

const HELP = `reference broker — a real MQTT broker (aedes) with the EMQX 3.x/4.x management API

Usage: npm run reference -- [options]

  --http-port N        management API port (default ${DEFAULTS.httpPort}; env REFERENCE_HTTP_PORT)
  --mqtt-port N        MQTT TCP port (default ${DEFAULTS.mqttPort}; env REFERENCE_MQTT_PORT)
  --host ADDR          bind address (default ${DEFAULTS.host}; env REFERENCE_HOST)
  --node NAME          EMQX node name (default ${DEFAULTS.node}; env REFERENCE_NODE)
  --emqx-version X.Y.Z the EMQX 4.x release /api/v4 reproduces (default ${DEFAULTS.emqxVersion};
                       env REFERENCE_EMQX_VERSION)
  --emqx-v3-version X.Y.Z
                       the EMQX 3.x release /api/v3 reproduces (default ${DEFAULTS.emqxV3Version};
                       env REFERENCE_EMQX_V3_VERSION)
  --app-id ID          API AppID (default ${DEFAULTS.appId}; env REFERENCE_APP_ID)
  --app-secret SECRET  API AppSecret (default ${DEFAULTS.appSecret}; env REFERENCE_APP_SECRET)
  --deny-anonymous     refuse clients no auth source knows (EMQX allow_anonymous = false;
                       env REFERENCE_ALLOW_ANONYMOUS=false)
  --deviate SPEC       break the contract on purpose, NAME[:ARG][@/path-prefix]; repeatable
                       (env REFERENCE_DEVIATE, comma-separated)
  --vary NAME          behave in a benign way real brokers may (the contract still holds);
                       repeatable (env REFERENCE_VARY, comma-separated)
  -h, --help           this text

Deviations:
${deviationTable()}

Variations:
${variationTable()}`;

class UsageError extends Error {}

function parsePort(flag: string, v: string | undefined): number {
  if (v === undefined || !/^\d+$/.test(v) || Number(v) > 65535) throw new UsageError(`${flag} expects a port number 0-65535, got "${v ?? ''}"`);
  return Number(v);
}

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv): ReferenceBrokerOptions | 'help' {
  const opts: ReferenceBrokerOptions = {};
  const deviations: string[] = [];
  const variations: string[] = [];
  if (env.REFERENCE_HTTP_PORT) opts.httpPort = parsePort('REFERENCE_HTTP_PORT', env.REFERENCE_HTTP_PORT);
  if (env.REFERENCE_MQTT_PORT) opts.mqttPort = parsePort('REFERENCE_MQTT_PORT', env.REFERENCE_MQTT_PORT);
  if (env.REFERENCE_HOST) opts.host = env.REFERENCE_HOST;
  if (env.REFERENCE_NODE) opts.node = env.REFERENCE_NODE;
  if (env.REFERENCE_EMQX_VERSION) opts.emqxVersion = env.REFERENCE_EMQX_VERSION;
  if (env.REFERENCE_EMQX_V3_VERSION) opts.emqxV3Version = env.REFERENCE_EMQX_V3_VERSION;
  if (env.REFERENCE_APP_ID) opts.appId = env.REFERENCE_APP_ID;
  if (env.REFERENCE_APP_SECRET) opts.appSecret = env.REFERENCE_APP_SECRET;
  if (env.REFERENCE_ALLOW_ANONYMOUS) {
    if (!/^(true|false)$/.test(env.REFERENCE_ALLOW_ANONYMOUS)) throw new UsageError('REFERENCE_ALLOW_ANONYMOUS expects true or false');
    opts.allowAnonymous = env.REFERENCE_ALLOW_ANONYMOUS === 'true';
  }
  if (env.REFERENCE_DEVIATE) deviations.push(...env.REFERENCE_DEVIATE.split(',').filter((s) => s.trim() !== ''));
  if (env.REFERENCE_VARY) variations.push(...env.REFERENCE_VARY.split(',').map((s) => s.trim()).filter((s) => s !== ''));

  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i]!;
    const eq = raw.indexOf('=');
    const flag = raw.startsWith('--') && eq > 0 ? raw.slice(0, eq) : raw;
    const inline = raw.startsWith('--') && eq > 0 ? raw.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '-h':
      case '--help':
        return 'help';
      case '--http-port':
        opts.httpPort = parsePort(flag, value());
        break;
      case '--mqtt-port':
        opts.mqttPort = parsePort(flag, value());
        break;
      case '--host':
        opts.host = value();
        break;
      case '--node':
        opts.node = value();
        break;
      case '--emqx-version':
        opts.emqxVersion = value();
        break;
      case '--emqx-v3-version':
        opts.emqxV3Version = value();
        break;
      case '--app-id':
        opts.appId = value();
        break;
      case '--app-secret':
        opts.appSecret = value();
        break;
      case '--deny-anonymous':
        if (inline !== undefined) throw new UsageError(`${flag} takes no value`);
        opts.allowAnonymous = false;
        break;
      case '--deviate':
        deviations.push(value());
        break;
      case '--vary':
        variations.push(value());
        break;
      default:
        throw new UsageError(`unknown option "${raw}"; see --help`);
    }
  }
  if (deviations.length > 0) opts.deviations = deviations;
  if (variations.length > 0) opts.variations = variations;
  return opts;
}

async function main(): Promise<void> {
  let opts: ReferenceBrokerOptions | 'help';
  try {
    opts = parseArgs(process.argv.slice(2), process.env);
  } catch (e) {
    console.error(`reference: ${(e as Error).message}`);
    process.exit(2);
  }
  if (opts === 'help') {
    console.log(HELP);
    process.exit(0);
  }
  let broker;
  try {
    broker = await startReferenceBroker(opts);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (e instanceof ReferenceConfigError) console.error(`reference: ${err.message}`);
    else if (err.code === 'EADDRINUSE' || err.code === 'EACCES' || err.code === 'EADDRNOTAVAIL') {
      console.error(`reference: cannot listen: ${err.code} ${'address' in err ? `${String((err as { address?: string }).address)}:${String((err as { port?: number }).port)}` : ''}`.trim());
    } else console.error(`reference: ${err.message}`);
    process.exit(2);
  }
  // before the banner: whoever reads the banner as "ready" may signal at once
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`reference: ${signal}, stopping`);
    broker.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  const secretNote = opts.appSecret === undefined ? 'secret: (default)' : 'secret: (set)';
  console.log(`reference broker ${broker.node} (EMQX ${broker.emqxVersion} behaviour on /api/v4, ${broker.emqxV3Version} on /api/v3)`);
  console.log(`  mqtt    ${broker.mqttUrl}`);
  console.log(`  api v4  ${broker.apiUrl('v4')}   (EMQX ${broker.emqxVersion})`);
  console.log(`  api v3  ${broker.apiUrl('v3')}   (EMQX ${broker.emqxV3Version})`);
  console.log(`  app id: ${broker.appId}  ${secretNote}`);
  if (opts.allowAnonymous === false) console.log('  anonymous clients: refused');
  if (opts.deviations?.length) console.log(`  deviations: ${opts.deviations.join(' ')}`);
  if (opts.variations?.length) console.log(`  variations: ${opts.variations.join(' ')}`);
}

void main();
