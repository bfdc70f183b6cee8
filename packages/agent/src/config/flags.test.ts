import { parseAgentFlags, type AgentFlags } from './flags';

// Go `flag` package behaviour for the agent's flags (reference §1.1, seeds' "Flags").

const NONE: AgentFlags = {
  version: false,
  license: false,
  healthcheck: false,
  acceptInsecureCert: false,
  blackholeEc2Metadata: false,
  ecsAttributes: false,
  logLevel: undefined,
  logLevelDriver: undefined,
  logLevelOnInstance: undefined,
};

describe('parseAgentFlags', () => {
  it.each<[string[], Partial<AgentFlags>, string[]]>([
    [[], {}, []],
    [['-k'], { acceptInsecureCert: true }, []],
    [['--k'], { acceptInsecureCert: true }, []],
    [['-k=false'], {}, []],
    [['-k=1'], { acceptInsecureCert: true }, []],
    [['-version'], { version: true }, []],
    [['-license'], { license: true }, []],
    [['--healthcheck'], { healthcheck: true }, []],
    [['-healthcheck'], { healthcheck: true }, []],
    [['-blackhole-ec2-metadata', '-ecs-attributes'], { blackholeEc2Metadata: true, ecsAttributes: true }, []],
    [['-loglevel=debug'], { logLevel: 'debug' }, []],
    [['-loglevel', 'debug'], { logLevel: 'debug' }, []],
    [['--loglevel', 'debug'], { logLevel: 'debug' }, []],
    [['--loglevel=debug', '-k'], { logLevel: 'debug', acceptInsecureCert: true }, []],
    [['-loglevel='], { logLevel: '' }, []],
    [['-loglevel-driver', 'warn', '-loglevel-on-instance=none'], { logLevelDriver: 'warn', logLevelOnInstance: 'none' }, []],
    [['-loglevel=info', '-loglevel=debug'], { logLevel: 'debug' }, []],
    // A string flag takes the next argument whatever it looks like.
    [['-loglevel', '-k'], { logLevel: '-k' }, []],
    // A boolean flag never takes the next argument: "false" ends the flags.
    [['-k', 'false'], { acceptInsecureCert: true }, ['false']],
    [['--', '-k'], {}, ['-k']],
    [['run', '-k'], {}, ['run', '-k']],
    [['-', '-k'], {}, ['-', '-k']],
  ])('%j', (argv, expected, args) => {
    expect(parseAgentFlags(argv)).toEqual({ ok: true, flags: { ...NONE, ...expected }, args });
  });

  it.each([
    [['-x'], 'flag provided but not defined: -x'],
    [['--windows-service'], 'flag provided but not defined: -windows-service'],
    [['-loglevel'], 'flag needs an argument: -loglevel'],
    [['-k=maybe'], 'invalid boolean value "maybe" for -k'],
    [['---k'], 'bad flag syntax: ---k'],
    [['-=debug'], 'bad flag syntax: -=debug'],
  ])('%j is rejected: %s', (argv, error) => {
    expect(parseAgentFlags(argv)).toEqual({ ok: false, error, helpRequested: false });
  });

  it.each([['-h'], ['--help'], ['-help']])('%s asks for the usage', (flag) => {
    expect(parseAgentFlags([flag])).toMatchObject({ ok: false, helpRequested: true });
  });
});
