import path from 'node:path';
import { Command } from 'commander';
import { buildInfo, createLogger, execaRunner, HostPaths, systemClock, type Logger } from '@fractal-ecs/common';
import { DiskAgentImageCache } from './cache';
import { loadEcsConfigFiles, readInitSettings } from './config';
import { devDir, NvidiaGpuSetup, waitForNvidiaDevices } from './gpu';
import { connectDocker } from './docker';
import { Engine, ExitCode, findVerb, probeHost, runVerb, usageText, VERBS, versionLine, type Verb } from './engine';
import { CredentialsProxyRoute } from './iptables';
import { Ipv6RouterAdvertisements, LoopbackRouting } from './sysctl';

const PROGRAM = 'amazon-ecs-init';

const HELP_AFTER = `
Actions:
${[...VERBS.map((v) => [v.name, v.description]), ['version', 'Print the version and build of ecs-init']]
  .map(([name, description]) => `  ${name!.padEnd(14)}${description}`)
  .join('\n')}

  systemd units use pre-start, start, stop and post-stop; upstart jobs use pre-start, start,
  pre-stop and post-stop. "start" runs the agent container and restarts it with exponential
  backoff (0.5 s doubling to 15 s) until it exits 0 or 5; exit 42 loads the image named in
  /var/cache/ecs/desired-image first. SIGTERM or SIGINT to "start" stops the agent container and
  exits 0.

Exit status:
  0    success
  1    no action, or an unknown one (the usage is printed)
  5    the agent exited with its terminal code 5: do not restart it
  255  any other error (see /var/log/ecs/ecs-init.log)

Environment:
  ECS_SKIP_LOCALHOST_TRAFFIC_FILTER        true: add no rule dropping off-host traffic to 127.0.0.0/8
  ECS_ALLOW_OFFHOST_INTROSPECTION_ACCESS   true: leave the introspection port 51678 reachable
  ECS_OFFHOST_INTROSPECTION_INTERFACE_NAME interface to block introspection on (default: all but lo)
  ECS_LOG_DRIVER, ECS_LOG_OPTS             Docker log driver and options of the agent container
  ECS_INIT_DOCKER_LOG_FILE_SIZE, _NUM      json-file rotation of the agent container (16m, 4)
  ECS_AGENT_RUN_PRIVILEGED                 true: run the agent container privileged
  ECS_AGENT_PID_NAMESPACE_HOST             true: share the host PID namespace with the agent
  ECS_EXTERNAL                             true: ECS Anywhere host (no task ENI, no capabilities)
  ECS_LOGLEVEL                             debug, info, warn, error, crit or none (default info)
  DOCKER_HOST                              unix:// socket of the Docker daemon
  ECS_INIT_HOST_ROOT                       root of every ECS path (default /)
  ECS_INIT_AGENT_IMAGE                     agent image (default amazon/amazon-ecs-agent:latest)
  ECS_INIT_AGENT_CONTAINER_NAME            agent container name (default ecs-agent)
  Booleans take Go's forms: 1, t, T, TRUE, true, True and 0, f, F, FALSE, false, False.

Files:
  /etc/ecs/ecs.config        agent configuration, one KEY=VALUE per line, passed to the agent
                             verbatim; overrides /var/lib/ecs/ecs.config. Blank lines and lines
                             starting with # are skipped; other lines without a key are logged
                             with their line number and skipped. ECS_AGENT_LABELS (JSON object of
                             strings) labels the agent container.
  /var/cache/ecs/ecs-agent.tar  cached agent image; /var/cache/ecs/state says whether to load it
  /var/log/ecs/ecs-init.log  this program's log (rolled hourly, 24 kept)
`;

/**
 * Unlike upstream, the action is validated before anything is initialised (logging, Docker), so a
 * typo only prints the usage. Everything else follows upstream ecs-init.
 */
async function main(argv: string[]): Promise<number> {
  let exitCode: number = ExitCode.Success;
  const program = new Command(PROGRAM)
    .usage('ACTION')
    .description('Prepares the host for the Amazon ECS container agent and supervises the agent container.')
    .argument('[action]')
    .allowExcessArguments(true)
    .addHelpText('after', HELP_AFTER)
    .exitOverride()
    .action(async (action: string | undefined) => {
      exitCode = await dispatch(action, process.env);
    });
  try {
    await program.parseAsync(argv);
  } catch (err) {
    // --help (code 0) or a commander usage error, already printed.
    return (err as { exitCode?: number }).exitCode ?? ExitCode.Error;
  }
  return exitCode;
}

async function dispatch(action: string | undefined, env: NodeJS.ProcessEnv): Promise<number> {
  if (action === 'version') return printVersion();
  const verb = findVerb(action);
  if (verb === undefined) {
    process.stdout.write(usageText(process.argv[1] ?? PROGRAM));
    return ExitCode.Usage;
  }
  const paths = new HostPaths(env.ECS_INIT_HOST_ROOT || '/');
  let log: Logger;
  try {
    log = createLogger({
      level: env.ECS_LOGLEVEL ?? 'info',
      file: paths.initLog,
      format: 'logfmt',
      rollover: 'hourly',
      maxRollCount: 24,
      stdout: true,
    });
  } catch (err) {
    process.stderr.write(`could not set up logging to ${paths.initLog}: ${(err as Error).message}\n`);
    return ExitCode.Error;
  }
  try {
    log.info(verb.name);
    return await runWithEngine(verb, env, paths, log);
  } finally {
    await log.close();
  }
}

async function runWithEngine(verb: Verb, env: NodeJS.ProcessEnv, paths: HostPaths, log: Logger): Promise<number> {
  const settings = readInitSettings(env, paths, log);
  const runner = execaRunner;
  const engine = new Engine({
    settings,
    log,
    clock: systemClock,
    connectDocker: () => connectDocker({ socketPath: settings.dockerSocket, clock: systemClock, log }),
    cache: new DiskAgentImageCache(paths, log),
    loopbackRouting: new LoopbackRouting({ runner, log }),
    routerAdvertisements: new Ipv6RouterAdvertisements({ runner, log }),
    credentialsProxyRoute: new CredentialsProxyRoute({
      runner,
      log,
      stateFile: path.join(paths.libEcs, 'ecs-init', 'netfilter-rules.json'),
    }),
    nvidiaGpus: new NvidiaGpuSetup({ paths, runner, log }),
    loadAgentConfig: () => loadEcsConfigFiles(paths, log, () => waitForNvidiaDevices({ dir: devDir(paths), clock: systemClock, log })),
    probeHost: () => probeHost(paths, settings.credentialsFetcherSocket),
  });
  // Only `start` runs long enough to be signalled; it stops the agent container and exits 0.
  const abort = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    log.info(`Received ${signal}, stopping the agent`);
    abort.abort();
  };
  if (verb.name === 'start') {
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }
  return runVerb(verb, engine, log, abort.signal);
}

function printVersion(): number {
  if (buildInfo.version === '' || buildInfo.gitShortHash === '') {
    process.stderr.write('failed print version info, err: Version info not set\n');
  }
  process.stdout.write(`${versionLine(buildInfo)}\n`);
  return ExitCode.Success;
}

main(process.argv).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(ExitCode.Error);
  },
);
