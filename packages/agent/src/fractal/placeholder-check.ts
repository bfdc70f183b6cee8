// Model-time check, before anything is created: the placeholder is accepted only where the agent
// replaces it. Anywhere else it would reach Docker literally (a volume or a directory named `%%...%%`),
// so the task is refused with the field named.
import path from 'node:path';
import type { Task } from '../api';
import { hasPlaceholder } from './placeholder';

const WHERE = 'the FractalID placeholder is replaced only in host volume sourcePath, mountPoints containerPath and environment values';

export interface PlaceholderProblem {
  readonly field: string;
  readonly problem: string;
}

/** The first misplaced placeholder of the task, or undefined when every use can be filled in. */
export function misplacedPlaceholder(task: Pick<Task, 'volumes' | 'containers'>): PlaceholderProblem | undefined {
  for (const [i, volume] of task.volumes.entries()) {
    const field = `volumes[${i}]`;
    if (volume.type === 'host') {
      if (!hasPlaceholder(volume.sourcePath)) continue;
      if (!path.isAbsolute(volume.sourcePath)) return { field: `${field}.host.sourcePath`, problem: `${JSON.stringify(volume.sourcePath)} must be an absolute path to hold a container-specific directory` };
      if (volume.sourcePath.split('/').some((part) => part === '..' || part === '.')) {
        return { field: `${field}.host.sourcePath`, problem: `${JSON.stringify(volume.sourcePath)} must not contain "." or ".." components` };
      }
      continue;
    }
    if (hasPlaceholder(volume.name)) return { field: `${field}.name`, problem: `a ${volume.type === 'docker' ? 'Docker' : 'empty host'} volume name cannot carry the placeholder (${WHERE})` };
    if (volume.type !== 'docker') continue;
    for (const [label, map] of [['driverOpts', volume.driverOpts], ['labels', volume.labels]] as const) {
      for (const [key, value] of Object.entries(map)) {
        if (hasPlaceholder(key) || hasPlaceholder(value)) {
          return { field: `${field}.dockerVolumeConfiguration.${label}.${key}`, problem: `${JSON.stringify(value)}: Docker volume ${label} cannot carry the placeholder (${WHERE})` };
        }
      }
    }
  }
  for (const [i, container] of task.containers.entries()) {
    const field = `containers[${i}]`;
    if (hasPlaceholder(container.image)) return { field: `${field}.image`, problem: `${JSON.stringify(container.image)} cannot carry the placeholder (${WHERE})` };
    for (const [name, list] of [['command', container.command], ['entryPoint', container.entryPoint]] as const) {
      const j = (list ?? []).findIndex(hasPlaceholder);
      if (j >= 0) return { field: `${field}.${name}[${j}]`, problem: `${JSON.stringify(list![j])} cannot carry the placeholder (${WHERE})` };
    }
    const key = Object.keys(container.environment).find(hasPlaceholder);
    if (key !== undefined) return { field: `${field}.environment`, problem: `the variable name ${JSON.stringify(key)} cannot carry the placeholder (${WHERE})` };
    for (const part of ['config', 'hostConfig'] as const) {
      const text = container.dockerConfig[part];
      if (text === undefined || !hasPlaceholder(text)) continue;
      const found = findInJson(text, part === 'config');
      if (found !== undefined) {
        const what = part === 'hostConfig' && /^binds\b/i.test(found.path) ? 'a bind from dockerConfig is not a task volume and is not filled in' : 'it is not filled in there';
        return { field: `${field}.dockerConfig.${part}${found.path ? `.${found.path}` : ''}`, problem: `${JSON.stringify(found.value)}: ${what} (${WHERE})` };
      }
    }
  }
  return undefined;
}

/**
 * The path (`Binds[1]`, `Labels.x`) of the first key or string holding the placeholder. In a Config,
 * `Env` values are filled in like the container's environment, so only their names count.
 */
function findInJson(text: string, isConfig: boolean): { path: string; value: string } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON: rendering refuses it with its own reason; the placeholder is in there somewhere.
    return { path: '', value: text };
  }
  const walk = (value: unknown, at: string): { path: string; value: string } | undefined => {
    if (typeof value === 'string') {
      if (isConfig && /^env\[\d+\]$/i.test(at)) return hasPlaceholder(value.split('=')[0]!) ? { path: at, value } : undefined;
      return hasPlaceholder(value) ? { path: at, value } : undefined;
    }
    if (Array.isArray(value)) {
      for (const [index, item] of value.entries()) {
        const found = walk(item, `${at}[${index}]`);
        if (found) return found;
      }
      return undefined;
    }
    if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        const child = at ? `${at}.${key}` : key;
        if (hasPlaceholder(key)) return { path: child, value: key };
        const found = walk(item, child);
        if (found) return found;
      }
    }
    return undefined;
  };
  return walk(parsed, '');
}
