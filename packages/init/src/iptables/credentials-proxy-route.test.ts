import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CredentialsProxyRoute, type NetfilterSettings } from './index';
import { fail, FakeNetfilter, recordingLogger } from './test-fakes';

const R1 = 'iptables -t nat -A PREROUTING -p tcp -d 169.254.170.2 --dport 80 -j DNAT --to-destination 127.0.0.1:51679';
const R2 = 'iptables -t filter -I INPUT --dst 127.0.0.0/8 ! --src 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP';
const R3 = 'iptables -t filter -I INPUT -p tcp --dport 51678 ! -i lo -j DROP';
const R3v6 = 'ip6tables -t filter -I INPUT -p tcp --dport 51678 ! -i lo -j DROP';
const R4 = 'iptables -t filter -I INPUT -p tcp --dport 51678 -i docker0 -j ACCEPT';
const R4v6 = 'ip6tables -t filter -I INPUT -p tcp --dport 51678 -i docker0 -j ACCEPT';
const ETH0 = 'iptables -t filter -I INPUT -p tcp -i eth0 --dport 51678 -j DROP';
const ETH0v6 = 'ip6tables -t filter -I INPUT -p tcp -i eth0 --dport 51678 -j DROP';
const R5 = 'iptables -t nat -A OUTPUT -p tcp -d 169.254.170.2 --dport 80 -j REDIRECT --to-ports 51679';

const DEFAULTS: NetfilterSettings = {
  skipLocalhostTrafficFilter: false,
  allowOffhostIntrospectionAccess: false,
  offhostIntrospectionInterface: undefined,
  bridgeName: 'docker0',
};

let dir: string;
let procRoot: string;
let sysRoot: string;
let stateFile: string;
let netfilter: FakeNetfilter;
let log: ReturnType<typeof recordingLogger>;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ecs-netfilter-'));
  procRoot = path.join(dir, 'proc');
  sysRoot = path.join(dir, 'sys');
  stateFile = path.join(dir, 'var/lib/ecs/ecs-init/netfilter-rules.json');
  await mkdir(path.join(procRoot, 'sys/net/ipv6'), { recursive: true });
  await fakeInterface('lo', '0x9', '1');
  await fakeInterface('eth0', '0x1003', '2');
  netfilter = new FakeNetfilter();
  log = recordingLogger();
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fakeInterface(name: string, flags: string, ifindex: string): Promise<void> {
  await mkdir(path.join(sysRoot, 'class/net', name), { recursive: true });
  await writeFile(path.join(sysRoot, 'class/net', name, 'flags'), `${flags}\n`);
  await writeFile(path.join(sysRoot, 'class/net', name, 'ifindex'), `${ifindex}\n`);
}

function route(): CredentialsProxyRoute {
  return new CredentialsProxyRoute({ runner: netfilter, log, stateFile, procRoot, sysRoot });
}

