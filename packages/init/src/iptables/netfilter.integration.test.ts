// Real iptables/ip6tables inside a fresh network namespace per test; the host's tables are never
// touched. The expected iptables-save lines below are the specification, written out by hand.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CredentialsProxyRoute, type NetfilterSettings } from './index';
import { NetnsRunner, netnsUnavailableReason } from './netns-test-runner';
import { recordingLogger } from './test-fakes';

const unavailable = netnsUnavailableReason();
if (unavailable) console.warn(`Skipping netfilter integration tests: ${unavailable}`);
const describeInNetns = unavailable ? describe.skip : describe;

type Tables = Record<string, string[]>;

const DEFAULTS: NetfilterSettings = {
  skipLocalhostTrafficFilter: false,
  allowOffhostIntrospectionAccess: false,
  offhostIntrospectionInterface: undefined,
  bridgeName: 'docker0',
};

// What a Docker host already has before ecs-init runs: our rules must land around these.
const BASELINE_V4: Tables = {
  filter: ['-A INPUT -i sentinel0 -j ACCEPT'],
  nat: [
    '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER',
    '-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER',
  ],
};
const BASELINE_V6: Tables = { filter: ['-A INPUT -i sentinel0 -j ACCEPT'] };

const NAT_WITH_PROXY = [
  '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER',
  '-A PREROUTING -d 169.254.170.2/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 127.0.0.1:51679',
  '-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER',
  '-A OUTPUT -d 169.254.170.2/32 -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 51679',
];
const LOCALHOST_FILTER = '-A INPUT ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP';

const COMBINATIONS: [string, Partial<NetfilterSettings>, Tables, Tables][] = [
  [
    'defaults',
    {},
    {
      filter: [
        '-A INPUT -i docker0 -p tcp -m tcp --dport 51678 -j ACCEPT',
        '-A INPUT ! -i lo -p tcp -m tcp --dport 51678 -j DROP',
        LOCALHOST_FILTER,
        '-A INPUT -i sentinel0 -j ACCEPT',
      ],
      nat: NAT_WITH_PROXY,
    },
    {
      filter: [
        '-A INPUT -i docker0 -p tcp -m tcp --dport 51678 -j ACCEPT',
        '-A INPUT ! -i lo -p tcp -m tcp --dport 51678 -j DROP',
        '-A INPUT -i sentinel0 -j ACCEPT',
      ],
    },
  ],
  [
    'no docker bridge',
    { bridgeName: undefined },
    {
      filter: ['-A INPUT ! -i lo -p tcp -m tcp --dport 51678 -j DROP', LOCALHOST_FILTER, '-A INPUT -i sentinel0 -j ACCEPT'],
      nat: NAT_WITH_PROXY,
    },
    { filter: ['-A INPUT ! -i lo -p tcp -m tcp --dport 51678 -j DROP', '-A INPUT -i sentinel0 -j ACCEPT'] },
  ],
  [
    'introspection interface eth0',
    { offhostIntrospectionInterface: 'eth0' },
    {
      filter: ['-A INPUT -i eth0 -p tcp -m tcp --dport 51678 -j DROP', LOCALHOST_FILTER, '-A INPUT -i sentinel0 -j ACCEPT'],
      nat: NAT_WITH_PROXY,
    },
    { filter: ['-A INPUT -i eth0 -p tcp -m tcp --dport 51678 -j DROP', '-A INPUT -i sentinel0 -j ACCEPT'] },
  ],
  [
    'ECS_SKIP_LOCALHOST_TRAFFIC_FILTER',
    { skipLocalhostTrafficFilter: true },
    {
      filter: [
        '-A INPUT -i docker0 -p tcp -m tcp --dport 51678 -j ACCEPT',
        '-A INPUT ! -i lo -p tcp -m tcp --dport 51678 -j DROP',
        '-A INPUT -i sentinel0 -j ACCEPT',
      ],
      nat: NAT_WITH_PROXY,
    },
    {
      filter: [
        '-A INPUT -i docker0 -p tcp -m tcp --dport 51678 -j ACCEPT',
        '-A INPUT ! -i lo -p tcp -m tcp --dport 51678 -j DROP',
        '-A INPUT -i sentinel0 -j ACCEPT',
      ],
    },
  ],
  [
    'ECS_ALLOW_OFFHOST_INTROSPECTION_ACCESS',
    { allowOffhostIntrospectionAccess: true },
    { filter: [LOCALHOST_FILTER, '-A INPUT -i sentinel0 -j ACCEPT'], nat: NAT_WITH_PROXY },
    BASELINE_V6,
  ],
  [
    'skip localhost filter and allow introspection',
    { skipLocalhostTrafficFilter: true, allowOffhostIntrospectionAccess: true },
    { filter: ['-A INPUT -i sentinel0 -j ACCEPT'], nat: NAT_WITH_PROXY },
    BASELINE_V6,
  ],
];

