import { fakeEngine } from '../../test/engine-fakes';
import { findVerb, runVerb, usageText, VERBS, versionLine } from './verbs';

describe('verbs', () => {
  it('knows every upstream action and nothing else', () => {
    expect(VERBS.map((v) => v.name)).toEqual(['pre-start', 'start', 'pre-stop', 'stop', 'post-stop', 'reload-cache']);
    expect(findVerb('update-cache')).toBeUndefined();
    expect(findVerb(undefined)).toBeUndefined();
  });

  it('prints upstream usage', () => {
    expect(usageText('/usr/libexec/amazon-ecs-init')).toBe(
      'Usage: /usr/libexec/amazon-ecs-init ACTION\n\n Available actions:\n' +
        '  pre-start        Prepare the ECS Agent for starting\n' +
        '  start            Start the ECS Agent and wait for it to stop\n' +
        '  pre-stop         Stop the ECS Agent\n' +
        '  stop             Stop the ECS Agent\n' +
        '  post-stop        Cleanup procedure for the ECS Agent\n' +
        '  reload-cache     Reload the cached image of the ECS Agent into Docker\n\n',
    );
  });

  it.each([
    [{ version: '1.105.1', gitShortHash: 'abc1234', gitDirty: false }, 'ecs-init version 1.105.1 (abc1234)'],
    [{ version: '1.105.1', gitShortHash: 'abc1234', gitDirty: true }, 'ecs-init version 1.105.1 (*abc1234)'],
  ])('formats the version line', (info, line) => expect(versionLine(info)).toBe(line));
});

describe('runVerb exit codes', () => {
  const signal = new AbortController().signal;

  it('is 0 on success', async () => {
    const t = fakeEngine();
    t.docker.exitCodes = [0];
    expect(await runVerb(findVerb('start')!, t.engine, t.log, signal)).toBe(0);
  });

  it('is 5 with the terminal error logged when the agent exits 5', async () => {
    const t = fakeEngine();
    t.docker.exitCodes = [5];
    expect(await runVerb(findVerb('start')!, t.engine, t.log, signal)).toBe(5);
    expect(t.messages('error')).toEqual(['agent exited with terminal exit code: 5']);
  });

  it('is 255 with the error logged on any other failure', async () => {
    const t = fakeEngine();
    t.setDockerReachable(false);
    expect(await runVerb(findVerb('stop')!, t.engine, t.log, signal)).toBe(255);
    expect(t.messages('error')).toEqual(['could not create docker client: connect ENOENT /var/run/docker.sock']);
  });

  it('runs post-stop for both post-stop and the stop verbs for stop/pre-stop', async () => {
    const t = fakeEngine();
    expect(await runVerb(findVerb('post-stop')!, t.engine, t.log, signal)).toBe(0);
    expect(await runVerb(findVerb('pre-stop')!, t.engine, t.log, signal)).toBe(0);
    expect(t.calls).toEqual([
      'sysctl.restoreLoopbackRouting',
      expect.stringMatching(/^iptables.remove/),
      'connectDocker',
      'docker.findContainer ecs-agent',
    ]);
  });
});
