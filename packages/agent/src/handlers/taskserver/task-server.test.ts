import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TaskCredentialsStore } from '../../credentials';
import { ManualClock } from '../../../test/fakes/manual-clock';
import { recordingLogger } from '../../../test/fakes/recording-logger';
import { auditLine, createAuditLog, type AuditEventType, type AuditLog, type AuditRequest } from './audit-log';
import { RateLimiter } from './rate-limiter';
import { startTaskServer, type RunningTaskServer } from './task-server';
import { taskStateFromTasks } from './task-state-reader';

const TASK_ARN = 'arn:aws:ecs:us-west-2:123456789012:task/default/6f7a1d3e';

describe('RateLimiter', () => {
  it('allows the burst at once, then the steady rate as time passes, per key', async () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter({ steadyRate: 2, burst: 3 }, clock);
    expect([1, 2, 3, 4].map(() => limiter.allow('a'))).toEqual([true, true, true, false]);
    expect(limiter.allow('b')).toBe(true);
    await clock.advance(499);
    expect(limiter.allow('a')).toBe(false);
    await clock.advance(1);
    expect(limiter.allow('a')).toBe(true);
    expect(limiter.allow('a')).toBe(false);
    await clock.advance(10_000);
    expect([1, 2, 3, 4].map(() => limiter.allow('a'))).toEqual([true, true, true, false]);
  });
});

describe('audit line', () => {
  const request: AuditRequest = { remoteAddress: '172.17.0.2:41234', path: '/v2/credentials/secret-id', userAgent: 'aws-sdk-go/1.0' };
  const identity = { cluster: 'default', containerInstanceArn: 'arn:aws:ecs:us-west-2:123:container-instance/abc' };
  const at = new Date('2021-02-19T18:00:00.789Z');

  it("is upstream's version 2 format, without the credentials ID", () => {
    expect(auditLine(at, request, 200, TASK_ARN, 'GetCredentials', identity)).toBe(
      `2021-02-19T18:00:00Z 200 172.17.0.2:41234 "/v2/credentials" "aws-sdk-go/1.0" ${TASK_ARN} GetCredentials 2 default arn:aws:ecs:us-west-2:123:container-instance/abc`,
    );
  });

  it('writes - for what is unknown and leaves the event part empty for throttled requests', () => {
    expect(auditLine(at, { ...request, path: '/v3/x/task', userAgent: '' }, 429, undefined, '', { cluster: 'default', containerInstanceArn: undefined })).toBe(
      '2021-02-19T18:00:00Z 429 172.17.0.2:41234 "/v3/x/task" "" - ',
    );
  });

  it('goes to the audit file, and nowhere when disabled', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'audit-'));
    try {
      const file = path.join(dir, 'audit.log');
      const options = { clock: new ManualClock(), identity: () => identity, file, console: false, rollover: 'size' as const, maxFileSizeMB: 10, maxRollCount: 2 };
      const log = createAuditLog({ ...options, disabled: false });
      log.log(request, 400, undefined, '');
      await log.close();
      expect(await readFile(file, 'utf8')).toBe('2021-02-19T18:00:00Z 400 172.17.0.2:41234 "/v2/credentials" "aws-sdk-go/1.0" - \n');
      const disabled = createAuditLog({ ...options, file: path.join(dir, 'off.log'), disabled: true });
      disabled.log(request, 200, TASK_ARN, 'GetCredentials');
      await disabled.close();
      await expect(readFile(path.join(dir, 'off.log'))).rejects.toThrow(/ENOENT/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('task server over HTTP', () => {
  let server: RunningTaskServer;
  const audited: { path: string; status: number; arn: string | undefined; eventType: AuditEventType; remote: string }[] = [];
  const audit: AuditLog = {
    log: (request, status, arn, eventType) => audited.push({ path: request.path, status, arn, eventType, remote: request.remoteAddress }),
    close: async () => undefined,
  };
  const clock = new ManualClock();

  beforeAll(async () => {
    const credentials = new TaskCredentialsStore();
    credentials.put(TASK_ARN, 'TaskApplication', { credentialsId: 'creds-web', roleArn: 'r', accessKeyId: 'AKID', secretAccessKey: 'SK', sessionToken: 'TOK', expiration: 'later' });
    server = await startTaskServer(
      {
        sources: {
          state: taskStateFromTasks(() => []),
          stats: { latestDockerStats: () => undefined, networkRateStats: () => undefined },
          credentials,
          tags: { tagsOf: async () => ({}) },
          cluster: () => 'default',
          containerInstanceArn: () => undefined,
          availabilityZone: () => undefined,
          logger: recordingLogger(),
        },
        audit,
        rateLimit: { steadyRate: 1, burst: 3 },
        clock,
      },
      '127.0.0.1',
      0,
    );
  });
  afterAll(() => server.close());
  beforeEach(() => {
    audited.length = 0;
  });

  const url = (p: string) => `http://127.0.0.1:${server.port}${p}`;

  it('answers credentials as JSON and audits each request with the caller address', async () => {
    const response = await fetch(url('/v2/credentials/creds-web'), { headers: { 'user-agent': 'test' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ RoleArn: 'r', AccessKeyId: 'AKID', SecretAccessKey: 'SK', Token: 'TOK', Expiration: 'later' });
    expect(audited).toEqual([{ path: '/v2/credentials/creds-web', status: 200, arn: TASK_ARN, eventType: 'GetCredentials', remote: expect.stringMatching(/^127\.0\.0\.1:\d+$/) }]);
  });

  it('does not audit metadata requests', async () => {
    expect((await fetch(url('/v4/unknown/task'))).status).toBe(500);
    expect(audited).toEqual([]);
  });

  it('throttles past the burst per path with 429 and audits it, and refills at the steady rate', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await fetch(url('/v1/credentials?id=nope'))).status);
    expect(statuses).toEqual([400, 400, 400, 429]);
    const throttled = await fetch(url('/v1/credentials?id=nope'));
    expect(throttled.status).toBe(429);
    expect(await throttled.text()).toBe('You have reached maximum request limit.');
    expect(audited.filter((entry) => entry.status === 429)).toEqual([
      { path: '/v1/credentials', status: 429, arn: undefined, eventType: '', remote: expect.any(String) },
      { path: '/v1/credentials', status: 429, arn: undefined, eventType: '', remote: expect.any(String) },
    ]);
    // Another path has its own bucket.
    expect((await fetch(url('/v2/credentials/nope'))).status).toBe(400);
    await clock.advance(1_000);
    expect((await fetch(url('/v1/credentials?id=nope'))).status).toBe(400);
    expect((await fetch(url('/v1/credentials?id=nope'))).status).toBe(429);
  });

  it('redirects with a Location header', async () => {
    const response = await fetch(url('//v2/credentials/x'), { redirect: 'manual' });
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe('/v2/credentials/x');
  });
});
