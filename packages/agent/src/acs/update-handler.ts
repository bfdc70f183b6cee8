import type { PerformUpdateMessage, StageUpdateMessage } from '../wire';
import type { AcsContext } from './acs-context';

/** StageUpdateMessage / PerformUpdateMessage go to the agent's updater, which acks or nacks them. */
export async function handleUpdate(type: 'StageUpdateMessage' | 'PerformUpdateMessage', message: StageUpdateMessage | PerformUpdateMessage, context: AcsContext): Promise<void> {
  if (type === 'StageUpdateMessage') await context.updater.stage(message, context.send);
  else await context.updater.perform(message, context.send);
}
