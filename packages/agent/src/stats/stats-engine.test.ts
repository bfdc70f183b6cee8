import { ManualClock } from '../../test/fakes/manual-clock';
import { recordingLogger } from '../../test/fakes/recording-logger';
import { buildMetricsRequests } from '../tcs';
import type { ContainerStatsReader } from './container-stats-reader';
import { DockerApiStatsReader, type DockerStatsApi } from './docker-api-stats-reader';
import { blkioStats, emptyCpuStats, formatDockerTime, type DockerStatsJson } from './docker-stats-json';
import { StatsEngine } from './stats-engine';
import { queueCapacity, sampleIntervalMs, statsSettingsFromConfig, type StatsSettings } from './stats-settings';
import type { TrackedContainer } from './tracked-container-source';

const MiB = 1024 * 1024;
const SETTINGS: StatsSettings = { metricsDisabled: false, dockerHealthCheckDisabled: false, poll: false, pollingWaitMs: 10_000, publishIntervalMs: 20_000 };

function tracked(task: number, name: string, extra: Partial<TrackedContainer> = {}): TrackedContainer {
  return { taskArn: `arn:task/${task}`, taskDefinitionFamily: 'web', taskDefinitionVersion: '3', containerName: name, dockerId: `${name}-${task}`, ...extra };
}

/** Docker stats JSON with cumulative CPU (ns over 2 cores) and memory usage (bytes) as given. */
function dockerStats(readMs: number, totalCpuNs: number, usage: number, networks?: DockerStatsJson['networks']): DockerStatsJson {
  return {
    read: formatDockerTime(readMs),
    preread: '0001-01-01T00:00:00Z',
    pids_stats: {},
    blkio_stats: blkioStats([], []),
    num_procs: 0,
    storage_stats: {},
    cpu_stats: { ...emptyCpuStats(), cpu_usage: { total_usage: totalCpuNs, percpu_usage: [totalCpuNs], usage_in_kernelmode: 0, usage_in_usermode: 0 }, online_cpus: 2 },
    precpu_stats: emptyCpuStats(),
    memory_stats: { usage, stats: { cache: 0 } },
    ...(networks ? { networks } : {}),
  };
}

/**
 * A reader replaying, per container, CPU growing by `cpuPerSecondNs` a second and fixed memory; the
 * clock gives the sample time. Containers not in `readable` are not readable by it.
 */
class ScriptedReader implements ContainerStatsReader {
  readonly reads: string[] = [];
  closed = 0;
  constructor(
    private readonly clock: ManualClock,
    private readonly readable: Record<string, { cpuPerSecondNs: number; memory: number }>,
  ) {}
  startTick(): void {}
  forget(): void {}
  close(): void {
    this.closed++;
  }
  async read(container: TrackedContainer): Promise<DockerStatsJson | undefined> {
    const script = this.readable[container.dockerId];
    if (!script) return undefined;
    this.reads.push(container.dockerId);
    const now = this.clock.now().getTime();
    const seconds = (now - START) / 1000;
    return dockerStats(now, seconds * script.cpuPerSecondNs, script.memory);
  }
}

const START = Date.UTC(2021, 1, 19, 18, 0, 0);

function setup(containers: TrackedContainer[], settings: StatsSettings = SETTINGS) {
  const clock = new ManualClock(START);
  const logger = recordingLogger();
  const primary = new ScriptedReader(clock, Object.fromEntries(containers.map((c) => [c.dockerId, { cpuPerSecondNs: 1e9, memory: 64 * MiB }])));
  const source = { containers, runningContainers: () => source.containers };
  const engine = new StatsEngine({ source, clock, logger, settings, hostCores: 2, primary });
  return { clock, logger, primary, source, engine };
}

async function sampleSeconds(engine: StatsEngine, clock: ManualClock, seconds: number): Promise<void> {
  for (let i = 0; i < seconds; i++) {
    await engine.sampleAll();
    await clock.advance(1000);
  }
}

