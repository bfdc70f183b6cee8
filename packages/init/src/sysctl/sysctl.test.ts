import { fail, FakeNetfilter, ok, recordingLogger } from '../iptables/test-fakes';
import { Ipv6RouterAdvertisements, LoopbackRouting } from './index';
import { parseSysctlInt } from './loopback-routing';

let runner: FakeNetfilter;
let log: ReturnType<typeof recordingLogger>;

beforeEach(() => {
  runner = new FakeNetfilter();
  log = recordingLogger();
});

const argv = () => runner.calls.map((c) => c.join(' '));

describe('LoopbackRouting', () => {
  it('enables route_localnet on all interfaces', async () => {
    await new LoopbackRouting({ runner, log }).enable();
    expect(argv()).toEqual(['sysctl -w net.ipv4.conf.all.route_localnet=1']);
  });

  it('fails enable with the raw output', async () => {
    runner.sysctl.set('-w net.ipv4.conf.all.route_localnet=1', fail(255, 'sysctl: permission denied on key "net.ipv4.conf.all.route_localnet"'));
    await expect(new LoopbackRouting({ runner, log }).enable()).rejects.toThrow(
      'Error enabling route_localnet: sysctl -w net.ipv4.conf.all.route_localnet=1: exit status 255: sysctl: permission denied on key "net.ipv4.conf.all.route_localnet"',
    );
    expect(log.entries[0]).toMatchObject({ level: 'error', fields: { argv: ['sysctl', '-w', 'net.ipv4.conf.all.route_localnet=1'] } });
  });

  it.each([
    ['net.ipv4.conf.default.route_localnet = 0\n', 0],
    ['net.ipv4.conf.default.route_localnet = 1\n', 1],
    ['net.ipv4.conf.default.route_localnet=1', 1],
  ])('restores all to the default read from %j', async (output, value) => {
    runner.sysctl.set('net.ipv4.conf.default.route_localnet', ok(output));
    await new LoopbackRouting({ runner, log }).restoreDefault();
    expect(argv()).toEqual(['sysctl net.ipv4.conf.default.route_localnet', `sysctl -w net.ipv4.conf.all.route_localnet=${value}`]);
  });

  it.each(['', 'net.ipv4.conf.default.route_localnet', 'net.ipv4.conf.default.route_localnet = yes', 'x = 1 2'])(
    'rejects output %j, naming it, without writing anything',
    async (output) => {
      runner.sysctl.set('net.ipv4.conf.default.route_localnet', ok(output));
      await expect(new LoopbackRouting({ runner, log }).restoreDefault()).rejects.toThrow(
        `error parsing default route_localnet value: expected "<key> = <integer>" in sysctl output ${JSON.stringify(output)}`,
      );
      expect(argv()).toEqual(['sysctl net.ipv4.conf.default.route_localnet']);
    },
  );

  it('fails restore when sysctl cannot read the default', async () => {
    runner.sysctl.set('net.ipv4.conf.default.route_localnet', fail(255, 'sysctl: cannot stat /proc/sys/net/ipv4/conf/default/route_localnet: No such file or directory'));
    await expect(new LoopbackRouting({ runner, log }).restoreDefault()).rejects.toThrow(/cannot stat/);
    expect(argv()).toHaveLength(1);
  });
});

describe('parseSysctlInt', () => {
  it('splits on the first "=" and accepts a signed integer, like Go strconv.Atoi', () => {
    expect(parseSysctlInt('a.b = -1')).toBe(-1);
    expect(parseSysctlInt('a.b =  +2 \n')).toBe(2);
    expect(() => parseSysctlInt('a.b = 1.5')).toThrow('"a.b = 1.5"');
  });
});

describe('Ipv6RouterAdvertisements', () => {
  it('disables accept_ra on docker0, ignoring unknown keys', async () => {
    await new Ipv6RouterAdvertisements({ runner, log }).disable();
    expect(argv()).toEqual(['sysctl -e -w net.ipv6.conf.docker0.accept_ra=0']);
  });

  it('fails with the raw output', async () => {
    runner.sysctl.set('-e -w net.ipv6.conf.docker0.accept_ra=0', fail(1, 'sysctl: permission denied'));
    await expect(new Ipv6RouterAdvertisements({ runner, log }).disable()).rejects.toThrow(
      'Error disabling ipv6 router advertisements: sysctl -e -w net.ipv6.conf.docker0.accept_ra=0: exit status 1: sysctl: permission denied',
    );
  });
});
