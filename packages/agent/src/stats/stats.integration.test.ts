import { systemClock } from '@fractal-ecs/common';
import Dockerode from 'dockerode';
import { buildBusyboxImage } from '../../test/support/busybox-image';
import { recordingLogger } from '../../test/fakes/recording-logger';
import { CgroupStatsReader } from './cgroup-stats-reader';
import { createStatsEngine } from './create-stats-engine';
import type { DockerStatsApi } from './docker-api-stats-reader';
import type { DockerStatsJson } from './docker-stats-json';
import type { StatsSettings } from './stats-settings';
import type { TrackedContainer } from './tracked-container-source';

// A busybox container burning one core and holding ~24 MiB of anonymous memory is read through its
// cgroup files and through Docker's stats API; the two must agree.
// one-shot (answer at once, no second sample) exists from API 1.41 and only on a versioned path.
const docker = new Dockerode({ version: 'v1.41' });
const LABEL = 'fractal-ecs.test.stats';
const RUN = `${process.pid}-${Date.now()}`;
const IMAGE = `fractal-ecs/stats-busybox:${RUN}`;
const MiB = 1024 * 1024;
const SETTINGS: StatsSettings = { metricsDisabled: false, dockerHealthCheckDisabled: false, poll: false, pollingWaitMs: 10_000, publishIntervalMs: 20_000 };
const dockerApi: DockerStatsApi = { containerStats: (id) => docker.getContainer(id).stats({ stream: false, 'one-shot': true } as { stream: false }) };

let container: TrackedContainer;

beforeAll(async () => {
  await buildBusyboxImage(IMAGE, RUN);
  const created = await docker.createContainer({
    Image: IMAGE,
    Labels: { [LABEL]: RUN },
    Cmd: ['sh', '-c', 'x=$(head -c 25165824 /dev/zero | tr "\\0" a); while :; do :; done'],
  });
  await created.start();
  const info = await created.inspect();
  container = { taskArn: 'arn:task/1', taskDefinitionFamily: 'busy', taskDefinitionVersion: '1', containerName: 'busy', dockerId: info.Id, pid: info.State.Pid, networkMode: 'bridge' };
  // Until the shell holds its string.
  for (let i = 0; i < 50 && (await dockerStats()).memory_stats.usage! < 20 * MiB; i++) await systemClock.sleep(200);
}, 60_000);

afterAll(async () => {
  for (const c of await docker.listContainers({ all: true, filters: { label: [`${LABEL}=${RUN}`] } })) await docker.getContainer(c.Id).remove({ force: true });
  await docker.getImage(IMAGE).remove({ force: true }).catch(() => {});
}, 30_000);

async function dockerStats(): Promise<DockerStatsJson> {
  return (await dockerApi.containerStats(container.dockerId)) as DockerStatsJson;
}

function cgroupReader(): CgroupStatsReader {
  const reader = new CgroupStatsReader({ roots: { cgroup: '/sys/fs/cgroup', proc: '/proc' }, onlineCpus: 2, now: () => Date.now() });
  reader.startTick();
  return reader;
}

it('reads the same CPU, memory and network counters from cgroup files as Docker reports', async () => {
  const reader = cgroupReader();
  const before = reader.readNow(container)!;
  const viaDocker = await dockerStats();
  const after = reader.readNow(container)!;
  // Cumulative CPU: Docker's reading lies between the two cgroup readings around it.
  expect(viaDocker.cpu_stats.cpu_usage.total_usage).toBeGreaterThanOrEqual(before.cpu_stats.cpu_usage.total_usage);
  expect(viaDocker.cpu_stats.cpu_usage.total_usage).toBeLessThanOrEqual(after.cpu_stats.cpu_usage.total_usage);
  expect(after.cpu_stats.cpu_usage.percpu_usage).toHaveLength(viaDocker.cpu_stats.cpu_usage.percpu_usage!.length);
  // The held memory barely moves: within 1 MiB.
  expect(Math.abs(after.memory_stats.usage! - viaDocker.memory_stats.usage!)).toBeLessThanOrEqual(MiB);
  expect(after.memory_stats.usage!).toBeGreaterThan(20 * MiB);
  expect(Math.abs(after.memory_stats.stats!.rss! - viaDocker.memory_stats.stats!.rss!)).toBeLessThanOrEqual(MiB);
  expect(after.memory_stats.limit).toBe(viaDocker.memory_stats.limit);
  expect(after.networks?.eth0?.rx_bytes).toBe(viaDocker.networks?.eth0?.rx_bytes);
  expect(Object.keys(after.networks!)).toEqual(Object.keys(viaDocker.networks!));
}, 30_000);

