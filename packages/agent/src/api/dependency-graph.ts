// Static checks of the containers' dependsOn graph, done once when the task arrives (upstream's
// ValidDependencies): every edge names a container of the task, and there is no cycle.
import type { ContainerDependency } from './container';
import { modelError, modelOk, type ModelResult } from './task-model-error';

interface Node {
  readonly name: string;
  readonly dependsOn: readonly ContainerDependency[];
}

/** `containers` in ACS order, so errors can name `containers[i].dependsOn[j]`. */
export function validateDependencyGraph(containers: readonly Node[]): ModelResult<void> {
  const indexByName = new Map(containers.map((container, index) => [container.name, index]));
  for (const [index, container] of containers.entries()) {
    for (const [edge, dependency] of container.dependsOn.entries()) {
      if (!indexByName.has(dependency.containerName)) {
        return modelError(`containers[${index}].dependsOn[${edge}].containerName`, `no container named ${JSON.stringify(dependency.containerName)}`);
      }
    }
  }
  // Depth-first search; a node met again while still on the path closes a cycle.
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') return [...path.slice(path.indexOf(name)), name];
    state.set(name, 'visiting');
    path.push(name);
    for (const dependency of containers[indexByName.get(name)!]!.dependsOn) {
      const cycle = visit(dependency.containerName);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const container of containers) {
    const cycle = visit(container.name);
    if (cycle) {
      return modelError(
        `containers[${indexByName.get(cycle[0]!)!}].dependsOn`,
        `dependency cycle ${cycle.map((name) => JSON.stringify(name)).join(' -> ')}`,
      );
    }
  }
  return modelOk(undefined);
}