describe('StatsEngine as the TCS telemetry source', () => {
  it('publishes idle without containers and nothing while samples are too few', async () => {
    const { engine, source, clock } = setup([]);
    expect(await engine.taskMetrics()).toEqual([]);
    source.containers = [tracked(1, 'app')];
    await sampleSeconds(engine, clock, 1);
    expect(await engine.taskMetrics()).toBeUndefined();
  });

  it('groups container metrics by task and starts each window after the last collection', async () => {
    const { engine, clock } = setup([tracked(1, 'app', { containerArn: 'arn:container/1' }), tracked(1, 'sidecar'), tracked(2, 'app')]);
    await sampleSeconds(engine, clock, 5);
    const first = (await engine.taskMetrics())!;
    expect(first.map((t) => [t.taskArn, t.taskDefinitionFamily, t.taskDefinitionVersion, t.containerMetrics!.map((c) => c.containerName)])).toEqual([
      ['arn:task/1', 'web', '3', ['app', 'sidecar']],
      ['arn:task/2', 'web', '3', ['app']],
    ]);
    // 1 s of CPU each second over 2 cores: 50%, four rates from five samples; 64 MiB in all five.
    expect(first[0]!.containerMetrics![0]).toMatchObject({
      containerArn: 'arn:container/1',
      cpuStatsSet: { min: 50, max: 50, sum: 200, sampleCount: 4 },
      memoryStatsSet: { min: 64, max: 64, sum: 320, sampleCount: 5 },
      storageStatsSet: { readSizeBytes: { sum: 0, sampleCount: 5 } },
    });
    await sampleSeconds(engine, clock, 2);
    const second = (await engine.taskMetrics())!;
    expect(second[0]!.containerMetrics![0]!.cpuStatsSet).toEqual({ min: 50, max: 50, sum: 100, sampleCount: 2 });
  });

  it('feeds the TCS chunking: 12 tasks become two messages, fin on the last', async () => {
    const { engine, clock } = setup(Array.from({ length: 12 }, (_, i) => tracked(i, 'app')));
    await sampleSeconds(engine, clock, 2);
    const requests = buildMetricsRequests({ cluster: 'c', containerInstanceArn: 'arn:ci' }, 'm1', (await engine.taskMetrics())!, 1);
    expect(requests.map((r) => [r.taskMetrics!.length, r.metadata!.idle, r.metadata!.fin])).toEqual([
      [10, false, false],
      [2, false, true],
    ]);
  });

  it('drops a container that stopped running', async () => {
    const { engine, source, clock } = setup([tracked(1, 'app'), tracked(2, 'app')]);
    await sampleSeconds(engine, clock, 2);
    source.containers = [tracked(2, 'app')];
    await sampleSeconds(engine, clock, 1);
    expect(engine.latestDockerStats('app-1')).toBeUndefined();
    expect((await engine.taskMetrics())!.map((t) => t.taskArn)).toEqual(['arn:task/2']);
  });

  it('reports health only for containers with a Docker health check, and none when health checks are disabled', async () => {
    const since = new Date(Date.UTC(2021, 1, 19, 17, 59, 0, 500));
    const containers = [tracked(1, 'app', { health: { status: 'UNHEALTHY', since } }), tracked(1, 'plain'), tracked(2, 'app')];
    expect(await setup(containers).engine.taskHealth()).toEqual([
      { taskArn: 'arn:task/1', taskDefinitionFamily: 'web', taskDefinitionVersion: '3', containers: [{ containerName: 'app', healthStatus: 'UNHEALTHY', statusSince: since.getTime() / 1000 }] },
    ]);
    expect(await setup(containers, { ...SETTINGS, dockerHealthCheckDisabled: true }).engine.taskHealth()).toEqual([]);
  });

  it('gathers nothing with ECS_DISABLE_METRICS: run returns at once and no reader is called', async () => {
    const { engine, primary, clock, logger } = setup([tracked(1, 'app')], { ...SETTINGS, metricsDisabled: true });
    await engine.run(new AbortController().signal);
    await sampleSeconds(engine, clock, 3);
    expect(primary.reads).toEqual([]);
    expect(engine.latestDockerStats('app-1')).toBeUndefined();
    expect(logger.text()).toContain('Metrics are disabled (ECS_DISABLE_METRICS)');
  });

  it('samples every second by default and every wait duration with ECS_POLL_METRICS', async () => {
    for (const [settings, interval] of [
      [SETTINGS, 1000],
      [{ ...SETTINGS, poll: true, pollingWaitMs: 5000 }, 5000],
    ] as const) {
      const { engine, primary, clock } = setup([tracked(1, 'app')], settings);
      const stop = new AbortController();
      const running = engine.run(stop.signal);
      await clock.advance(interval * 3);
      stop.abort();
      await running;
      expect(primary.reads).toHaveLength(4);
      expect(clock.requestedSleeps.slice(0, 3)).toEqual([interval, interval, interval]);
    }
  });

  it('closes its readers once sampling stops, so nothing they hold stays open', async () => {
    const { engine, primary, clock } = setup([tracked(1, 'app')]);
    const stop = new AbortController();
    const running = engine.run(stop.signal);
    await clock.advance(2000);
    expect(primary.closed).toBe(0);
    stop.abort();
    await running;
    expect(primary.closed).toBe(1);
  });

  it('serves the last sample as Docker stats JSON with precpu from the sample before', async () => {
    const { engine, clock } = setup([tracked(1, 'app')]);
    await sampleSeconds(engine, clock, 2);
    const latest = engine.latestDockerStats('app-1')!;
    expect(latest.read).toBe('2021-02-19T18:00:01.000000000Z');
    expect(latest.preread).toBe('2021-02-19T18:00:00.000000000Z');
    expect(latest.cpu_stats.cpu_usage.total_usage).toBe(1e9);
    expect(latest.precpu_stats.cpu_usage.total_usage).toBe(0);
    expect(Object.keys(engine.taskDockerStats('arn:task/1'))).toEqual(['app-1']);
  });
});

