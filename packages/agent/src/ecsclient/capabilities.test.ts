import { loadAgentConfig } from '../config';
import { capabilityAttributes, registrationAttributes, supportedDockerApiVersions } from './capabilities';

const configOf = (env: Record<string, string>) => loadAgentConfig({ env: { AWS_DEFAULT_REGION: 'us-east-1', ...env }, readFile: () => undefined }).config;
const names = (env: Record<string, string>, apiVersions: readonly string[]) => capabilityAttributes(configOf(env), { apiVersions }).map((a) => a.name);
const L = 'com.amazonaws.ecs.capability.';
const N = 'ecs.capability.';

/** Docker 20.10 (API 1.41, minimum 1.12) serves every probed version. */
const DOCKER_20_10 = supportedDockerApiVersions('1.12', '1.41');

describe('supportedDockerApiVersions', () => {
  it('keeps the probed versions 1.17-1.32 inside the daemon range', () => {
    expect(DOCKER_20_10).toEqual(['1.17', '1.18', '1.19', '1.20', '1.21', '1.22', '1.23', '1.24', '1.25', '1.26', '1.27', '1.28', '1.29', '1.30', '1.31', '1.32']);
    expect(supportedDockerApiVersions('1.24', '1.26')).toEqual(['1.24', '1.25', '1.26']);
    expect(supportedDockerApiVersions(undefined, undefined)).toEqual([]);
  });
});

describe('capabilityAttributes', () => {
  it('is the README list on a default configuration with Docker 20.10', () => {
    expect(names({}, DOCKER_20_10)).toEqual([
      ...DOCKER_20_10.map((v) => `${L}docker-remote-api.${v}`),
      `${L}logging-driver.json-file`,
      `${L}logging-driver.none`,
      `${L}privileged-container`,
      `${L}ecr-auth`,
      `${N}execution-role-ecr-pull`,
      `${N}ecr-endpoint`,
      `${N}task-cpu-mem-limit`,
      `${N}container-health-check`,
      `${N}private-registry-authentication.secretsmanager`,
      `${N}secrets.ssm.environment-variables`,
      `${N}secrets.asm.environment-variables`,
      `${N}secrets.ssm.bootstrap.log-driver`,
      `${N}secrets.asm.bootstrap.log-driver`,
      `${N}container-ordering`,
      `${N}full-sync`,
    ]);
  });

  it('follows the configuration switches', () => {
    const all = names(
      {
        ECS_AVAILABLE_LOGGING_DRIVERS: '["awslogs","sumologic","awsfirelens"]',
        ECS_SELINUX_CAPABLE: 'true',
        ECS_APPARMOR_CAPABLE: 'true',
        ECS_ENABLE_TASK_IAM_ROLE: 'true',
        ECS_ENABLE_TASK_IAM_ROLE_NETWORK_HOST: 'true',
        ECS_ENABLE_AWSLOGS_EXECUTIONROLE_OVERRIDE: 'true',
      },
      DOCKER_20_10,
    );
    expect(all).toEqual(
      expect.arrayContaining([`${L}logging-driver.awslogs`, `${L}logging-driver.sumologic`, `${L}selinux`, `${L}apparmor`, `${L}task-iam-role`, `${L}task-iam-role-network-host`, `${N}execution-role-awslogs`]),
    );
    // awsfirelens is accepted in the configuration but firelens is not implemented.
    expect(all).not.toContain(`${L}logging-driver.awsfirelens`);
    const off = names({ ECS_DISABLE_PRIVILEGED: 'true', ECS_DISABLE_DOCKER_HEALTH_CHECK: 'true', ECS_ENABLE_TASK_CPU_MEM_LIMIT: 'false' }, DOCKER_20_10);
    expect(off).not.toEqual(expect.arrayContaining([`${L}privileged-container`]));
    for (const gone of [`${L}privileged-container`, `${N}container-health-check`, `${N}task-cpu-mem-limit`, `${N}execution-role-awslogs`, `${L}task-iam-role`]) expect(off).not.toContain(gone);
  });

  it('drops what the Docker API cannot do', () => {
    const old = names({ ECS_AVAILABLE_LOGGING_DRIVERS: '["json-file","awslogs","sumologic"]' }, supportedDockerApiVersions('1.17', '1.21'));
    expect(old).toContain(`${L}logging-driver.awslogs`);
    expect(old).not.toContain(`${L}logging-driver.sumologic`);
    expect(old).not.toContain(`${N}container-health-check`);
    expect(old).not.toContain(`${N}task-cpu-mem-limit`);
    expect(old).toContain(`${L}ecr-auth`);
  });

  it('never claims what this agent does not implement', () => {
    const all = names({ ECS_ENABLE_TASK_ENI: 'true', ECS_ENABLE_GPU_SUPPORT: 'true', ECS_AVAILABLE_LOGGING_DRIVERS: '["awsfirelens"]' }, DOCKER_20_10);
    for (const unclaimed of ['task-eni', 'firelens', 'execute-command', 'efs', 'aws-appmesh', 'task-eia', 'env-files', 'docker-plugin', 'pid-ipc-namespace-sharing', 'gmsa', 'fsxWindowsFileServer']) {
      expect(all.filter((name) => name?.includes(unclaimed))).toEqual([]);
    }
  });
});

describe('registrationAttributes', () => {
  it('puts ECS_INSTANCE_ATTRIBUTES first on the first registration only, then capabilities, host capabilities, the OS type', () => {
    const config = configOf({ ECS_INSTANCE_ATTRIBUTES: '{"stack":"prod"}' });
    const gpu = { name: 'ecs.capability.nvidia-driver-version.535.1' };
    const first = registrationAttributes(config, true, { apiVersions: [] }, [gpu]);
    expect(first[0]).toEqual({ name: 'stack', value: 'prod' });
    expect(first.slice(-2)).toEqual([gpu, { name: 'ecs.os-type', value: 'linux' }]);
    expect(first).toContainEqual({ name: `${N}full-sync` });
    expect(registrationAttributes(config, false, { apiVersions: [] })[0]).not.toEqual({ name: 'stack', value: 'prod' });
  });
});
