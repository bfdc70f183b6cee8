import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import { buildTaggedBusyboxImage, removeImages } from '../support/busybox-image';
import { EngineTestBed, type AgentHandle } from './engine-harness';

// Upstream's functional "simple tests", run through the local control plane and the real Docker
// engine: register the task definition, RunTask, wait for STOPPED, compare every container's exit
// code. Images are the host's busybox imported under the names the definitions use (no registry).

const conformance = '/work/shared/conformance/functional';

interface SimpleTest {
  Name: string;
  TaskDefinition: string;
  Timeout: string;
  ExitCodes?: Record<string, number>;
  Count?: number;
}

/** Cases that cannot run here, with why. */
const SKIPPED: Record<string, string> = {
  'awsvpc-hostname': 'awsvpc networking is not supported by this agent (the model refuses ENIs)',
  'add-drop-capabilities': 'needs capsh from an ubuntu image; covered by the capabilities test in engine.integration.test.ts',
  devices: 'needs the host device /dev/xvda, which this machine does not have',
  'parallel-pull': 'a daemon test of ten distinct registry images; pulls are covered by the image manager tests',
  'security-opt-nonewprivileges': 'needs the amazon/testnnp:make image (a purpose-built setuid probe)',
  'init-process': "expects `pidof init` to find PID 1, true when Docker mounted tini as /dev/init (before 17.06); Docker 20.10 runs /sbin/docker-init; covered by the init test in engine.integration.test.ts",
  shmsize: "expects GNU df's \"100M\" (busybox df prints 100.0M); covered by the shm size test in engine.integration.test.ts",
  privileged: 'this machine\'s Docker cannot start privileged containers (runc: unable to apply caps); covered by the privileged test in engine.integration.test.ts',
};

/**
 * The definitions' images under a tag of this run (`127.0.0.1:51670/busybox:latest` becomes
 * `127.0.0.1:51670/busybox:conformance-<pid>`): a concurrent run or another suite removing the shared
 * `latest` tags cannot pull the image from under these tasks.
 */
const TAG = `conformance-${process.pid}`;
const retag = (image: string) => `${image.slice(0, image.lastIndexOf(':') > image.lastIndexOf('/') ? image.lastIndexOf(':') : image.length)}:${TAG}`;
const IMAGES = ['127.0.0.1:51670/busybox:latest', 'busybox:latest', '127.0.0.1:51670/ubuntu:latest'].map(retag);
const NGINX = ['127.0.0.1:51670/nginx:latest'].map(retag);

const cases = readdirSync(path.join(conformance, 'simpletests_unix'))
  .filter((file) => file.endsWith('.json'))
  .map((file) => ({ id: file.replace(/\.json$/, ''), test: JSON.parse(readFileSync(path.join(conformance, 'simpletests_unix', file), 'utf8')) as SimpleTest }));

let bed: EngineTestBed;
let agent: AgentHandle;

beforeAll(async () => {
  await buildTaggedBusyboxImage(IMAGES);
  await buildTaggedBusyboxImage(NGINX, ['httpd', '-f', '-p', '80', '-h', '/www']);
  bed = await new EngineTestBed().start();
  agent = bed.startAgent({ ECS_CONTAINER_STOP_TIMEOUT: '2s' });
  await bed.waitForEngine(agent);
}, 60_000);

afterAll(async () => {
  await bed?.cleanup();
  removeImages([...IMAGES, ...NGINX]);
});

const CONCURRENT = 5;
/** Cases that take a minute by design (their containers sleep). */
const SLOW: Record<string, true> = { 'container-ordering-healthy': true, 'granular-stop-timeout': true, 'link-volume-depencies': true };

/** Every runnable case is started at once (most of them wait on their own sleeps); each test awaits its own. */
const results = new Map<string, Promise<Record<string, number | null>[]>>();

async function runCase(test: SimpleTest, onRunning?: () => void): Promise<Record<string, number | null>[]> {
  const definition = JSON.parse(readFileSync(path.join(conformance, 'taskdefinitions', test.TaskDefinition, 'task-definition.json'), 'utf8')) as RegisterTaskDefinitionCommandInput;
  for (const container of definition.containerDefinitions ?? []) container.image = retag(container.image!);
  const arns = await bed.run(definition, test.Count ?? 1);
  if (onRunning) void Promise.all(arns.map((arn) => bed.waitForStatus(arn, 'RUNNING', 60_000))).finally(onRunning);
  return Promise.all(arns.map(async (arn) => EngineTestBed.exitCodes(await bed.waitForStatus(arn, 'STOPPED', 200_000))));
}

describe('upstream functional simple tests', () => {
  const runnable = cases.filter(({ id }) => !(id in SKIPPED));
  for (const { id } of cases.filter(({ id }) => id in SKIPPED)) it.skip(`${id}: ${SKIPPED[id]}`, () => undefined);

  beforeAll(() => {
    // At most CONCURRENT cases at once, the slowest first: granular-stop-timeout races its own sleeps,
    // and on 2 cores a start delayed by 45 simultaneous creates would lose that race.
    const queue = [...runnable].sort((a, b) => Number(b.id in SLOW) - Number(a.id in SLOW));
    const waiting: (() => void)[] = [];
    let free = CONCURRENT;
    const slot = () => (free > 0 ? (free--, Promise.resolve()) : new Promise<void>((resolve) => waiting.push(resolve)));
    const release = () => (waiting.length ? waiting.shift()!() : free++);
    // granular-stop-timeout's dependencies sleep 30 s and its parent 10 s after starting: it runs alone
    // until its task is running, so Docker's queue of other creates cannot delay the parent past that.
    let opened!: () => void;
    const gate = new Promise<void>((resolve) => (opened = resolve));
    for (const { id, test } of queue) {
      const first = id === 'granular-stop-timeout';
      const result = (first ? slot() : gate.then(slot)).then(() => runCase(test, first ? opened : undefined).finally(release));
      result.catch(() => undefined);
      results.set(id, result);
    }
    if (!queue.some(({ id }) => id === 'granular-stop-timeout')) opened();
  });

  it.each(runnable.map(({ id, test }) => [id, test] as const))('%s: every container exits with the expected code', async (id, test) => {
    for (const exitCodes of await results.get(id)!) expect(exitCodes).toEqual(expect.objectContaining(test.ExitCodes ?? {}));
  }, 240_000);
});