/** iptables-save without comments, counters, chain declarations and COMMIT: table -> rules. */
function normalise(save: string): Tables {
  const tables: Tables = {};
  let current: string[] | undefined;
  for (const line of save.split('\n')) {
    if (line.startsWith('*')) tables[line.slice(1)] = current = [];
    else if (line.startsWith('-A ')) current?.push(line);
  }
  return tables;
}

describeInNetns('credentials proxy netfilter rules in a network namespace', () => {
  let netns: NetnsRunner;
  let dir: string;
  let stateFile: string;

  const iptables = async (): Promise<Tables> => normalise(await netns.mustRun('iptables-save', []));
  const ip6tables = async (): Promise<Tables> => normalise(await netns.mustRun('ip6tables-save', []));
  const route = (procRoot?: string) =>
    new CredentialsProxyRoute({ runner: netns, log: recordingLogger(), stateFile, ...(procRoot ? { procRoot } : {}) });

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ecs-netfilter-it-'));
    stateFile = path.join(dir, 'var/lib/ecs/ecs-init/netfilter-rules.json');
    netns = new NetnsRunner();
    await netns.create();
    await netns.mustRun('iptables', ['-t', 'nat', '-N', 'DOCKER']);
    await netns.mustRun('iptables', ['-t', 'nat', '-A', 'PREROUTING', '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'DOCKER']);
    await netns.mustRun('iptables', ['-t', 'nat', '-A', 'OUTPUT', '!', '-d', '127.0.0.0/8', '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'DOCKER']);
    await netns.mustRun('iptables', ['-t', 'filter', '-A', 'INPUT', '-i', 'sentinel0', '-j', 'ACCEPT']);
    await netns.mustRun('ip6tables', ['-t', 'filter', '-A', 'INPUT', '-i', 'sentinel0', '-j', 'ACCEPT']);
    expect(await iptables()).toEqual(BASELINE_V4);
    expect(await ip6tables()).toEqual(BASELINE_V6);
  });

  afterEach(async () => {
    await netns.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it.each(COMBINATIONS)('%s: pre-start, pre-start again, post-stop', async (_name, overrides, expectedV4, expectedV6) => {
    const settings = { ...DEFAULTS, ...overrides };
    await route().create(settings);
    expect(await iptables()).toEqual(expectedV4);
    expect(await ip6tables()).toEqual(expectedV6);

    await route().create(settings);
    expect(await iptables()).toEqual(expectedV4);
    expect(await ip6tables()).toEqual(expectedV6);

    await route().remove(settings);
    expect(await iptables()).toEqual(BASELINE_V4);
    expect(await ip6tables()).toEqual(BASELINE_V6);
  });

  it('removes the eth0 rule after the interface setting is unset', async () => {
    await route().create({ ...DEFAULTS, offhostIntrospectionInterface: 'eth0' });
    await route().remove(DEFAULTS);
    expect(await iptables()).toEqual(BASELINE_V4);
    expect(await ip6tables()).toEqual(BASELINE_V6);
  });

  it('removes the localhost filter after ECS_SKIP_LOCALHOST_TRAFFIC_FILTER turned true', async () => {
    await route().create(DEFAULTS);
    await route().remove({ ...DEFAULTS, skipLocalhostTrafficFilter: true });
    expect(await iptables()).toEqual(BASELINE_V4);
  });

  it('removes the duplicates upstream ecs-init leaves after two pre-starts', async () => {
    for (let i = 0; i < 2; i++) {
      await netns.mustRun('iptables', ['-t', 'nat', '-A', 'PREROUTING', '-p', 'tcp', '-d', '169.254.170.2', '--dport', '80', '-j', 'DNAT', '--to-destination', '127.0.0.1:51679']);
      await netns.mustRun('iptables', ['-t', 'filter', '-I', 'INPUT', '-p', 'tcp', '--dport', '51678', '!', '-i', 'lo', '-j', 'DROP']);
    }
    await route().remove(DEFAULTS);
    expect(await iptables()).toEqual(BASELINE_V4);
  });

  it('leaves ip6tables alone when /proc/sys/net/ipv6 is missing', async () => {
    const procRoot = path.join(dir, 'proc-without-ipv6');
    await route(procRoot).create(DEFAULTS);
    expect(await ip6tables()).toEqual(BASELINE_V6);
    expect((await iptables()).filter).toContain('-A INPUT ! -i lo -p tcp -m tcp --dport 51678 -j DROP');
    await route(procRoot).remove(DEFAULTS);
    expect(await iptables()).toEqual(BASELINE_V4);
  });
});
