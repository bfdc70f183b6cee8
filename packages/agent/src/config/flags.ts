import { parseGoBool } from '@fractal-ecs/common';

// The agent's command line, parsed with Go's `flag` package rules so every invocation that works with
// Amazon's binary (`/agent --healthcheck` in the image's HEALTHCHECK, `-loglevel debug`, `-k`) works
// here: one or two dashes, `-name=value` or `-name value` for string flags, `-name` or `-name=false`
// for booleans, parsing stops at the first non-flag argument or after `--`. Done by hand because
// commander treats a single dash as a cluster of one-letter options (`-loglevel` = -l -o -g ...).

export interface AgentFlags {
  /** `-version`: print the version and exit 0. */
  readonly version: boolean;
  /** `-license`: print LICENSE and NOTICE and exit 0. */
  readonly license: boolean;
  /** `-healthcheck`: HEAD http://<ECS_AGENT_HEALTHCHECK_HOST>:51678/v1/metadata; exit 0 on any response. */
  readonly healthcheck: boolean;
  /** `-k`: do not verify TLS certificates of the services the agent talks to. */
  readonly acceptInsecureCert: boolean;
  /** `-blackhole-ec2-metadata`: answer every instance metadata request with an error. */
  readonly blackholeEc2Metadata: boolean;
  /** `-ecs-attributes`: print the capabilities as "name\tvalue" lines and exit. */
  readonly ecsAttributes: boolean;
  /** `-loglevel`: both the console and the on-instance level. */
  readonly logLevel: string | undefined;
  /** `-loglevel-driver`: the console (log driver) level. */
  readonly logLevelDriver: string | undefined;
  /** `-loglevel-on-instance`: the on-instance log file level. */
  readonly logLevelOnInstance: string | undefined;
}

/**
 * Bad flags: the CLI prints `error` and the usage and exits 5 (terminal, upstream's answer to a flag
 * parse error, `-h` included), since restarting cannot fix a command line.
 */
export type AgentFlagsResult =
  | { readonly ok: true; readonly flags: AgentFlags; readonly args: readonly string[] }
  | { readonly ok: false; readonly error: string; readonly helpRequested: boolean };

type BooleanFlag = 'version' | 'license' | 'healthcheck' | 'acceptInsecureCert' | 'blackholeEc2Metadata' | 'ecsAttributes';
type StringFlag = 'logLevel' | 'logLevelDriver' | 'logLevelOnInstance';

const BOOLEAN_FLAGS: Readonly<Record<string, BooleanFlag>> = {
  version: 'version',
  license: 'license',
  healthcheck: 'healthcheck',
  k: 'acceptInsecureCert',
  'blackhole-ec2-metadata': 'blackholeEc2Metadata',
  'ecs-attributes': 'ecsAttributes',
};

const STRING_FLAGS: Readonly<Record<string, StringFlag>> = {
  loglevel: 'logLevel',
  'loglevel-driver': 'logLevelDriver',
  'loglevel-on-instance': 'logLevelOnInstance',
};

export const AGENT_FLAGS_USAGE = `Usage of the Amazon ECS agent:
  -blackhole-ec2-metadata
        answer every EC2 instance metadata request with an error (not recommended)
  -ecs-attributes
        print the agent's ECS attributes for this host and exit
  -healthcheck
        check that the local agent answers on port 51678, then exit
  -k    do not verify TLS certificates (not recommended)
  -license
        print the LICENSE and NOTICE files and exit
  -loglevel string
        level for both the console and the on-instance log: crit, error, warn, info, debug
  -loglevel-driver string
        level for the console (Docker log driver): crit, error, warn, info, debug
  -loglevel-on-instance string
        level for the on-instance log file: none, crit, error, warn, info, debug
  -version
        print the agent version and exit
`;

export function parseAgentFlags(argv: readonly string[]): AgentFlagsResult {
  const booleans: Record<BooleanFlag, boolean> = {
    version: false,
    license: false,
    healthcheck: false,
    acceptInsecureCert: false,
    blackholeEc2Metadata: false,
    ecsAttributes: false,
  };
  const strings: Record<StringFlag, string | undefined> = {
    logLevel: undefined,
    logLevelDriver: undefined,
    logLevelOnInstance: undefined,
  };
  const failure = (error: string, helpRequested = false): AgentFlagsResult => ({ ok: false, error, helpRequested });

  let index = 0;
  while (index < argv.length) {
    const arg = argv[index]!;
    if (arg.length < 2 || !arg.startsWith('-')) break;
    index++;
    if (arg === '--') break;
    const body = arg.slice(arg.startsWith('--') ? 2 : 1);
    if (body === '' || body.startsWith('-') || body.startsWith('=')) return failure(`bad flag syntax: ${arg}`);
    const equals = body.indexOf('=');
    const name = equals < 0 ? body : body.slice(0, equals);
    const inlineValue = equals < 0 ? undefined : body.slice(equals + 1);

    const booleanFlag = BOOLEAN_FLAGS[name];
    const stringFlag = STRING_FLAGS[name];
    if (booleanFlag) {
      const value = inlineValue === undefined ? true : parseGoBool(inlineValue);
      if (value === undefined) return failure(`invalid boolean value ${JSON.stringify(inlineValue)} for -${name}`);
      booleans[booleanFlag] = value;
    } else if (stringFlag) {
      let value = inlineValue;
      // Go takes the next argument as the value whatever it looks like, even "-k".
      if (value === undefined && index < argv.length) value = argv[index++];
      if (value === undefined) return failure(`flag needs an argument: -${name}`);
      strings[stringFlag] = value;
    } else if (name === 'h' || name === 'help') {
      return failure('help requested', true);
    } else {
      return failure(`flag provided but not defined: -${name}`);
    }
  }
  return { ok: true, flags: { ...booleans, ...strings }, args: argv.slice(index) };
}
