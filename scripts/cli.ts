// emqx-harness: the command line. One line and exit 2 for every user error; no stack traces.
import { UsageError } from '../src/errors.ts';

const HELP = `emqx-harness — contract and load tests for the EMQX management API

Usage: emqx-harness <command> [options]

Commands:
  contract    check a target against the documented contract (default: the embedded
              reference broker, both API versions); writes reports/<run-id>/
  load        k6 load on the management API: publish_batch, paginated listings, a release
              gate; profiles smoke, stress, soak and capacity (a ramp that finds the knee)
  k8s         write Kubernetes manifests that run the load on a cluster (k6-operator TestRun,
              the swarm as an Indexed Job)
  swarm       an MQTT client swarm: connect, subscribe and publish at a rate, with latency,
              loss and duplicates per QoS; any MQTT broker
  compare     what changed between two runs (contract or load): Markdown, HTML, JSON, exit 1 on
              new failures or load regressions
  report      re-render a run's views (report RUN_DIR), or merge shard load reports (report merge)
  reference   start the reference broker (a real MQTT broker with the documented API)

Run \`emqx-harness <command> --help\` for the options of a command.
Exit codes: 0 all checks pass (load: thresholds held) · 1 contract failures or a threshold breached ·
2 usage, configuration or connectivity error · 130 interrupted (a partial report is written).`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'contract':
      return (await import('./contract.ts')).runContract(rest);
    case 'load':
      return (await import('./load.ts')).runLoad(rest);
    case 'k8s':
      return (await import('./k8s.ts')).runK8s(rest);
    case 'reference': {
      // the reference broker owns its command line; hand the arguments over untouched
      process.argv = [process.argv[0]!, 'reference', ...rest];
      await import('../reference/main.ts');
      return new Promise<number>(() => undefined); // it exits by itself on SIGINT/SIGTERM
    }
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      console.log(HELP);
      return command === undefined ? 2 : 0;
    case 'swarm':
      return (await import('./swarm.ts')).runSwarm(rest);
    case 'report':
      return (await import('./report.ts')).runReport(rest);
    case 'compare':
      return (await import('./compare.ts')).runCompare(rest);
    default:
      throw new UsageError(`unknown command "${command}"; see emqx-harness --help`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof UsageError || (e as Error)?.name === 'PreflightFailed' || (e as Error)?.name === 'TargetError') {
      console.error(`emqx-harness: ${(e as Error).message}`);
      process.exit(2);
    }
    console.error(e);
    process.exit(70);
  },
);