describe('StatsEngine fallback to the Docker API', () => {
  it('reads through Docker only the containers whose cgroup files are not readable, and says so once', async () => {
    const clock = new ManualClock(START);
    const logger = recordingLogger();
    const containers = [tracked(1, 'cgroup'), tracked(2, 'docker', { networkMode: 'bridge' })];
    const primary = new ScriptedReader(clock, { 'cgroup-1': { cpuPerSecondNs: 0, memory: MiB } });
    const calls: string[] = [];
    const api: DockerStatsApi = {
      async containerStats(id, call) {
        calls.push(`${id} ${call?.timeoutMs}`);
        const now = clock.now().getTime();
        const seconds = (now - START) / 1000;
        const net = { rx_bytes: 1000 * seconds, rx_packets: 0, rx_errors: 0, rx_dropped: 0, tx_bytes: 0, tx_packets: 0, tx_errors: 0, tx_dropped: 0 };
        return dockerStats(now, seconds * 0.5e9, 100 * MiB, { eth0: net });
      },
    };
    const engine = new StatsEngine({ source: { runningContainers: () => containers }, clock, logger, settings: SETTINGS, hostCores: 2, primary, fallback: new DockerApiStatsReader(api) });
    await sampleSeconds(engine, clock, 3);
    expect(calls).toEqual(['docker-2 18000', 'docker-2 18000', 'docker-2 18000']);
    expect(primary.reads).toEqual(['cgroup-1', 'cgroup-1', 'cgroup-1']);
    expect(logger.records.filter((r) => r.msg.includes('through the Docker API'))).toHaveLength(1);
    const metrics = (await engine.taskMetrics())!;
    const viaDocker = metrics.find((t) => t.taskArn === 'arn:task/2')!.containerMetrics![0]!;
    // 0.5 s of CPU a second over 2 cores: 25%. 1000 B/s in, first rate 0.
    expect(viaDocker.cpuStatsSet).toEqual({ min: 25, max: 25, sum: 50, sampleCount: 2 });
    expect(viaDocker.memoryStatsSet).toEqual({ min: 100, max: 100, sum: 300, sampleCount: 3 });
    expect(viaDocker.networkStatsSet?.rxBytesPerSecond).toEqual({ min: 0, max: 1000, sum: 2000, sampleCount: 3 });
    expect(engine.networkRateStats('docker-2')).toEqual({ rx_bytes_per_sec: 1000, tx_bytes_per_sec: 0 });
  });

  it('keeps sampling the other containers when a Docker call fails, and leaves network out for host mode', async () => {
    const clock = new ManualClock(START);
    const containers = [tracked(1, 'broken'), tracked(2, 'host', { networkMode: 'host' })];
    const api: DockerStatsApi = {
      async containerStats(id) {
        if (id === 'broken-1') throw new Error('no such container');
        const now = clock.now().getTime();
        const net = { rx_bytes: 5, rx_packets: 0, rx_errors: 0, rx_dropped: 0, tx_bytes: 0, tx_packets: 0, tx_errors: 0, tx_dropped: 0 };
        return dockerStats(now, 0, MiB, { eth0: net });
      },
    };
    const engine = new StatsEngine({ source: { runningContainers: () => containers }, clock, logger: recordingLogger(), settings: SETTINGS, hostCores: 2, fallback: new DockerApiStatsReader(api) });
    await sampleSeconds(engine, clock, 2);
    const metrics = (await engine.taskMetrics())!;
    expect(metrics.map((t) => t.taskArn)).toEqual(['arn:task/2']);
    expect(metrics[0]!.containerMetrics![0]).not.toHaveProperty('networkStatsSet');
  });
});

describe('stats settings', () => {
  it('takes the flags from the agent config and sizes the ring as four publish windows', () => {
    const settings = statsSettingsFromConfig({ metrics: { disabled: true, poll: true, pollingWaitMs: 10_000 }, capabilities: { dockerHealthCheckDisabled: true } });
    expect(settings).toEqual({ metricsDisabled: true, dockerHealthCheckDisabled: true, poll: true, pollingWaitMs: 10_000, publishIntervalMs: 20_000 });
    expect([sampleIntervalMs(settings), queueCapacity(settings)]).toEqual([10_000, 8]);
    expect([sampleIntervalMs(SETTINGS), queueCapacity(SETTINGS)]).toEqual([1_000, 80]);
  });
});