it('gives the same TCS CPU and memory figures through the cgroup reader and through the Docker fallback', async () => {
  const source = { runningContainers: () => [container] };
  const viaCgroup = createStatsEngine({ source, clock: systemClock, logger: recordingLogger(), settings: SETTINGS, docker: dockerApi });
  const fallbackLogger = recordingLogger();
  // No cgroup tree where it is looked for (the agent container without the host's /sys/fs/cgroup).
  const viaDocker = createStatsEngine({ source, clock: systemClock, logger: fallbackLogger, settings: SETTINGS, docker: dockerApi, roots: { cgroup: '/nonexistent', proc: '/proc' } });
  for (let i = 0; i < 4; i++) {
    await viaCgroup.sampleAll();
    await viaDocker.sampleAll();
    await systemClock.sleep(1000);
  }
  expect(fallbackLogger.text()).toContain('No cgroup tree found; container stats come from the Docker API');
  const cgroupMetric = (await viaCgroup.taskMetrics())![0]!.containerMetrics![0]!;
  const dockerMetric = (await viaDocker.taskMetrics())![0]!.containerMetrics![0]!;
  const meanCpu = (m: typeof cgroupMetric) => m.cpuStatsSet!.sum! / m.cpuStatsSet!.sampleCount!;
  expect(cgroupMetric.cpuStatsSet!.sampleCount).toBe(3);
  expect(dockerMetric.cpuStatsSet!.sampleCount).toBe(3);
  // However loaded the host, the busy loop gets some CPU, and both readers see the same share within 10 points.
  expect(meanCpu(cgroupMetric)).toBeGreaterThan(0);
  expect(Math.abs(meanCpu(cgroupMetric) - meanCpu(dockerMetric))).toBeLessThan(10);
  // Memory without cache, in MiB: the same whole number or one apart.
  expect(Math.abs(cgroupMetric.memoryStatsSet!.max! - dockerMetric.memoryStatsSet!.max!)).toBeLessThanOrEqual(1);
  expect(cgroupMetric.memoryStatsSet!.min).toBeGreaterThanOrEqual(20);
  expect(cgroupMetric.networkStatsSet?.rxBytes?.max).toBe(dockerMetric.networkStatsSet?.rxBytes?.max);
  // The endpoints see a Docker-shaped sample either way.
  expect(viaCgroup.latestDockerStats(container.dockerId)?.precpu_stats.cpu_usage.total_usage).toBeGreaterThan(0);
  expect(viaDocker.latestDockerStats(container.dockerId)?.precpu_stats.cpu_usage.total_usage).toBeGreaterThan(0);
}, 30_000);

it('closes a stopped container’s cgroup files and opens the new cgroup once it is started again', async () => {
  const reader = cgroupReader();
  try {
    expect(reader.readNow(container)).toBeDefined();
    expect(reader.heldDescriptors(container.dockerId)).toBe(12);
    await docker.getContainer(container.dockerId).stop({ t: 0 });
    // The open files of a removed cgroup fail every read (ENODEV): nothing is read, nothing stays open.
    expect(reader.readNow(container)).toBeUndefined();
    expect(reader.heldDescriptors(container.dockerId)).toBe(0);
    await docker.getContainer(container.dockerId).start();
    const info = await docker.getContainer(container.dockerId).inspect();
    container = { ...container, pid: info.State.Pid };
    const again = reader.readNow(container);
    expect(again?.cpu_stats.cpu_usage.total_usage).toBeGreaterThan(0);
    expect(again?.networks?.eth0).toBeDefined();
    expect(reader.heldDescriptors(container.dockerId)).toBe(12);
  } finally {
    reader.close();
  }
}, 30_000);