describe('create: exact argv per settings combination', () => {
  it.each<[string, Partial<NetfilterSettings>, string[]]>([
    ['defaults', {}, [R1, R2, R3, R3v6, R4, R4v6, R5]],
    ['no docker bridge', { bridgeName: undefined }, [R1, R2, R3, R3v6, R5]],
    ['ECS_SKIP_LOCALHOST_TRAFFIC_FILTER', { skipLocalhostTrafficFilter: true }, [R1, R3, R3v6, R4, R4v6, R5]],
    ['ECS_ALLOW_OFFHOST_INTROSPECTION_ACCESS', { allowOffhostIntrospectionAccess: true }, [R1, R2, R5]],
    ['skip filter and allow introspection', { skipLocalhostTrafficFilter: true, allowOffhostIntrospectionAccess: true }, [R1, R5]],
    ['introspection interface eth0', { offhostIntrospectionInterface: 'eth0' }, [R1, R2, ETH0, ETH0v6, R5]],
    ['interface eth0, no bridge, skip filter', { offhostIntrospectionInterface: 'eth0', bridgeName: undefined, skipLocalhostTrafficFilter: true }, [R1, ETH0, ETH0v6, R5]],
    ['interface set but introspection allowed', { offhostIntrospectionInterface: 'eth0', allowOffhostIntrospectionAccess: true }, [R1, R2, R5]],
  ])('%s', async (_name, overrides, expected) => {
    await route().create({ ...DEFAULTS, ...overrides });
    expect(netfilter.additions()).toEqual(expected);
  });

  it('checks each rule with -C and the identical spec before adding it', async () => {
    await route().create({ ...DEFAULTS, bridgeName: undefined });
    expect(netfilter.calls.map((c) => c.join(' '))).toEqual([
      'iptables -t nat -C PREROUTING -p tcp -d 169.254.170.2 --dport 80 -j DNAT --to-destination 127.0.0.1:51679',
      R1,
      'iptables -t filter -C INPUT --dst 127.0.0.0/8 ! --src 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP',
      R2,
      'iptables -t filter -C INPUT -p tcp --dport 51678 ! -i lo -j DROP',
      R3,
      'ip6tables -t filter -C INPUT -p tcp --dport 51678 ! -i lo -j DROP',
      R3v6,
      'iptables -t nat -C OUTPUT -p tcp -d 169.254.170.2 --dport 80 -j REDIRECT --to-ports 51679',
      R5,
    ]);
  });

  it('leaves the docker bridge ACCEPT above the loopback DROP, as upstream', async () => {
    await route().create(DEFAULTS);
    expect(netfilter.listing()).toEqual([
      'iptables nat PREROUTING: -p tcp -d 169.254.170.2 --dport 80 -j DNAT --to-destination 127.0.0.1:51679',
      'iptables filter INPUT: -p tcp --dport 51678 -i docker0 -j ACCEPT',
      'iptables filter INPUT: -p tcp --dport 51678 ! -i lo -j DROP',
      'iptables filter INPUT: --dst 127.0.0.0/8 ! --src 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP',
      'ip6tables filter INPUT: -p tcp --dport 51678 -i docker0 -j ACCEPT',
      'ip6tables filter INPUT: -p tcp --dport 51678 ! -i lo -j DROP',
      'iptables nat OUTPUT: -p tcp -d 169.254.170.2 --dport 80 -j REDIRECT --to-ports 51679',
    ]);
  });

  it('uses the interface flagged IFF_LOOPBACK in sysfs, lowest ifindex first', async () => {
    await rm(path.join(sysRoot, 'class/net/lo'), { recursive: true });
    await fakeInterface('lo1', '0x9', '7');
    await fakeInterface('loop0', '0x49', '3');
    await route().create({ ...DEFAULTS, bridgeName: undefined });
    expect(netfilter.additions()).toContain('iptables -t filter -I INPUT -p tcp --dport 51678 ! -i loop0 -j DROP');
  });

  it('falls back to lo when sysfs lists no loopback interface', async () => {
    await rm(path.join(sysRoot, 'class/net'), { recursive: true });
    await route().create({ ...DEFAULTS, bridgeName: undefined });
    expect(netfilter.additions()).toContain(R3);
  });
});

describe('create: ip6tables mirror', () => {
  it('skips ip6tables and warns when /proc/sys/net/ipv6 is missing', async () => {
    await rm(path.join(procRoot, 'sys/net/ipv6'), { recursive: true });
    await route().create(DEFAULTS);
    expect(netfilter.additions()).toEqual([R1, R2, R3, R4, R5]);
    expect(netfilter.calls.some((c) => c[0] === 'ip6tables')).toBe(false);
    const warning = log.entries.find((e) => e.level === 'warn');
    expect(warning?.msg).toContain(path.join(procRoot, 'sys/net/ipv6'));
  });

  it('skips ip6tables and warns when it is not on PATH', async () => {
    netfilter.onPath.delete('ip6tables');
    await route().create({ ...DEFAULTS, offhostIntrospectionInterface: 'eth0' });
    expect(netfilter.additions()).toEqual([R1, R2, ETH0, R5]);
    expect(log.entries.filter((e) => e.level === 'warn').map((e) => e.msg)).toEqual([
      "ip6tables unable to be found on the host. Assuming IPv6 isn't available on the host and will not apply insert.",
    ]);
  });

  it('does not look for ip6tables when introspection access is allowed', async () => {
    netfilter.onPath.delete('ip6tables');
    await route().create({ ...DEFAULTS, allowOffhostIntrospectionAccess: true });
    expect(log.entries.filter((e) => e.level === 'warn')).toEqual([]);
  });
});

