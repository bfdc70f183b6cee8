import type { Logger } from '@fractal-ecs/common';
import type { Engine } from './engine';
import { TerminalError } from './errors';

export interface Verb {
  name: string;
  description: string;
  run(engine: Engine, signal: AbortSignal): Promise<void>;
}

/** The actions the init system calls, in lifecycle order. `version` is handled before any of this. */
export const VERBS: readonly Verb[] = [
  { name: 'pre-start', description: 'Prepare the ECS Agent for starting', run: (e) => e.preStart() },
  { name: 'start', description: 'Start the ECS Agent and wait for it to stop', run: (e, signal) => e.startSupervised(signal) },
  { name: 'pre-stop', description: 'Stop the ECS Agent', run: (e) => e.preStop() },
  { name: 'stop', description: 'Stop the ECS Agent', run: (e) => e.preStop() },
  { name: 'post-stop', description: 'Cleanup procedure for the ECS Agent', run: (e) => e.postStop() },
  { name: 'reload-cache', description: 'Reload the cached image of the ECS Agent into Docker', run: (e) => e.reloadCache() },
];

export function findVerb(name: string | undefined): Verb | undefined {
  return VERBS.find((verb) => verb.name === name);
}

export const ExitCode = { Success: 0, Usage: 1, Terminal: 5, Error: 255 } as const;

/** Upstream's usage text, printed to stdout for a missing or unknown action. */
export function usageText(program: string): string {
  const lines = VERBS.map((verb) => `  ${verb.name.padEnd(15)}  ${verb.description}`);
  return `Usage: ${program} ACTION\n\n Available actions:\n${lines.join('\n')}\n\n`;
}

/** Runs one verb and maps its outcome to ecs-init's exit status: 0, 5 (agent terminal) or 255. */
export async function runVerb(verb: Verb, engine: Engine, log: Pick<Logger, 'error'>, signal: AbortSignal): Promise<number> {
  try {
    await verb.run(engine, signal);
    return ExitCode.Success;
  } catch (err) {
    log.error((err as Error).message ?? String(err));
    return err instanceof TerminalError ? ExitCode.Terminal : ExitCode.Error;
  }
}

export function versionLine(info: { version: string; gitShortHash: string; gitDirty: boolean }): string {
  return `ecs-init version ${info.version} (${info.gitDirty ? '*' : ''}${info.gitShortHash})`;
}
