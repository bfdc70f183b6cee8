import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HostPaths } from '@fractal-ecs/common';
import { recordingLogger } from '../../test/recording-logger';
import { loadEcsConfigFiles, parseEcsConfig, readEcsConfigFile } from './env-file';

describe('parseEcsConfig', () => {
  it('splits at the first "=" and keeps keys and values verbatim', () => {
    const { log } = recordingLogger();
    const env = parseEcsConfig(
      'ECS_CLUSTER=prod\nAGENT_TEST_VAR2="val2"=val2\nK = v\nEMPTY=\nECS_ENGINE_AUTH_DATA={"a":{"auth":"x=="}}\n',
      '/etc/ecs/ecs.config',
      log,
    );
    expect(env).toEqual({
      ECS_CLUSTER: 'prod',
      AGENT_TEST_VAR2: '"val2"=val2',
      'K ': ' v',
      EMPTY: '',
      ECS_ENGINE_AUTH_DATA: '{"a":{"auth":"x=="}}',
    });
  });

  it('trims whole lines (indentation, CRLF) and lets later duplicates win', () => {
    const { log } = recordingLogger();
    expect(parseEcsConfig('  A=1\r\nA=2\r\n\tB=x y \r\n', 'f', log)).toEqual({ A: '2', B: 'x y' });
  });

  it('skips blank lines and # comments silently', () => {
    const { log, records } = recordingLogger();
    expect(parseEcsConfig('\n# comment=1\n   \n  #X=1\nA=1\n', 'f', log)).toEqual({ A: '1' });
    expect(records).toEqual([]);
  });

  it('logs malformed lines with file and line number and keeps the rest', () => {
    const { log, messages } = recordingLogger();
    const env = parseEcsConfig('A=1\nexport\n=novalue\nB=2\n', '/etc/ecs/ecs.config', log);
    expect(env).toEqual({ A: '1', B: '2' });
    expect(messages('error')).toEqual([
      '/etc/ecs/ecs.config:2: ignoring malformed line "export" (no "="), expected KEY=VALUE',
      '/etc/ecs/ecs.config:3: ignoring malformed line "=novalue" (empty key), expected KEY=VALUE',
    ]);
  });

  it('quotes only the start of a long malformed line', () => {
    const { log, messages } = recordingLogger();
    parseEcsConfig(`${'x'.repeat(100)}SECRET`, 'f', log);
    expect(messages('error')[0]).toContain(`"${'x'.repeat(40)}..."`);
    expect(messages('error')[0]).not.toContain('SECRET');
  });
});

describe('config files', () => {
  function root() {
    const dir = mkdtempSync(path.join(tmpdir(), 'ecs-init-config-'));
    mkdirSync(path.join(dir, 'etc/ecs'), { recursive: true });
    mkdirSync(path.join(dir, 'var/lib/ecs'), { recursive: true });
    return new HostPaths(dir);
  }

  it('overrides the instance config with the user config key by key', async () => {
    const paths = root();
    writeFileSync(paths.instanceConfig, 'ECS_CLUSTER=from-ami\nECS_ENABLE_TASK_ENI=false\n');
    writeFileSync(paths.userConfig, 'ECS_CLUSTER=mine\nECS_UPDATES_ENABLED=false\n');
    const { log } = recordingLogger();
    expect(await loadEcsConfigFiles(paths, log)).toEqual({
      ECS_CLUSTER: 'mine',
      ECS_ENABLE_TASK_ENI: 'false',
      ECS_UPDATES_ENABLED: 'false',
    });
  });

  it('keeps the instance config GPU switch when the devices show up, and drops it (warning) when they never do', async () => {
    const paths = root();
    writeFileSync(paths.instanceConfig, 'ECS_ENABLE_GPU_SUPPORT=true\nECS_CLUSTER=gpu\n');
    const { log, messages } = recordingLogger();
    expect(await loadEcsConfigFiles(paths, log, async () => true)).toEqual({ ECS_ENABLE_GPU_SUPPORT: 'true', ECS_CLUSTER: 'gpu' });
    expect(await loadEcsConfigFiles(paths, log, async () => false)).toEqual({ ECS_CLUSTER: 'gpu' });
    expect(messages('warn')).toEqual(['No GPU devices found, ignoring the GPU support config']);
  });

  it('waits for GPUs only for the instance config switch, never for the user config', async () => {
    const paths = root();
    writeFileSync(paths.userConfig, 'ECS_ENABLE_GPU_SUPPORT=true\n');
    let waited = false;
    const { log } = recordingLogger();
    expect(await loadEcsConfigFiles(paths, log, async () => ((waited = true), false))).toEqual({ ECS_ENABLE_GPU_SUPPORT: 'true' });
    expect(waited).toBe(false);
  });

  it('treats missing files as empty without logging', async () => {
    const { log, records } = recordingLogger();
    expect(await loadEcsConfigFiles(root(), log)).toEqual({});
    expect(records).toEqual([]);
  });

  it('logs an unreadable file and goes on', async () => {
    const paths = root();
    mkdirSync(paths.userConfig); // a directory cannot be read as a file
    const { log, messages } = recordingLogger();
    expect(await readEcsConfigFile(paths.userConfig, log)).toEqual({});
    expect(messages('error')[0]).toContain(`could not read ${paths.userConfig}`);
  });
});