describe('create: idempotence (-C before add; upstream adds blindly)', () => {
  it('adds each rule once when pre-start runs twice', async () => {
    await route().create(DEFAULTS);
    const once = netfilter.listing();
    netfilter.calls.length = 0;
    await route().create(DEFAULTS);
    expect(netfilter.listing()).toEqual(once);
    expect(netfilter.additions()).toEqual([]);
    expect(netfilter.calls.every((c) => c[3] === '-C')).toBe(true);
  });

  it('adds only the missing rule', async () => {
    await route().create(DEFAULTS);
    netfilter.chains.get('iptables nat OUTPUT')!.length = 0;
    netfilter.calls.length = 0;
    await route().create(DEFAULTS);
    expect(netfilter.additions()).toEqual([R5]);
  });

  it('moves the bridge ACCEPT back above the loopback DROP when only the DROP was missing', async () => {
    netfilter.chains.set('iptables filter INPUT', ['-p tcp --dport 51678 -i docker0 -j ACCEPT']);
    await route().create({ ...DEFAULTS, skipLocalhostTrafficFilter: true });
    expect(netfilter.chains.get('iptables filter INPUT')).toEqual([
      '-p tcp --dport 51678 -i docker0 -j ACCEPT',
      '-p tcp --dport 51678 ! -i lo -j DROP',
    ]);
  });
});

describe('create: failures', () => {
  it('throws with the command and raw output, logs argv, and stops at the first failure', async () => {
    netfilter.override = (argv) =>
      argv[3] === '-I' && argv.includes('RELATED,ESTABLISHED,DNAT') ? fail(4, 'iptables: Permission denied (you must be root).') : undefined;
    await expect(route().create(DEFAULTS)).rejects.toThrow(
      `could not add input chain entry: ${R2}: exit status 4: iptables: Permission denied (you must be root).`,
    );
    expect(netfilter.additions()).toEqual([R1, R2]);
    const error = log.entries.find((e) => e.level === 'error');
    expect(error?.fields).toMatchObject({ command: 'iptables', argv: R2.split(' ').slice(1), output: 'iptables: Permission denied (you must be root).' });
    expect(error?.msg).toContain("Error performing action 'insert' for iptables route");
  });

  it('treats a -C failure other than "rule absent" as an error', async () => {
    netfilter.override = (argv) => (argv[3] === '-C' ? fail(2, "iptables v1.8.9: unknown option '--dport'") : undefined);
    await expect(route().create(DEFAULTS)).rejects.toThrow(/^could not check prerouting chain entry: iptables -t nat -C PREROUTING .*: exit status 2: iptables v1.8.9: unknown option '--dport'$/);
    expect(netfilter.additions()).toEqual([]);
  });

  it('records the rules before adding them, so post-stop can undo a half-done pre-start', async () => {
    netfilter.override = (argv) => (argv[3] === '-A' && argv[4] === 'OUTPUT' ? fail(1, 'boom') : undefined);
    await expect(route().create({ ...DEFAULTS, offhostIntrospectionInterface: 'eth0' })).rejects.toThrow('boom');
    netfilter.override = undefined;
    await route().remove(DEFAULTS);
    expect(netfilter.listing()).toEqual([]);
  });
});

