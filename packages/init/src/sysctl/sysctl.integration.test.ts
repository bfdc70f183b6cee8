// Real sysctl inside a fresh network namespace: net.ipv4/net.ipv6 sysctls are per namespace, so
// the host's values are never touched.
import { NetnsRunner, netnsUnavailableReason } from '../iptables/netns-test-runner';
import { recordingLogger } from '../iptables/test-fakes';
import { Ipv6RouterAdvertisements, LoopbackRouting } from './index';

const unavailable = netnsUnavailableReason();
if (unavailable) console.warn(`Skipping sysctl integration tests: ${unavailable}`);
const describeInNetns = unavailable ? describe.skip : describe;

describeInNetns('host sysctls in a network namespace', () => {
  let netns: NetnsRunner;
  const read = async (key: string) => (await netns.mustRun('sysctl', ['-n', key])).trim();
  const deps = () => ({ runner: netns, log: recordingLogger() });

  beforeEach(async () => {
    netns = new NetnsRunner();
    await netns.create();
  });

  afterEach(async () => {
    await netns.destroy();
  });

  it('enables route_localnet and restores the default value (0)', async () => {
    await netns.mustRun('sysctl', ['-w', 'net.ipv4.conf.default.route_localnet=0']);
    await netns.mustRun('sysctl', ['-w', 'net.ipv4.conf.all.route_localnet=0']);
    await new LoopbackRouting(deps()).enable();
    expect(await read('net.ipv4.conf.all.route_localnet')).toBe('1');
    await new LoopbackRouting(deps()).restoreDefault();
    expect(await read('net.ipv4.conf.all.route_localnet')).toBe('0');
  });

  it('restores route_localnet to whatever the default is (1)', async () => {
    await netns.mustRun('sysctl', ['-w', 'net.ipv4.conf.default.route_localnet=1']);
    await netns.mustRun('sysctl', ['-w', 'net.ipv4.conf.all.route_localnet=0']);
    await new LoopbackRouting(deps()).restoreDefault();
    expect(await read('net.ipv4.conf.all.route_localnet')).toBe('1');
  });

  it('disables router advertisements on docker0', async () => {
    await netns.mustRun('ip', ['link', 'add', 'docker0', 'type', 'bridge']);
    expect(await read('net.ipv6.conf.docker0.accept_ra')).toBe('1');
    await new Ipv6RouterAdvertisements(deps()).disable();
    expect(await read('net.ipv6.conf.docker0.accept_ra')).toBe('0');
  });

  it('succeeds when there is no docker0', async () => {
    await expect(new Ipv6RouterAdvertisements(deps()).disable()).resolves.toBeUndefined();
  });
});
