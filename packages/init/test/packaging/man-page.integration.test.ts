// amazon-ecs-init(1) as man(1) renders it: no roff warnings, and every verb, exit status and knob
// documented in its own section.
import path from 'node:path';
import { mustRun, repoRoot, run } from './packaging-build';

const page = path.join(repoRoot, 'packages/init/man/amazon-ecs-init.1');

/** The rendered page split into its top-level sections (NAME, SYNOPSIS, ...). */
function renderedSections(): Map<string, string> {
  const text = mustRun('man', ['-l', page], { env: { ...process.env, MANWIDTH: '200' } });
  const sections = new Map<string, string>();
  let current = '';
  for (const line of text.split('\n')) {
    if (/^[A-Z][A-Z ]+$/.test(line)) {
      current = line;
      sections.set(current, '');
    } else if (current) {
      sections.set(current, `${sections.get(current)}${line}\n`);
    }
  }
  return sections;
}

/** Entries of a tagged-paragraph section: the lines indented by exactly 7 spaces. */
function tags(section: string | undefined): string[] {
  return (section ?? '')
    .split('\n')
    .filter((line) => /^ {7}\S/.test(line))
    .map((line) => line.trim().split(/\s+/)[0]!);
}

describe('man page amazon-ecs-init(1)', () => {
  const sections = renderedSections();

  it('renders without roff warnings', () => {
    const result = run('man', ['--warnings', '-l', page], { env: { ...process.env, MANWIDTH: '100' } });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('documents every verb', () => {
    expect(tags(sections.get('ACTIONS'))).toEqual(
      expect.arrayContaining(['pre-start', 'start', 'stop', 'pre-stop', 'post-stop', 'reload-cache', 'version']),
    );
  });

  it('documents the exit statuses 0, 1, 5 and 255', () => {
    expect(tags(sections.get('EXIT STATUS'))).toEqual(['0', '1', '5', '255']);
  });

  it('documents every environment knob', () => {
    expect(tags(sections.get('ENVIRONMENT'))).toEqual(
      expect.arrayContaining([
        'ECS_SKIP_LOCALHOST_TRAFFIC_FILTER',
        'ECS_ALLOW_OFFHOST_INTROSPECTION_ACCESS',
        'ECS_OFFHOST_INTROSPECTION_INTERFACE_NAME',
        'ECS_AGENT_LABELS',
        'ECS_LOG_DRIVER',
        'ECS_LOG_OPTS',
        'ECS_INIT_DOCKER_LOG_FILE_SIZE',
        'ECS_INIT_DOCKER_LOG_FILE_NUM',
        'ECS_LOGLEVEL',
        'ECS_INIT_HOST_ROOT',
        'ECS_INIT_AGENT_IMAGE',
        'ECS_INIT_AGENT_CONTAINER_NAME',
      ]),
    );
  });

  it('documents the files the package installs and amazon-ecs-init uses', () => {
    expect(tags(sections.get('FILES'))).toEqual(
      expect.arrayContaining([
        '/etc/ecs/ecs.config',
        '/var/lib/ecs/ecs.config',
        '/var/cache/ecs/ecs-agent.tar',
        '/var/cache/ecs/state',
        '/var/log/ecs/ecs-init.log',
        '/usr/lib/systemd/system/ecs.service',
        '/etc/init/ecs.conf',
      ]),
    );
  });
});
