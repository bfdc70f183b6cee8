import type { CommandRunner, Logger } from '@fractal-ecs/common';
import { runSysctl } from './sysctl-command';

/**
 * Stops docker0 from accepting IPv6 router advertisements. `-e` ignores an unknown key, so hosts
 * with IPv6 or docker0 absent succeed (upstream "Ignore IPv6 disable failure if already disabled").
 * Never restored, as upstream.
 */
export class Ipv6RouterAdvertisements {
  private readonly runner: CommandRunner;
  private readonly log: Logger;

  constructor(deps: { runner: CommandRunner; log: Logger }) {
    this.runner = deps.runner;
    this.log = deps.log;
  }

  async disable(): Promise<void> {
    await runSysctl(this.runner, this.log, ['-e', '-w', 'net.ipv6.conf.docker0.accept_ra=0'], 'Error disabling ipv6 router advertisements');
  }
}