describe('remove', () => {
  it('removes everything create added and deletes the record', async () => {
    await route().create(DEFAULTS);
    expect(JSON.parse(await readFile(stateFile, 'utf8')).rules).toHaveLength(7);
    await route().remove(DEFAULTS);
    expect(netfilter.listing()).toEqual([]);
    await expect(readFile(stateFile)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('deletes with the exact -D argv of each rule', async () => {
    await route().create(DEFAULTS);
    netfilter.calls.length = 0;
    await route().remove(DEFAULTS);
    expect(netfilter.calls.filter((c) => c[3] === '-D').map((c) => c.join(' '))).toEqual([
      'iptables -t nat -D PREROUTING -p tcp -d 169.254.170.2 --dport 80 -j DNAT --to-destination 127.0.0.1:51679',
      'iptables -t filter -D INPUT --dst 127.0.0.0/8 ! --src 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP',
      'iptables -t filter -D INPUT -p tcp --dport 51678 -i docker0 -j ACCEPT',
      'ip6tables -t filter -D INPUT -p tcp --dport 51678 -i docker0 -j ACCEPT',
      'iptables -t filter -D INPUT -p tcp --dport 51678 ! -i lo -j DROP',
      'ip6tables -t filter -D INPUT -p tcp --dport 51678 ! -i lo -j DROP',
      'iptables -t nat -D OUTPUT -p tcp -d 169.254.170.2 --dport 80 -j REDIRECT --to-ports 51679',
    ]);
  });

  it('removes every copy left by upstream ecs-init running pre-start twice', async () => {
    netfilter.chains.set('iptables nat PREROUTING', [
      '-m addrtype --dst-type LOCAL -j DOCKER',
      '-p tcp -d 169.254.170.2 --dport 80 -j DNAT --to-destination 127.0.0.1:51679',
      '-p tcp -d 169.254.170.2 --dport 80 -j DNAT --to-destination 127.0.0.1:51679',
    ]);
    await route().remove(DEFAULTS);
    expect(netfilter.listing()).toEqual(['iptables nat PREROUTING: -m addrtype --dst-type LOCAL -j DOCKER']);
  });

  it('is not an error when nothing was ever added', async () => {
    await expect(route().remove(DEFAULTS)).resolves.toBeUndefined();
    expect(netfilter.calls.every((c) => c[3] === '-C')).toBe(true);
  });

  it('removes the interface rule after ECS_OFFHOST_INTROSPECTION_INTERFACE_NAME was unset', async () => {
    await route().create({ ...DEFAULTS, offhostIntrospectionInterface: 'eth0' });
    await route().remove(DEFAULTS);
    expect(netfilter.listing()).toEqual([]);
  });

  it('removes the localhost filter after ECS_SKIP_LOCALHOST_TRAFFIC_FILTER became true', async () => {
    await route().create(DEFAULTS);
    await rm(stateFile);
    await route().remove({ ...DEFAULTS, skipLocalhostTrafficFilter: true });
    expect(netfilter.listing()).toEqual([]);
  });

  it('removes the introspection rules after ECS_ALLOW_OFFHOST_INTROSPECTION_ACCESS became true, without a record', async () => {
    await route().create(DEFAULTS);
    await rm(stateFile);
    await route().remove({ ...DEFAULTS, allowOffhostIntrospectionAccess: true });
    expect(netfilter.listing()).toEqual([]);
  });

  it('removes rules of both runs when pre-start ran twice with different settings', async () => {
    await route().create({ ...DEFAULTS, offhostIntrospectionInterface: 'eth0' });
    await route().create({ ...DEFAULTS, offhostIntrospectionInterface: 'ens5' });
    await route().remove({ ...DEFAULTS, offhostIntrospectionInterface: undefined, bridgeName: undefined });
    // eth0 and ens5 come only from the record, as does docker0 (the bridge is now unknown).
    expect(netfilter.listing()).toEqual([]);
  });

  it('without a record still removes the current settings\' rules', async () => {
    await route().create({ ...DEFAULTS, offhostIntrospectionInterface: 'eth0' });
    await rm(stateFile);
    await route().remove({ ...DEFAULTS, offhostIntrospectionInterface: 'eth0' });
    expect(netfilter.listing()).toEqual([]);
  });

  it('ignores a corrupt record (logging its content) and still removes the current rules', async () => {
    await route().create(DEFAULTS);
    await writeFile(stateFile, '{"rules": [{"command": "rm", "table": "nat"}');
    await route().remove(DEFAULTS);
    expect(netfilter.listing()).toEqual([]);
    expect(log.entries.find((e) => e.level === 'error')?.fields).toMatchObject({ content: '{"rules": [{"command": "rm", "table": "nat"}' });
  });

  it('uses the valid entries of a record and logs the invalid ones', async () => {
    netfilter.chains.set('iptables filter INPUT', ['-p tcp -i ens5 --dport 51678 -j DROP']);
    const ens5 = { command: 'iptables', table: 'filter', chain: 'INPUT', placement: 'insert', spec: ['-p', 'tcp', '-i', 'ens5', '--dport', '51678', '-j', 'DROP'], purpose: 'input chain entry to block offhost introspection access' };
    const bogus = { ...ens5, command: 'sh', spec: ['-c', 'reboot'] };
    await mkdir(path.dirname(stateFile), { recursive: true });
    await writeFile(stateFile, JSON.stringify({ version: 1, rules: [bogus, ens5] }));
    await route().remove(DEFAULTS);
    expect(netfilter.listing()).toEqual([]);
    expect(netfilter.calls.some((c) => c[0] === 'sh')).toBe(false);
    expect(log.entries.find((e) => e.level === 'error')).toMatchObject({ msg: 'Ignoring invalid netfilter rule record entry rules[0]', fields: { entry: JSON.stringify(bogus) } });
  });

  it('skips recorded ip6tables rules when IPv6 is gone', async () => {
    await route().create(DEFAULTS);
    await rm(path.join(procRoot, 'sys/net/ipv6'), { recursive: true });
    netfilter.calls.length = 0;
    await route().remove(DEFAULTS);
    expect(netfilter.calls.some((c) => c[0] === 'ip6tables')).toBe(false);
    expect(netfilter.listing()).toEqual([
      'ip6tables filter INPUT: -p tcp --dport 51678 -i docker0 -j ACCEPT',
      'ip6tables filter INPUT: -p tcp --dport 51678 ! -i lo -j DROP',
    ]);
  });

  it('attempts every rule, joins the failures and keeps the failed rules recorded', async () => {
    await route().create(DEFAULTS);
    const denied = (argv: string[]) => argv[3] === '-D' && (argv[4] === 'PREROUTING' || argv[4] === 'OUTPUT');
    netfilter.override = (argv) => (denied(argv) ? fail(4, 'xtables lock held') : undefined);
    const error = await route().remove(DEFAULTS).then(() => undefined, (e: Error) => e);
    expect(error?.message).toBe(
      `error removing prerouting chain entry: ${R1.replace('-A', '-D')}: exit status 4: xtables lock held; ` +
        `error removing output chain entry: ${R5.replace('-A', '-D')}: exit status 4: xtables lock held`,
    );
    expect(netfilter.listing()).toEqual([
      'iptables nat PREROUTING: -p tcp -d 169.254.170.2 --dport 80 -j DNAT --to-destination 127.0.0.1:51679',
      'iptables nat OUTPUT: -p tcp -d 169.254.170.2 --dport 80 -j REDIRECT --to-ports 51679',
    ]);
    const recorded = JSON.parse(await readFile(stateFile, 'utf8')).rules as { chain: string }[];
    expect(recorded.map((r) => r.chain)).toEqual(['PREROUTING', 'OUTPUT']);

    netfilter.override = undefined;
    await route().remove(DEFAULTS);
    expect(netfilter.listing()).toEqual([]);
  });

  it('gives up on a rule that -D "deletes" but -C keeps finding', async () => {
    netfilter.chains.set('iptables nat OUTPUT', ['-p tcp -d 169.254.170.2 --dport 80 -j REDIRECT --to-ports 51679']);
    netfilter.override = (argv) => (argv[3] === '-D' && argv[4] === 'OUTPUT' ? { exitCode: 0, stdout: '', stderr: '', all: '' } : undefined);
    await expect(route().remove(DEFAULTS)).rejects.toThrow(/^error removing output chain entry: .* still matches after 100 deletions$/);
  });
});
